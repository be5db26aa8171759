// The application menu. Windows and Linux get none (no menu bar on stage, and nothing in it
// can reload a page). macOS needs one for text editing: without an Edit menu, Cmd+C, Cmd+V and
// Cmd+A do nothing in the deck-path field, and without the app menu Cmd+Q does not quit (a quit
// restores every open fault first, as any quit does). Neither menu can reload or navigate.
/** The part of Electron's MenuItemConstructorOptions used here (only the shell imports electron). */
export interface MenuRole {
  role: 'appMenu' | 'editMenu';
}

/** The menu template for a platform, or null for no menu. Pure. */
export function appMenuTemplate(platform: NodeJS.Platform): MenuRole[] | null {
  return platform === 'darwin' ? [{ role: 'appMenu' }, { role: 'editMenu' }] : null;
}

/** Whether pages ignore the menu's shortcuts: only where there is no menu to reach. Pure. */
export function pagesIgnoreMenuShortcuts(platform: NodeJS.Platform): boolean {
  return appMenuTemplate(platform) === null;
}
