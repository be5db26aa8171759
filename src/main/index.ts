// The Electron shell, kept thin: the app:// protocol, windows, displays, keys, lifecycle.
// Its decisions live in plain-Node modules under ./shell (flags, the protocol's resolver, which
// pages are ours, where windows go), tested directly; test/shell boots this built file on a
// stand-in for Electron's API. Everything else is the same services browser mode uses (./stage),
// reached through the IPC adapter.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { app, BrowserWindow, dialog, ipcMain, Menu, powerSaveBlocker, protocol, screen, session, type Display } from 'electron';
import { viewWants } from '../shared/contract';
import { initialKeyTracker, intentToRequest, keyDown, keyTick, keysLost, keyUp, sendCall, type KeyIntent, type KeyTracker } from '../shared/keys';
import { USAGE, parseConfig } from './config';
import { createLiveDeps } from './live';
import { builtinDeckPath, resourcesRoot } from './paths';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appResponse } from './shell/app-protocol';
import { appMenuTemplate, pagesIgnoreMenuShortcuts } from './shell/app-menu';
import { appArgs } from './shell/argv';
import { displayOf, placeWindows, windowBounds } from './shell/displays';
import { createTrust, type View } from './shell/trust';
import { mayReload, pageGoneText } from './shell/page-revive';
import { createStage, type Stage } from './stage';
import { dispatch } from './transport/dispatch';
import { attachIpc } from './transport/ipc';
import { installProcessGuard } from './transport/process-guard';

// Before `ready`, or Chromium treats app: like an opaque URL: standard (relative URLs, a real
// origin) and secure (a secure context, like https).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES.privileges } }]);

const trust = createTrust({ packaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });
const rendererDir = join(__dirname, '../renderer');
/** How long quitting may spend bringing faulted nodes back before it exits anyway. */
const QUIT_RESTORE_MS = 15_000;

/** Every way a page could leave the app's own pages is stopped here. */
function guard(win: BrowserWindow): void {
  const wc = win.webContents;
  const stopForeign = (e: { preventDefault(): void }, url: string | undefined): void => {
    if (!trust.trusted(url ?? '')) e.preventDefault();
  };
  wc.setIgnoreMenuShortcuts(pagesIgnoreMenuShortcuts(process.platform));
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-navigate', (e, url) => stopForeign(e, url ?? e.url));
  wc.on('will-frame-navigate', (e) => stopForeign(e, e.url));
  wc.on('will-redirect', (e, url) => stopForeign(e, url ?? e.url));
  wc.on('will-attach-webview', (e) => e.preventDefault());
}

/** A window whose page process died is reloaded (a few times a minute at most), and the presenter told. */
function reviveOnCrash(win: BrowserWindow, view: View, report: (message: string) => void): void {
  let recent: number[] = [];
  win.webContents.on('render-process-gone', (_e, details) => {
    if (win.isDestroyed()) return;
    const r = mayReload(recent, Date.now());
    recent = r.recent;
    report(pageGoneText(view, details.reason, r.reload));
    if (r.reload) win.webContents.reload();
  });
}

function createWindow(view: View, display: Display): BrowserWindow {
  const win = new BrowserWindow({
    ...windowBounds(display),
    show: false,
    backgroundColor: '#000000',
    title: view === 'audience' ? 'TiKV Stage — audience' : 'TiKV Stage — presenter',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // The audience window must keep updating even when it is not focused.
      backgroundThrottling: false
    }
  });
  guard(win);
  Promise.resolve(win.loadURL(trust.pageUrl(view))).catch((e: unknown) => console.error(`tikv-stage: the ${view} page did not load: ${(e as Error).message}`));
  return win;
}

/** Keys are caught above the page, the same in both windows (one tracker: a G-jump or a held
 * blackout key spans the windows like the show does). */
