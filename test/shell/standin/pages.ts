// The stand-in's pages: each BrowserWindow is a real Chromium page (Playwright) in one
// browser context (Electron's default session). Here live the parts of Electron that sit
// between a page and main: custom schemes served by protocol.handle, the navigation events,
// the preload with its bridge to ipcMain, webContents.send, and keys.
import type { EventEmitter } from 'node:events';
import type { BrowserContext, Page, Request as PwRequest, Route } from 'playwright-core';

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;
type ProtocolHandler = (req: Request) => Response | Promise<Response>;

export interface PageHost {
  context: BrowserContext;
  protocolFor(scheme: string): ProtocolHandler | undefined;
  ipcHandler(channel: string): IpcHandler | undefined;
}

/** The window side the pages need: its webContents' events and window-open handler. */
export interface PageWindow {
  webContents: EventEmitter & { windowOpenHandler: ((d: { url: string }) => { action: 'allow' | 'deny' }) | null };
  getBounds(): { width: number; height: number };
}

export interface StandinPage {
  /** Resolves to the Playwright page once it exists. */
  ready: Promise<Page>;
  load(url: string): Promise<void>;
  electronUrl(): string;
  deliver(channel: string, args: unknown[]): void;
  typeKey(key: string, mods: { control?: boolean; meta?: boolean; shift?: boolean; alt?: boolean }, pass: { down: boolean; up: boolean }): Promise<void>;
  resize(b: { width: number; height: number }): Promise<void>;
  close(): Promise<void>;
  /** Navigations the shell stopped (will-navigate, will-frame-navigate, will-redirect), in Electron's URL form. */
  blocked: string[];
  /** Popups the window-open handler denied. */
  deniedPopups: string[];
}

const SUFFIX = '-scheme.invalid';
const BUILTIN = new Set(['http', 'https', 'file', 'data', 'about', 'blob', 'chrome', 'devtools', 'javascript']);

/** app://stage/x → https://stage.app-scheme.invalid/x: how a custom scheme is loaded in plain Chromium. */
export function toChromiumUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m || BUILTIN.has(m[1]!.toLowerCase())) return url;
  return `https://${m[2]!.toLowerCase()}.${m[1]!.toLowerCase()}${SUFFIX}${m[3] || '/'}`;
}

