// The Electron shell, kept thin: windows, displays, keys, lifecycle. Everything else is the
// same plain-Node services that browser mode uses (app.ts), reached through the IPC adapter.
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, screen, session, type Display } from 'electron';
import { initialKeyTracker, keyDown, keyTick, keyUp, type KeyIntent, type KeyTracker } from '../shared/keys';
import { createStage, type Stage } from './app';
import { USAGE, parseConfig } from './config';
import { createLiveDeps } from './live';
import { appRoot, builtinDeckPath } from './paths';
import { attachIpc } from './transport/ipc';

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(__dirname, '../renderer/index.html');

/** Our own pages only: the built renderer file, or the dev server in development. */
const trusted = (url: string): boolean =>
  (rendererUrl !== undefined && url.startsWith(rendererUrl)) || url.startsWith(`file://${rendererFile.replace(/\\/g, '/')}`) ||
  url.startsWith('file:///' + rendererFile.replace(/\\/g, '/').replace(/^\//, ''));

function pickAudienceDisplay(): Display {
  const all = screen.getAllDisplays();
  const primary = screen.getPrimaryDisplay();
  return all.find((d) => !d.internal && d.id !== primary.id) ?? all.find((d) => d.id !== primary.id) ?? primary;
}

function createWindow(view: 'audience' | 'presenter', display: Display): BrowserWindow {
  const { x, y, width, height } = display.workArea;
  const win = new BrowserWindow({
    x: x + 40,
    y: y + 40,
    width: Math.min(1600, width - 80),
    height: Math.min(900, height - 80),
    show: false,
    backgroundColor: '#000000',
    title: view === 'audience' ? 'TiKV Stage — audience' : 'TiKV Stage — presenter',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      // The audience window must keep updating even when it is not focused.
      backgroundThrottling: false
    }
  });
  win.webContents.setIgnoreMenuShortcuts(true);
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!trusted(url)) e.preventDefault();
  });
  const query = view === 'presenter' ? { view: 'presenter' } : undefined;
  if (rendererUrl) void win.loadURL(view === 'presenter' ? `${rendererUrl}?view=presenter` : rendererUrl);
  else void win.loadFile(rendererFile, query ? { query } : undefined);
  win.once('ready-to-show', () => {
    win.show();
    // Full screen only once placed on the right display, or it can land on the wrong one.
    if (view === 'audience' && display.id !== screen.getPrimaryDisplay().id) win.setFullScreen(true);
  });
  return win;
}

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(process.argv.indexOf('--') >= 0 ? process.argv.indexOf('--') + 1 : 2));
  if (!parsed.ok || parsed.help) {
    console.error(parsed.ok ? USAGE : `tikv-stage: ${parsed.error}\n\n${USAGE}`);
    app.exit(parsed.ok ? 0 : 2);
    return;
  }
  await app.whenReady();
  Menu.setApplicationMenu(null);
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const config = parsed.config;
  const shell = { swapDisplays: (): void => {} };
  const stage: Stage = await createStage({
    config,
    shell,
    dataDir: config.dataDir ?? app.getPath('userData'),
    builtinDeck: builtinDeckPath(app.isPackaged ? process.resourcesPath : appRoot(__dirname)),
    live: createLiveDeps(config)
  });
  const ipc = attachIpc(ipcMain, stage.handlers, trusted);

  // Two windows, one show state: every change goes through main.
  let audienceDisplay = pickAudienceDisplay();
  let swapped = false;
  const audience = createWindow('audience', audienceDisplay);
  const presenterWin = createWindow('presenter', screen.getPrimaryDisplay());
  const windows = [audience, presenterWin];
  const live = (): BrowserWindow[] => windows.filter((w) => !w.isDestroyed());
  stage.subscribe((event, payload) =>
    ipc.broadcast(
      live().map((w) => w.webContents),
      event,
      payload
    )
  );

  /** Puts the audience window full-screen on the chosen display (and the presenter on the other). */
  function place(): void {
    const primary = screen.getPrimaryDisplay();
    const external = pickAudienceDisplay();
    audienceDisplay = swapped ? primary : external;
    const presenterDisplay = swapped ? external : primary;
    for (const [win, d, full] of [
      [audience, audienceDisplay, audienceDisplay.id !== presenterDisplay.id],
      [presenterWin, presenterDisplay, false]
    ] as const) {
      if (win.isDestroyed()) continue;
      // Leave full screen before moving, or the window can stay on the old display.
      if (win.isFullScreen()) win.setFullScreen(false);
      const b = d.workArea;
      win.setBounds({ x: b.x + 40, y: b.y + 40, width: Math.min(1600, b.width - 80), height: Math.min(900, b.height - 80) });
      if (full) win.setFullScreen(true);
    }
  }
  screen.on('display-added', place);
  screen.on('display-removed', place);
  shell.swapDisplays = () => {
    swapped = !swapped;
    place();
  };

  // Keys are caught above the page, the same in both windows (one tracker: a G-jump or a held
  // blackout key spans the windows like the show does).
  let tracker: KeyTracker = initialKeyTracker;
  let holdTimer: NodeJS.Timeout | null = null;
  const fire = (intents: KeyIntent[]): void => {
    for (const i of intents) {
      if (i.type === 'goto') void stage.handlers.goTo(Math.min(i.index, stage.state().show.total - 1));
      else if (i.type === 'timer') void stage.handlers.timer('toggle');
      else if (i.type === 'freeze') void stage.handlers.freeze();
      else if (i.type === 'blackout') void stage.handlers.blackout();
      else if (i.type !== 'pass' && i.type !== 'swallow') void stage.handlers[i.type]();
    }
  };
  for (const win of windows) {
    win.webContents.on('before-input-event', (event, input) => {
      const now = Date.now();
      const mode = win === presenterWin ? stage.state().show.presenter.keyMode : 'show';
      // The key-learning screen records keys itself (there is no menu, so nothing can reload);
      // a text field gets typing, and only the clicker's page keys and panic still act.
      if (mode === 'capture') return;
      if (mode === 'text' && !['PageDown', 'PageUp'].includes(input.key) && !(input.key === 'Escape' && input.shift)) return;
      if (input.type === 'keyUp') {
        tracker = keyUp(tracker, input.key);
        return;
      }
      if (input.type !== 'keyDown') return;
      const step = keyDown(
        tracker,
        { key: input.key, shiftKey: input.shift, ctrlKey: input.control, metaKey: input.meta, altKey: input.alt, repeat: input.isAutoRepeat },
        now,
        stage.state().show.presenter.keymap
      );
      tracker = step.tracker;
      stage.setGotoTyping(tracker.goto);
      if (!step.handled) return;
      event.preventDefault();
      fire(step.intents);
      if (tracker.held && !holdTimer) {
        holdTimer = setInterval(() => {
          const t = keyTick(tracker, Date.now());
          tracker = t.tracker;
          fire(t.intents);
          if (!tracker.held || tracker.held.fired) {
            if (holdTimer) clearInterval(holdTimer);
            holdTimer = null;
          }
        }, 100);
      }
    });
  }

  const blocker = powerSaveBlocker.start('prevent-display-sleep');
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (e) => {
    e.preventDefault();
    powerSaveBlocker.stop(blocker);
    ipc.detach();
    void stage.close().finally(() => app.exit(0));
  });
}

main().catch((e: unknown) => {
  console.error(`tikv-stage: ${(e as Error).message}`);
  app.exit(1);
});
