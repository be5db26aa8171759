// A stand-in for Electron's main-process API, for booting the BUILT shell (out/main/index.js)
// in plain Node: the real Electron binary cannot be fetched on these machines. It is faithful
// where the shell's behaviour depends on Electron's:
// - `app.isPackaged`, `app.name` (package.json productName ?? name), `getPath('userData')`,
//   `getAppPath()`; `whenReady()` resolves on the next turn after the main script ran, so
//   `protocol.registerSchemesAsPrivileged` after `ready` throws, as does `protocol.handle` before;
// - windows whose pages are real Chromium pages (./pages.ts, Playwright) loading the URL the
//   shell asked for, with the webPreferences.preload file run in each page against a stand-in
//   contextBridge/ipcRenderer, a sandboxed `require` that knows only `electron` (as a
//   sandboxed preload's does), and `invoke` routed to `ipcMain.handle` handlers with
//   `senderFrame.url` = the frame's real URL, as Electron would report it;
// - custom schemes: a page at `app://stage/x` is loaded in Chromium as
//   `https://stage.app-scheme.invalid/x` and every request to it is answered by the handler the
//   shell gave `protocol.handle('app', …)`; URLs are reported back to the shell in app:// form;
// - `will-navigate` / `will-frame-navigate` for navigations the page starts (not for loadURL),
//   honouring preventDefault; `before-input-event` before the page sees a key, and a prevented
//   key never reaches the page;
// - `screen` with scripted displays; plugging and unplugging emits display-added/-removed after
//   moving windows off a vanished display, as window managers do.
// What it cannot prove: the GPU and compositor, a real window manager (full-screen Spaces on
// macOS, focus stealing, what a projector does with a mode change), code signing and
// notarization, the fuses and asar integrity at run time, Chromium-in-Electron's process model
// (the preload here runs in the page's main world, not an isolated world; contextBridge's
// copying is approximated by freezing), `<webview>` (Chromium has none: will-attach-webview is
// emitted by the test), and the exact timing of window.open (a popup exists briefly before a
// deny closes it). Those need the real binary on a presenter's laptop.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { createPages, type PageHost, type StandinPage } from './pages';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StandinDisplay {
  id: number;
  label: string;
  bounds: Rect;
  workArea: Rect;
  scaleFactor: number;
  rotation: number;
  internal: boolean;
  size: { width: number; height: number };
  workAreaSize: { width: number; height: number };
}

export function display(id: number, x: number, opts: { internal?: boolean; width?: number; height?: number; label?: string } = {}): StandinDisplay {
  const width = opts.width ?? 1920;
  const height = opts.height ?? 1080;
  const menuBar = opts.internal ? 25 : 0;
  return {
    id,
    label: opts.label ?? (opts.internal ? 'Built-in Retina Display' : `Projector ${id}`),
    bounds: { x, y: 0, width, height },
    workArea: { x, y: menuBar, width, height: height - menuBar },
    scaleFactor: opts.internal ? 2 : 1,
    rotation: 0,
    internal: opts.internal ?? false,
    size: { width, height },
    workAreaSize: { width, height: height - menuBar }
  };
}

