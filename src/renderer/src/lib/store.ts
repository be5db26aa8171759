// One zustand store holding exactly what the bridge sends (show, cluster, log) plus the
// connection's status. Views subscribe to it; nothing polls.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ClusterSnapshot } from '../../../shared/cluster';
import type { RequestArgs, RequestName } from '../../../shared/contract';
import type { ActionLogEntry, ShowState } from '../../../shared/show';
import type { Bridge, BridgeKind } from './bridge';
import type { ConnectionStatus } from './wsClient';

export interface StageData {
  show: ShowState | null;
  cluster: ClusterSnapshot | null;
  log: ActionLogEntry[];
  connection: ConnectionStatus;
  bridgeKind: BridgeKind;
  /** Main's clock minus ours, from the last cluster snapshot (ms); 0 until one arrives. */
  clockOffsetMs: number;
  /** The last request that failed at the bridge (presenter only), in plain words. */
  requestError: { at: number; text: string } | null;
}

export type StageStore = StoreApi<StageData>;

export function createStageStore(): StageStore {
  return createStore<StageData>(() => ({
    show: null,
    cluster: null,
    log: [],
    connection: { state: 'connecting', attempt: 0, since: 0, detail: null, retryInMs: null },
    bridgeKind: 'none',
    clockOffsetMs: 0,
    requestError: null
  }));
}

/** Wires a bridge into the store once, at start-up. Returns a function that unwires it. */
export function startSync(bridge: Bridge, store: StageStore, now: () => number = Date.now): () => void {
  const offs: (() => void)[] = [];
  store.setState({ bridgeKind: bridge.kind, connection: bridge.status() });
  offs.push(bridge.api.on('show', (show) => store.setState({ show })));
  offs.push(
    bridge.api.on('cluster', (cluster) => store.setState({ cluster, clockOffsetMs: offsetOf(cluster, now()) }))
  );
  offs.push(bridge.api.on('log', (log) => store.setState({ log })));
  offs.push(bridge.onStatus((connection) => store.setState({ connection })));
  // The WebSocket client fetches the whole state itself after every (re)connect; Electron's
  // IPC has no connection to lose, so ask once.
  if (bridge.kind === 'electron') {
    void bridge.api.request('getState').then((r) => {
      if (r.ok) {
        store.setState({
          show: r.value.show,
          cluster: r.value.cluster,
          log: r.value.log,
          clockOffsetMs: offsetOf(r.value.cluster, now())
        });
      } else {
        store.setState({ requestError: { at: now(), text: `could not read the show's state: ${r.error}` } });
      }
    });
  }
  return () => {
    for (const off of offs) off();
  };
}

function offsetOf(c: ClusterSnapshot, localNow: number): number {
  return Number.isFinite(c.now) && c.now > 0 ? c.now - localNow : 0;
}

/** Sends an intent; a failure lands in the store for the presenter to read. */
export async function sendRequest<K extends RequestName>(
  bridge: Bridge,
  store: StageStore,
  name: K,
  ...args: RequestArgs<K>
): Promise<boolean> {
  try {
    const r = await bridge.api.request(name, ...args);
    if (!r.ok) {
      store.setState({ requestError: { at: Date.now(), text: `"${name}" failed: ${r.error}` } });
      return false;
    }
    return true;
  } catch (e) {
    store.setState({
      requestError: { at: Date.now(), text: `"${name}" failed: ${e instanceof Error ? e.message : String(e)}` }
    });
    return false;
  }
}
