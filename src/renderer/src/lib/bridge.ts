// How the page reaches main: Electron's preload puts a StageApi on window.api; without it
// (browser mode, `npm run web`) the page opens a WebSocket to its own origin at /ws.
import type { RequestName, StageApi, ViewName } from '../../../shared/contract';
import type { ConnectionStatus, SocketFactory } from './wsClient';
import { createWsClient, wsUrlFor } from './wsClient';

export type BridgeKind = 'electron' | 'websocket' | 'none';

export interface Bridge {
  kind: BridgeKind;
  api: StageApi;
  status(): ConnectionStatus;
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
}

export interface HostLike {
  api?: StageApi;
  location: { protocol: string; host: string };
}

const ALWAYS_OPEN: ConnectionStatus = { state: 'open', attempt: 0, since: 0, detail: null, retryInMs: null };

function isStageApi(x: unknown): x is StageApi {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as { request?: unknown; act?: unknown; on?: unknown };
  return typeof o.request === 'function' && typeof o.act === 'function' && typeof o.on === 'function';
}

/** A bridge that can never connect (a file:// page without the preload): every request fails in plain words. */
function deadBridge(detail: string): Bridge {
  const status: ConnectionStatus = { state: 'closed', attempt: 0, since: Date.now(), detail, retryInMs: null };
  const refuse = (name: RequestName): Promise<{ ok: false; error: string }> => Promise.resolve({ ok: false, error: `"${name}" not sent: ${detail}` });
  const api: StageApi = {
    request: (name: RequestName, ..._args: unknown[]) => refuse(name),
    act: (name: RequestName, ..._args: unknown[]) => refuse(name),
    on: () => () => undefined
  };
  return { kind: 'none', api, status: () => status, onStatus: () => () => undefined };
}

/** `view` tells browser mode's server what this page is sent (viewWants); Electron's main knows its windows. */
export function pickBridge(host: HostLike, socket: SocketFactory, view: ViewName = 'presenter'): Bridge {
  if (isStageApi(host.api)) {
    const api = host.api;
    return { kind: 'electron', api, status: () => ALWAYS_OPEN, onStatus: () => () => undefined };
  }
  const { protocol, host: h } = host.location;
  if ((protocol !== 'http:' && protocol !== 'https:') || !h) {
    return deadBridge('this page has no bridge to the app (no preload API, and not served over http)');
  }
  const client = createWsClient({ url: wsUrlFor(host.location, view), socket });
  return { kind: 'websocket', api: client, status: () => client.status(), onStatus: (l) => client.onStatus(l) };
}
