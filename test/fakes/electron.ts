// Stands in for `electron` in plain-Node tests: importing the real package would try to
// download its binary. Tests that exercise the IPC adapter or preload replace these.
type Handler = (...args: unknown[]) => unknown;
type IpcHandler = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, IpcHandler>(),
  handle(channel: string, fn: IpcHandler): void {
    this.handlers.set(channel, fn);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
};

export const exposed: Record<string, unknown> = {};
export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    exposed[key] = api;
  }
};

export const sent: { channel: string; args: unknown[] }[] = [];
const listeners = new Map<string, Set<Handler>>();
export const ipcRenderer = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    sent.push({ channel, args });
    const h = ipcMain.handlers.get(channel);
    return Promise.resolve(h ? h({ senderFrame: { url: 'file:///app/out/renderer/index.html' } }, ...args) : undefined);
  },
  on(channel: string, fn: Handler): void {
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)!.add(fn);
  },
  removeListener(channel: string, fn: Handler): void {
    listeners.get(channel)?.delete(fn);
  },
  emit(channel: string, payload: unknown): void {
    for (const fn of listeners.get(channel) ?? []) fn({}, payload);
  }
};

export const app = { isPackaged: false, getPath: (): string => '/tmp' };
export default { ipcMain, contextBridge, ipcRenderer, app };