function attachKeys(windows: BrowserWindow[], presenterWin: BrowserWindow, stage: Stage): void {
  let tracker: KeyTracker = initialKeyTracker;
  let holdTimer: NodeJS.Timeout | null = null;
  const fire = (intents: KeyIntent[]): void => {
    for (const i of intents) {
      if (i.type === 'pass' || i.type === 'swallow') continue;
      // The same intent → request map as the page's; dispatch turns a failure into a reply.
      const call = intentToRequest(i, stage.state().show.total);
      void sendCall(call, (name, ...args) => dispatch(stage.handlers, name, args));
    }
  };
  for (const win of windows) {
    // A key held while the window loses focus is never seen going up: drop the hold, or the
    // panic gesture would fire (Restore all) after 1.5 s.
    win.on('blur', () => void (tracker = keysLost(tracker)));
    win.webContents.on('before-input-event', (event, input) => {
      const now = Date.now();
      // Every release counts, whatever screen has the keys now (a text field that took focus
      // mid-hold must not leave the blackout key held).
      if (input.type === 'keyUp') {
        tracker = keyUp(tracker, input.key);
        return;
      }
      const mode = win === presenterWin ? stage.state().show.presenter.keyMode : 'show';
      // The key-learning screen records keys itself (there is no menu, so nothing can reload);
      // a text field gets typing, and only the clicker's page keys and panic still act.
      if (mode === 'capture') return;
      if (mode === 'text' && !['PageDown', 'PageUp'].includes(input.key) && !(input.key === 'Escape' && input.shift)) return;
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
}

/** Puts the audience window (full screen when it has a display of its own) and the presenter window. */
function placer(audience: BrowserWindow, presenterWin: BrowserWindow): { place(): void; swap(): void } {
  let swapped = false;
  const place = (): void => {
    const all = screen.getAllDisplays();
    const p = placeWindows(all, screen.getPrimaryDisplay().id, swapped);
    for (const [win, d, full] of [
      [audience, p.audience, p.audienceFullScreen],
      [presenterWin, p.presenter, false]
    ] as const) {
      if (win.isDestroyed()) continue;
      // Already where it belongs: left alone, so a window the presenter moved or sized on its
      // display does not snap back at every scale or work-area change.
      const onIt = displayOf(win.getBounds(), all)?.id === d.id;
      if (onIt && win.isFullScreen() === full) continue;
      // Leave full screen before moving, or the window can stay on the old display; go full
      // screen only once on the right one, or it can land on the wrong one.
      if (win.isFullScreen()) win.setFullScreen(false);
      win.setBounds(windowBounds(d));
      if (full) win.setFullScreen(true);
    }
  };
  return {
    place,
    swap: () => {
      swapped = !swapped;
      place();
    }
  };
}

/** A packaged app has no terminal: say why it stops in a box too. Showing it never stops the exit. */
function errorBox(text: string): void {
  if (!app.isPackaged) return;
  try {
    dialog.showErrorBox('TiKV Stage could not start', text);
  } catch {
    // no dialog to show (headless): the text went to stderr already
  }
}

/** On quit: every open fault is restored (bounded in time), then the services close. */
async function closeStage(stage: Stage): Promise<void> {
  const within = async <T>(p: Promise<T>, ms: number): Promise<T | undefined> => {
    const stop = new AbortController();
    try {
      return await Promise.race([p, sleep(ms, undefined, { signal: stop.signal }).catch(() => undefined)]);
    } finally {
      stop.abort();
    }
  };
  const restored = await within(dispatch(stage.handlers, 'restoreAll', []), QUIT_RESTORE_MS);
  if (!restored) console.error('tikv-stage: quitting before every fault was restored; the ledger keeps the rest for the next start');
  else if (!restored.ok) console.error(`tikv-stage: restoring faults on quit failed: ${restored.error}`);
  await within(stage.close(), 5_000);
}

async function main(): Promise<void> {
  const { args, ignored } = appArgs(process.argv, app.isPackaged);
  const parsed = parseConfig(args);
  if (!parsed.ok || parsed.help) {
    const text = parsed.ok ? USAGE : `tikv-stage: ${parsed.error}\n\n${USAGE}`;
    console.error(text);
    if (!parsed.ok) errorBox(text);
    app.exit(parsed.ok ? 0 : 2);
    return;
  }
  if (ignored.length) console.log(`tikv-stage: ignoring switches meant for Chromium or the OS: ${ignored.join(' ')}`);
  // One copy at a time: a second would share the fault ledger and fight over the displays. A
  // double-clicked icon brings the running copy's presenter window forward instead.
  // (Electron always has the lock; a bare stand-in for its API may not, and then there is no other copy to find.)
  if (typeof app.requestSingleInstanceLock === 'function' && !app.requestSingleInstanceLock()) {
    console.log('tikv-stage: TiKV Stage is already running; showing that copy instead');
    app.exit(0);
    return;
  }
  await app.whenReady();
  const menu = appMenuTemplate(process.platform);
  Menu.setApplicationMenu(menu ? Menu.buildFromTemplate(menu) : null);
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const config = parsed.config;
  const shell = { swapDisplays: (): void => {} };
  // Nothing may end the app mid-talk: an error nobody caught goes to the presenter view.
  let report: ((message: string) => void) | null = null;
  const processGuard = installProcessGuard((message) => report?.(message));
  const stage: Stage = await createStage({
    config,
    shell,
    dataDir: config.dataDir ?? app.getPath('userData'),
    builtinDeck: builtinDeckPath(resourcesRoot(app.isPackaged, process.resourcesPath, __dirname)),
    live: createLiveDeps(config)
  });
  // Served once the stage is up (the windows load after it): pages, and images beside the deck.
  protocol.handle(APP_SCHEME, (req) => appResponse(req, rendererDir, () => stage.state().show.deckFile));
  report = (message) => stage.reportError(message);
  const ipc = attachIpc(ipcMain, stage.handlers, trust.trusted);
  console.log(`tikv-stage: ${stage.mode} mode — ${stage.modeReason}; pages from ${trust.pageUrl('audience')}`);

  // Two windows, one show state: every change goes through main.
  const first = placeWindows(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
  const audience = createWindow('audience', first.audience);
  const presenterWin = createWindow('presenter', first.presenter);
  const windows = [audience, presenterWin];
  reviveOnCrash(audience, 'audience', (m) => stage.reportError(m));
  reviveOnCrash(presenterWin, 'presenter', (m) => stage.reportError(m));
  const live = (): BrowserWindow[] => windows.filter((w) => !w.isDestroyed());
  stage.subscribe((event, payload) =>
    ipc.broadcast(
      live()
        .filter((w) => viewWants(w === audience ? 'audience' : 'presenter', event))
        .map((w) => w.webContents),
      event,
      payload
    )
  );

  const placement = placer(audience, presenterWin);
  for (const win of windows)
    win.once('ready-to-show', () => {
      win.show();
      placement.place();
    });
  screen.on('display-added', placement.place);
  screen.on('display-removed', placement.place);
  screen.on('display-metrics-changed', placement.place);
  shell.swapDisplays = placement.swap;
  attachKeys(windows, presenterWin, stage);
  app.on('second-instance', () => {
    if (presenterWin.isDestroyed()) return;
    if (presenterWin.isMinimized()) presenterWin.restore();
    presenterWin.focus();
  });

  const blocker = powerSaveBlocker.start('prevent-display-sleep');
  let quitting = false;
  // Closing the presenter window ends the show, as quitting does (open faults are restored). The
  // audience window closes only with the app: an Alt+F4 on the projector must not leave the
  // room with nothing, and nothing could bring it back.
  presenterWin.on('close', (e) => {
    if (quitting) return;
    e.preventDefault();
    app.quit();
  });
  audience.on('close', (e) => {
    if (quitting) return;
    e.preventDefault();
    stage.reportError('The audience window stays open while the show runs: close this window or quit to end the show');
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (e) => {
    e.preventDefault();
    if (quitting) return;
    quitting = true;
    powerSaveBlocker.stop(blocker);
    void closeStage(stage)
      .catch((err: unknown) => console.error(`tikv-stage: ${(err as Error).message}`))
      .finally(() => {
        ipc.detach();
        processGuard.uninstall();
        app.exit(0);
      });
  });
}

main().catch((e: unknown) => {
  const message = `tikv-stage: ${(e as Error).message}`;
  console.error(message);
  errorBox(message);
  app.exit(1);
});