/** Electron's Event: preventDefault() and, for some events, extra fields. */
export class StandinEvent {
  defaultPrevented = false;
  [k: string]: unknown;
  constructor(extra: Record<string, unknown> = {}) {
    Object.assign(this, extra);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface StandinOptions {
  context: BrowserContext;
  packaged: boolean;
  /** resources/app.asar (an unpacked folder of that name), or the project root in dev. */
  appPath: string;
  /** What app.getPath('appData') answers; userData = appData/app.name. */
  appData: string;
  displays: StandinDisplay[];
  /** Whether another copy of the app already holds the single-instance lock (default: none does). */
  anotherInstance?: boolean;
}

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;
type ProtocolHandler = (req: Request) => Response | Promise<Response>;

/** Builds the module that `require('electron')` returns to the shell, and its controls. */
export function createElectronStandin(opts: StandinOptions) {
  const pkg = JSON.parse(readFileSync(join(opts.appPath, 'package.json'), 'utf8')) as { name: string; productName?: string };
  let ready = false;
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((ok) => (readyResolve = ok));
  let exitResolve!: (code: number) => void;
  const exited = new Promise<number>((ok) => (exitResolve = ok));
  let exitCode: number | null = null;
  const errorBoxes: { title: string; content: string }[] = [];
  const privileged: { scheme: string; privileges: Record<string, boolean> }[] = [];
  const protocols = new Map<string, ProtocolHandler>();
  const ipcHandlers = new Map<string, IpcHandler>();
  const windows: StandinWindow[] = [];
  let displays = [...opts.displays];
  let primaryId = displays[0]!.id;
  const permission: { request?: (...a: unknown[]) => void; check?: (...a: unknown[]) => boolean } = {};
  const blockers = new Set<number>();
  let nextBlocker = 1;
  let nextWindowId = 1;

  const app = Object.assign(new EventEmitter(), {
    isPackaged: opts.packaged,
    name: pkg.productName ?? pkg.name,
    getName: () => pkg.productName ?? pkg.name,
    getVersion: () => '0.1.0',
    getAppPath: () => opts.appPath,
    getPath(name: string): string {
      if (name === 'appData') return opts.appData;
      if (name === 'userData') return join(opts.appData, app.name);
      if (name === 'temp') return join(opts.appData, 'tmp');
      if (name === 'home') return join(opts.appData, 'home');
      throw new Error(`stand-in: getPath('${name}') is not modelled`);
    },
    isReady: () => ready,
    whenReady: () => readyPromise,
    // Electron answers false when another copy of the same app (same userData) holds the lock.
    requestSingleInstanceLock: () => !opts.anotherInstance,
    releaseSingleInstanceLock: () => undefined,
    setAppUserModelId: () => undefined,
    quit(): void {
      const e = new StandinEvent();
      app.emit('before-quit', e);
      if (e.defaultPrevented) return;
      const w = new StandinEvent();
      app.emit('will-quit', w);
      if (w.defaultPrevented) return;
      for (const win of [...windows]) win.destroy();
      app.emit('quit', new StandinEvent(), 0);
      finish(0);
    },
    /** Electron: closes every window at once, no before-quit/will-quit, exits with code. */
    exit(code = 0): void {
      for (const win of [...windows]) win.destroy();
      finish(code);
    }
  });

  function finish(code: number): void {
    if (exitCode !== null) return;
    exitCode = code;
    exitResolve(code);
  }

  const protocol = {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, boolean> }[]): void {
      if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      if (privileged.length) throw new Error('protocol.registerSchemesAsPrivileged can only be called once');
      for (const s of schemes) privileged.push({ scheme: s.scheme, privileges: { ...s.privileges } });
    },
    handle(scheme: string, handler: ProtocolHandler): void {
      if (!ready) throw new Error('protocol.handle can only be used after app is ready');
      if (protocols.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      if (['http', 'https', 'file'].includes(scheme)) throw new Error('stand-in: intercepting built-in schemes is not modelled');
      protocols.set(scheme, handler);
    },
    unhandle(scheme: string): void {
      protocols.delete(scheme);
    },
    isProtocolHandled: (scheme: string) => protocols.has(scheme)
  };

  const ipcMain = Object.assign(new EventEmitter(), {
    handle(channel: string, fn: IpcHandler): void {
      if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcHandlers.set(channel, fn);
    },
    handleOnce(channel: string, fn: IpcHandler): void {
      ipcMain.handle(channel, (e, ...a) => {
        ipcHandlers.delete(channel);
        return fn(e, ...a);
      });
    },
    removeHandler(channel: string): void {
      ipcHandlers.delete(channel);
    }
  });

  const primary = (): StandinDisplay => displays.find((d) => d.id === primaryId) ?? displays[0]!;
  const overlap = (a: Rect, b: Rect): number =>
    Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const screen = Object.assign(new EventEmitter(), {
    getAllDisplays: () => displays.map((d) => structuredClone(d)),
    getPrimaryDisplay: () => structuredClone(primary()),
    getDisplayMatching(rect: Rect): StandinDisplay {
      let best = primary();
      let most = 0;
      for (const d of displays) {
        const o = overlap(rect, d.bounds);
        if (o > most) [best, most] = [d, o];
      }
      return structuredClone(best);
    },
    getDisplayNearestPoint(p: { x: number; y: number }): StandinDisplay {
      return screen.getDisplayMatching({ x: p.x, y: p.y, width: 1, height: 1 });
    },
    getCursorScreenPoint: () => ({ x: primary().bounds.x + 10, y: primary().bounds.y + 10 })
  });

  /** Plug and unplug: windows on a vanished display move to the primary first (the window manager does that). */
  function setDisplays(next: StandinDisplay[], nextPrimary = next[0]!.id): void {
    const before = displays;
    displays = [...next];
    primaryId = nextPrimary;
    const gone = before.filter((d) => !next.some((n) => n.id === d.id));
    const added = next.filter((d) => !before.some((b) => b.id === d.id));
    for (const win of windows) {
      const on = before.find((d) => overlap(win.getBounds(), d.bounds) > 0 && gone.includes(d));
      if (on) win.wmMoveTo(primary());
    }
    for (const d of gone) screen.emit('display-removed', new StandinEvent(), structuredClone(d));
    for (const d of added) screen.emit('display-added', new StandinEvent(), structuredClone(d));
  }

  const session = {
    defaultSession: {
      setPermissionRequestHandler(fn: (...a: unknown[]) => void): void {
        permission.request = fn;
      },
      setPermissionCheckHandler(fn: (...a: unknown[]) => boolean): void {
        permission.check = fn;
      },
      protocol
    }
  };

  const host: PageHost = {
    context: opts.context,
    protocolFor: (scheme) => protocols.get(scheme),
    ipcHandler: (channel) => ipcHandlers.get(channel)
  };
  const pages = createPages(host);

  class StandinWindow extends EventEmitter {
    readonly id = nextWindowId++;
    readonly webContents: StandinWebContents;
    readonly options: Record<string, unknown>;
    readonly webPreferences: { sandbox: boolean; contextIsolation: boolean; nodeIntegration: boolean; preload?: string; [k: string]: unknown };
    page: StandinPage | null = null;
    private bounds: Rect;
    private fullScreen = false;
    private visible: boolean;
    private destroyed = false;
    private title: string;

    constructor(options: Record<string, unknown> = {}) {
      super();
      if (!ready) throw new Error('Cannot create BrowserWindow before app is ready');
      this.options = options;
      const wp = (options.webPreferences ?? {}) as Record<string, unknown>;
      // Electron's defaults since 20: sandboxed, isolated, no Node in pages.
      this.webPreferences = { ...wp, sandbox: wp.sandbox !== false, contextIsolation: wp.contextIsolation !== false, nodeIntegration: wp.nodeIntegration === true };
      const p = primary().workArea;
      this.bounds = {
        x: typeof options.x === 'number' ? options.x : p.x + Math.round((p.width - 800) / 2),
        y: typeof options.y === 'number' ? options.y : p.y + Math.round((p.height - 600) / 2),
        width: typeof options.width === 'number' ? options.width : 800,
        height: typeof options.height === 'number' ? options.height : 600
      };
      this.visible = options.show !== false;
      this.title = typeof options.title === 'string' ? options.title : app.name;
      this.webContents = new StandinWebContents(this);
      windows.push(this);
      this.page = pages.open(this, this.preloadSource());
    }

    private preloadSource(): string | null {
      const file = this.webPreferences.preload;
      if (typeof file !== 'string') return null;
      if (!isAbsolute(file) || !existsSync(file)) {
        console.error(`stand-in: Unable to load preload script: ${file}`);
        return null;
      }
      return readFileSync(file, 'utf8');
    }

    loadURL(url: string): Promise<void> {
      return this.webContents.loadURL(url);
    }
    loadFile(file: string, o?: { query?: Record<string, string> }): Promise<void> {
      const u = new URL(`file://${file.replace(/\\/g, '/').replace(/^(?!\/)/, '/')}`);
      for (const [k, v] of Object.entries(o?.query ?? {})) u.searchParams.set(k, v);
      return this.webContents.loadURL(u.toString());
    }
    show(): void {
      this.visible = true;
      this.emit('show');
    }
    hide(): void {
      this.visible = false;
    }
    isVisible = (): boolean => this.visible && !this.destroyed;
    focused = false;
    minimized = false;
    focus(): void {
      this.focused = true;
    }
    isMinimized = (): boolean => this.minimized;
    restore(): void {
      this.minimized = false;
    }
    setTitle(t: string): void {
      this.title = t;
    }
    getTitle = (): string => this.title;
    getBounds = (): Rect => ({ ...this.bounds });
    getContentBounds = (): Rect => ({ ...this.bounds });
    setBounds(b: Partial<Rect>): void {
      if (this.fullScreen) return; // a full-screen window keeps the display's bounds
      this.bounds = { ...this.bounds, ...b };
      void this.page?.resize(this.bounds);
    }
    setPosition(x: number, y: number): void {
      this.setBounds({ x, y });
    }
    isFullScreen = (): boolean => this.fullScreen;
    setFullScreen(flag: boolean): void {
      if (flag === this.fullScreen) return;
      if (flag) {
        this.restoreBounds = { ...this.bounds };
        this.fullScreen = true;
        this.bounds = { ...this.display().bounds };
        this.emit('enter-full-screen');
      } else {
        this.fullScreen = false;
        this.bounds = this.restoreBounds ?? this.bounds;
        this.emit('leave-full-screen');
      }
      void this.page?.resize(this.bounds);
    }
    private restoreBounds: Rect | null = null;
    /** The display the window is on: the one it overlaps most. */
    display(): StandinDisplay {
      return screen.getDisplayMatching(this.bounds);
    }
    /** What a window manager does when the window's display vanishes. */
    wmMoveTo(d: StandinDisplay): void {
      const b = { x: d.workArea.x + 20, y: d.workArea.y + 20, width: Math.min(this.bounds.width, d.workArea.width - 40), height: Math.min(this.bounds.height, d.workArea.height - 40) };
      this.restoreBounds = b;
      this.bounds = this.fullScreen ? { ...d.bounds } : b;
    }
    isDestroyed = (): boolean => this.destroyed;
    close(): void {
      if (this.destroyed) return;
      const e = new StandinEvent();
      this.emit('close', e);
      if (e.defaultPrevented) return;
      this.destroy();
    }
    destroy(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      windows.splice(windows.indexOf(this), 1);
      void this.page?.close();
      this.webContents.emit('destroyed');
      this.emit('closed');
      if (windows.length === 0) app.emit('window-all-closed');
    }
  }

  class StandinWebContents extends EventEmitter {
    readonly id: number;
    windowOpenHandler: ((d: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
    ignoreMenuShortcuts = false;
    readonly session = session.defaultSession;
    /** Each before-input-event the shell saw, and whether it prevented it. */
    readonly inputs: { key: string; control: boolean; meta: boolean; shift: boolean; prevented: boolean }[] = [];
    constructor(readonly win: StandinWindow) {
      super();
      this.id = win.id;
    }
    loadURL(url: string): Promise<void> {
      if (!this.win.page) return Promise.reject(new Error('window has no page'));
      return this.win.page.load(url).then(() => {
        this.emit('did-finish-load');
        if (!this.shown) {
          this.shown = true;
          this.win.emit('ready-to-show');
        }
      });
    }
    private shown = false;
    /** How many times the shell reloaded this page. */
    reloads = 0;
    reload(): void {
      this.reloads += 1;
      void this.loadURL(this.getURL());
    }
    getURL = (): string => this.win.page?.electronUrl() ?? '';
    get mainFrame(): { url: string } {
      return { url: this.getURL() };
    }
    isDestroyed = (): boolean => this.win.isDestroyed();
    /** The channels main sent this page, newest last (the last 500). */
    readonly sent: string[] = [];
    send(channel: string, ...args: unknown[]): void {
      if (this.isDestroyed()) throw new Error('Object has been destroyed');
      this.sent.push(channel);
      if (this.sent.length > 500) this.sent.shift();
      this.win.page?.deliver(channel, args);
    }
    setWindowOpenHandler(fn: (d: { url: string }) => { action: 'allow' | 'deny' }): void {
      this.windowOpenHandler = fn;
    }
    setIgnoreMenuShortcuts(flag: boolean): void {
      this.ignoreMenuShortcuts = flag;
    }
    /** A key typed on the keyboard: main sees it first; the page only if main did not prevent it. */
    async press(key: string, mods: { control?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}): Promise<boolean> {
      const down = this.input('keyDown', key, mods);
      const up = this.input('keyUp', key, mods);
      await this.win.page?.typeKey(key, mods, { down: !down, up: !up });
      return down;
    }
    /** Half a key press as main sees it (a key held down, a release), without the page. */
    keyEvent(type: 'keyDown' | 'keyUp', key: string, mods: { control?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}): boolean {
      return this.input(type, key, mods);
    }
    private input(type: 'keyDown' | 'keyUp', key: string, mods: { control?: boolean; meta?: boolean; shift?: boolean; alt?: boolean }): boolean {
      const e = new StandinEvent();
      const input = {
        type,
        key,
        code: /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key,
        isAutoRepeat: false,
        isComposing: false,
        shift: mods.shift ?? false,
        control: mods.control ?? false,
        alt: mods.alt ?? false,
        meta: mods.meta ?? false,
        location: 0,
        modifiers: [mods.shift && 'shift', mods.control && 'control', mods.alt && 'alt', mods.meta && 'meta'].filter(Boolean)
      };
      this.emit('before-input-event', e, input);
      if (type === 'keyDown')
        this.inputs.push({ key, control: input.control, meta: input.meta, shift: input.shift, prevented: e.defaultPrevented });
      return e.defaultPrevented;
    }
  }

  const Menu = { setApplicationMenu: (): void => undefined, buildFromTemplate: (t: unknown) => ({ template: t }) };
  const powerSaveBlocker = {
    start: (_type: string): number => {
      const id = nextBlocker++;
      blockers.add(id);
      return id;
    },
    stop: (id: number): void => void blockers.delete(id),
    isStarted: (id: number): boolean => blockers.has(id)
  };
  const dialog = {
    showErrorBox(title: string, content: string): void {
      errorBoxes.push({ title, content });
    }
  };
  const shell = { openExternal: async (): Promise<void> => { throw new Error('stand-in: openExternal is refused in tests'); } };

  const electron = { app, protocol, ipcMain, screen, session, BrowserWindow: StandinWindow, Menu, powerSaveBlocker, dialog, shell, net: { fetch } };

  return {
    electron,
    /** Emits `ready` (the boot calls this after the main script has run, as Electron does). */
    emitReady(): void {
      ready = true;
      app.emit('ready', new StandinEvent(), {});
      readyResolve();
    },
    exited,
    exitCode: () => exitCode,
    windows: () => [...windows],
    setDisplays,
    privileged,
    protocols,
    ipcHandlers,
    permission,
    blockers,
    errorBoxes,
    pages
  };
}

export type ElectronStandin = ReturnType<typeof createElectronStandin>;
export type StandinBrowserWindow = InstanceType<ElectronStandin['electron']['BrowserWindow']>;