/** The reverse: what Electron would report as the frame's URL. */
export function toElectronUrl(url: string): string {
  const m = /^https:\/\/([^/?#]+)\.([a-z][a-z0-9+.-]*)-scheme\.invalid(?::443)?(.*)$/.exec(url);
  return m ? `${m[2]}://${m[1]}${m[3] || '/'}` : url;
}

function schemeOf(chromiumUrl: string): string | null {
  const m = /^https:\/\/[^/?#]+\.([a-z][a-z0-9+.-]*)-scheme\.invalid[/:?#]/.exec(chromiumUrl);
  return m ? m[1]! : null;
}

/** The preload, run as Electron runs a sandboxed one: a `require` that knows only `electron`. */
function preloadScript(source: string): string {
  return `(() => {
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) => window.__standinIpc({ channel, args }),
    send: (channel, ...args) => { void window.__standinIpc({ channel, args, send: true }); },
    on(channel, fn) { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(fn); return ipcRenderer; },
    once(channel, fn) { const w = (...a) => { ipcRenderer.removeListener(channel, w); fn(...a); }; return ipcRenderer.on(channel, w); },
    removeListener(channel, fn) { listeners.get(channel)?.delete(fn); return ipcRenderer; },
    off(channel, fn) { return ipcRenderer.removeListener(channel, fn); },
    removeAllListeners(channel) { listeners.delete(channel); return ipcRenderer; }
  };
  Object.defineProperty(window, '__standinDeliver', { value: (channel, args) => {
    for (const fn of [...(listeners.get(channel) || [])]) fn({ sender: ipcRenderer }, ...args);
  } });
  const freeze = (o) => { if (o && typeof o === 'object' && !Object.isFrozen(o)) { Object.freeze(o); Object.values(o).forEach(freeze); } return o; };
  const contextBridge = { exposeInMainWorld(key, api) {
    if (key in window) throw new Error('Cannot bind an API on top of an existing property on the window object');
    Object.defineProperty(window, key, { value: freeze(api), enumerable: true });
  } };
  const modules = { electron: { contextBridge, ipcRenderer } };
  const require = (m) => { if (Object.prototype.hasOwnProperty.call(modules, m)) return modules[m]; throw new Error('module not found: ' + m); };
  const module = { exports: {} };
  try {
    (function (require, module, exports) {\n${source}\n})(require, module, module.exports);
  } catch (e) {
    window.__standinPreloadError = String(e && e.stack || e);
    console.error('Unable to load preload script', e);
  }
})();`;
}

interface Entry {
  win: PageWindow;
  sp: StandinPage;
  /** The URL of a navigation started by loadURL (no will-navigate for it). */
  programmatic: string | null;
}

export function createPages(host: PageHost) {
  const byPage = new Map<Page, Entry>();
  /** Foreign origins a test serves (https://evil.example): path → body. Anything else is refused. */
  const served = new Map<string, (path: string) => { status?: number; headers?: Record<string, string>; body: string }>();
  const refusedRequests: string[] = [];

  function guardNavigation(entry: Entry, request: PwRequest): boolean {
    const frame = request.frame();
    const isMain = frame.parentFrame() === null;
    const url = toElectronUrl(request.url());
    const wc = entry.win.webContents;
    if (request.redirectedFrom()) {
      const e = new NavEvent({ url, isMainFrame: isMain });
      wc.emit('will-redirect', e, url, false, isMain);
      if (e.defaultPrevented) return false;
    }
    if (isMain && entry.programmatic !== null) return true;
    const f = new NavEvent({ url, isMainFrame: isMain, frame: { url: toElectronUrl(frame.url()) } });
    wc.emit('will-frame-navigate', f);
    if (f.defaultPrevented) return false;
    if (!isMain) return true;
    const n = new NavEvent({ url, isMainFrame: true });
    wc.emit('will-navigate', n, url, false, true);
    return !n.defaultPrevented;
  }

  async function onRoute(route: Route, request: PwRequest): Promise<void> {
    let entry: Entry | undefined;
    try {
      entry = byPage.get(request.frame().page());
    } catch {
      entry = undefined;
    }
    if (entry && request.isNavigationRequest() && !guardNavigation(entry, request)) {
      entry.sp.blocked.push(toElectronUrl(request.url()));
      return route.abort('aborted');
    }
    const url = request.url();
    const scheme = schemeOf(url);
    if (scheme) {
      const handler = host.protocolFor(scheme);
      if (!handler) return route.abort('failed');
      const res = await handler(new Request(toElectronUrl(url), { method: request.method(), headers: request.headers() }));
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
    }
    // Local files load as Chromium loads them (Electron's file:// too); they never leave the machine.
    if (url.startsWith('file:')) return route.continue();
    const origin = new URL(url).origin;
    const serve = served.get(origin);
    if (serve) {
      const r = serve(new URL(url).pathname);
      return route.fulfill({ status: r.status ?? 200, headers: { 'content-type': 'text/html', ...r.headers }, body: r.body });
    }
    // Nothing leaves the machine.
    refusedRequests.push(url);
    return route.abort('internetdisconnected');
  }

  const installed = (async () => {
    await host.context.exposeBinding('__standinIpc', async (source, msg: { channel: string; args: unknown[] }) => {
      const handler = host.ipcHandler(msg.channel);
      if (!handler) throw new Error(`Error invoking remote method '${msg.channel}': Error: No handler registered for '${msg.channel}'`);
      const entry = byPage.get(source.page);
      const event = {
        sender: entry?.win.webContents ?? null,
        senderFrame: { url: toElectronUrl(source.frame.url()), name: source.frame.name(), top: null },
        processId: 1,
        frameId: 1
      };
      return await handler(event, ...msg.args);
    });
    await host.context.route(() => true, onRoute);
  })();

  function open(win: PageWindow, preload: string | null): StandinPage {
    let page: Page | null = null;
    let chain: Promise<unknown> = Promise.resolve();
    let loads: Promise<unknown> = Promise.resolve();
    const entry: Entry = { win, sp: undefined as unknown as StandinPage, programmatic: null };
    const sp: StandinPage = {
      ready: (async () => {
        await installed;
        const p = await host.context.newPage();
        const { width, height } = win.getBounds();
        await p.setViewportSize({ width, height });
        if (preload !== null) await p.addInitScript(preloadScript(preload));
        byPage.set(p, entry);
        page = p;
        p.on('popup', (popup) => {
          const url = toElectronUrl(popup.url());
          const decision = win.webContents.windowOpenHandler?.({ url }) ?? { action: 'allow' };
          if (decision.action === 'deny') {
            sp.deniedPopups.push(url);
            void popup.close();
          }
        });
        return p;
      })(),
      load(url) {
        // One navigation at a time, as a window has: Electron's newer load replaces the one in
        // flight, and the page ends on the newest URL either way. Overlapping page.goto calls
        // on one Chromium page (three quick reloads) sometimes crashed its renderer here.
        const run = loads.then(async () => {
          const p = await sp.ready;
          entry.programmatic = url;
          try {
            const res = await p.goto(toChromiumUrl(url), { waitUntil: 'load' });
            if (res && res.status() >= 400) throw new Error(`ERR_HTTP_RESPONSE_CODE_FAILURE (${res.status()}) loading '${url}'`);
          } finally {
            entry.programmatic = null;
          }
        });
        loads = run.catch(() => undefined);
        return run;
      },
      electronUrl: () => (page ? toElectronUrl(page.url()) : ''),
      deliver(channel, args) {
        chain = chain
          .then(() => sp.ready)
          .then((p) => p.evaluate(([c, a]) => (window as unknown as { __standinDeliver?: (c: string, a: unknown[]) => void }).__standinDeliver?.(c, a), [channel, args] as const))
          .catch(() => undefined);
      },
      async typeKey(key, mods, pass) {
        const p = await sp.ready;
        const held = [mods.control && 'Control', mods.meta && 'Meta', mods.shift && 'Shift', mods.alt && 'Alt'].filter((m): m is string => !!m);
        if (pass.down) {
          for (const m of held) await p.keyboard.down(m);
          await p.keyboard.down(key);
        }
        if (pass.up) {
          await p.keyboard.up(key);
          for (const m of held.reverse()) await p.keyboard.up(m);
        }
      },
      async resize(b) {
        const p = await sp.ready.catch(() => null);
        // A window destroyed mid-resize has no page to size: nothing to do.
        await p?.setViewportSize({ width: Math.max(200, b.width), height: Math.max(200, b.height) }).catch(() => undefined);
      },
      async close() {
        const p = await sp.ready.catch(() => null);
        if (p) {
          byPage.delete(p);
          await p.close().catch(() => undefined);
        }
      },
      blocked: [],
      deniedPopups: []
    };
    entry.sp = sp;
    return sp;
  }

  return {
    open,
    installed,
    /** Serves a foreign origin (e.g. https://evil.example) so that a test can aim frames at it. */
    serve(origin: string, fn: (path: string) => { status?: number; headers?: Record<string, string>; body: string }): void {
      served.set(origin, fn);
    },
    refusedRequests
  };
}

class NavEvent {
  defaultPrevented = false;
  [k: string]: unknown;
  constructor(extra: Record<string, unknown>) {
    Object.assign(this, extra);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}
