// The preload exposes exactly the contract (src/shared/contract.ts) to the page: a request
// function limited to the contract's names and an event subscription limited to its events.
// No generic ipcRenderer reaches the page. Sandboxed: this bundles to one CJS file.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_NAMES,
  REQUEST_NAMES,
  eventChannel,
  actChannel,
  requestChannel,
  type EventName,
  type EventPayloads,
  type Reply,
  type RequestArgs,
  type RequestName,
  type RequestResults,
  type StageApi
} from '../shared/contract';

const requests = new Set<string>(REQUEST_NAMES);
const events = new Set<string>(EVENT_NAMES);

/** A request on `channel`, or a plain refusal for a name outside the contract (it never reaches IPC). */
function invoke<T>(channel: (name: RequestName) => string, name: RequestName, args: unknown[]): Promise<Reply<T>> {
  if (!requests.has(name)) return Promise.resolve({ ok: false, error: `unknown request "${String(name)}"` });
  return ipcRenderer.invoke(channel(name), ...args) as Promise<Reply<T>>;
}

const api: StageApi = {
  request: <K extends RequestName>(name: K, ...args: RequestArgs<K>) => invoke<RequestResults[K]>(requestChannel, name, args),
  act: (name, ...args) => invoke<null>(actChannel, name, args),
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    if (!events.has(event)) throw new Error(`unknown event "${String(event)}"`);
    const channel = eventChannel(event);
    // Strip the IpcRendererEvent: the page never sees Electron objects.
    const wrapped = (_e: IpcRendererEvent, payload: EventPayloads[E]): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  }
};

contextBridge.exposeInMainWorld('api', api);
