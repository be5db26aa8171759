// The Electron shell, kept thin: windows, displays, keys, lifecycle. Everything else is the
// same plain-Node services that browser mode uses (app.ts), reached through the IPC adapter.
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, screen, session, type Display } from 'electron';
import { keyIntent } from '../shared/keys';
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
  const stage: Stage = await createStage({
    config,
    dataDir: config.dataDir ?? app.getPath('userData'),
    builtinDeck: builtinDeckPath(app.isPackaged ? process.resourcesPath : appRoot(__dirname)),
    live: createLiveDeps(config)
  });
  const ipc = attachIpc(ipcMain, stage.handlers, trusted);

  const audienceDisplay = pickAudienceDisplay();
  const presenterDisplay = screen.getPrimaryDisplay();
  const windows = [createWindow('audience', audienceDisplay), createWindow('presenter', presenterDisplay)];
  stage.subscribe((event, payload) =>
    ipc.broadcast(
      windows.filter((w) => !w.isDestroyed()).map((w) => w.webContents),
      event,
      payload
    )
  );

  // Keys are caught above the page, the same in both windows.
  for (const win of windows) {
    win.webContents.on('before-input-event', (event, input) => {
      if (input.type !== 'keyDown') return;
      const intent = keyIntent({
        key: input.key,
        shiftKey: input.shift,
        ctrlKey: input.control,
        metaKey: input.meta,
        altKey: input.alt,
        repeat: input.isAutoRepeat
      });
      if (intent.type === 'pass') return;
      event.preventDefault();
      if (intent.type === 'swallow') return;
      void stage.handlers[intent.type]();
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
