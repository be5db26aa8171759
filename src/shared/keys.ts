// Clicker keys, as one pure mapping used by every window (a capture listener in the browser,
// before-input-event in Electron). Clickers send PageDown/PageUp, arrows, B or '.', and F5/Esc.

export type KeyIntent =
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'blackout' }
  | { type: 'panic' }
  /** A hazard key (reload, leave full screen, move focus): eaten, does nothing. */
  | { type: 'swallow' }
  /** Not ours: let it through. */
  | { type: 'pass' };

export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** True for auto-repeat (a held clicker button). */
  repeat?: boolean;
}

const NEXT = new Set(['PageDown', 'ArrowRight', 'ArrowDown', ' ', 'Spacebar', 'Enter', 'n', 'N']);
const PREV = new Set(['PageUp', 'ArrowLeft', 'ArrowUp', 'Backspace', 'p', 'P']);
const BLACKOUT = new Set(['b', 'B', '.']);
const HAZARD = new Set(['F5', 'Escape', 'Esc', 'Tab', 'F11', 'BrowserRefresh', 'BrowserBack', 'BrowserForward']);

export function keyIntent(k: KeyInput): KeyIntent {
  // Reload and zoom shortcuts must never reach the page (Ctrl/Cmd+R, Ctrl+Shift+R, Ctrl+W...).
  if (k.ctrlKey || k.metaKey) {
    const lower = k.key.toLowerCase();
    if (['r', 'w', 'q', 'l', 'p', 's', '+', '-', '=', '0', '[', ']'].includes(lower)) return { type: 'swallow' };
    return { type: 'pass' };
  }
  if (k.key === 'Escape' && k.shiftKey) return k.repeat ? { type: 'swallow' } : { type: 'panic' };
  if (HAZARD.has(k.key)) return { type: 'swallow' };
  if (k.altKey) return { type: 'pass' };
  let intent: KeyIntent = { type: 'pass' };
  if (NEXT.has(k.key)) intent = { type: 'next' };
  else if (PREV.has(k.key)) intent = { type: 'prev' };
  else if (BLACKOUT.has(k.key)) intent = { type: 'blackout' };
  else if (k.key === 'Home') intent = { type: 'first' };
  else if (k.key === 'End') intent = { type: 'last' };
  // A held button auto-repeats: eat the repeats so one press moves one chapter.
  if (intent.type !== 'pass' && k.repeat) return { type: 'swallow' };
  return intent;
}
