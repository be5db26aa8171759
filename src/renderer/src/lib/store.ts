// One zustand store holding exactly what the bridge sends (show, cluster, log) plus the
// connection's status. Views subscribe to it; nothing polls.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ClusterSnapshot } from '../../../shared/cluster';
import type { EventName, EventPayloads, RequestArgs, RequestName } from '../../../shared/contract';
import type { ActionLogEntry, ShowState } from '../../../shared/show';
import { composeShow, splitShow, type ShowDeck, type ShowDetails, type ShowPosition } from '../../../shared/show-parts';
import type { Bridge, BridgeKind } from './bridge';
import { createEventTally } from './event-tally';
import { keepEqual } from './keep-equal';
import { isRoutine } from './snapshot-pace';
import type { ConnectionStatus } from './wsClient';

export interface StageData {
  /** The show put together from its parts (below); the same object until one of them changes. */
  show: ShowState | null;
  /** The parts as main sends them (src/shared/show-parts.ts). */
  parts: { deck: ShowDeck | null; position: ShowPosition | null; details: ShowDetails | null };
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
    parts: { deck: null, position: null, details: null },
    cluster: null,
    log: [],
    connection: { state: 'connecting', attempt: 0, since: 0, detail: null, retryInMs: null },
    bridgeKind: 'none',
    clockOffsetMs: 0,
    requestError: null
  }));
}

/** Where a routine snapshot waits: the page's clock, whose tick renders it with the time. */
export interface SnapshotPace {
  atNextTick(fn: () => void): void;
}

export interface SyncOptions {
  /** The local clock (Unix ms). */
  now?: () => number;
  /** With a pace, a snapshot that only moves figures (isRoutine) is shown at the next tick; any
   *  other is shown at once and replaces one still waiting. */
  pace?: SnapshotPace;
  /** Whether this view keeps the action log (default true). The audience never shows it: its
   *  200 lines would only grow its heap through the show and cost a copy per move. */
  log?: boolean;
}

/** Wires a bridge into the store once, at start-up. Returns a function that unwires it. */
export function startSync(bridge: Bridge, store: StageStore, { now = Date.now, pace, log = true }: SyncOptions = {}): () => void {
  store.setState({ bridgeKind: bridge.kind, connection: bridge.status() });
  // The offset is measured when a snapshot arrives, not when it is shown.
  const show = (cluster: ClusterSnapshot, offset: number): void =>
    store.setState((s) => ({ cluster: keepEqual(s.cluster, cluster), clockOffsetMs: steadyOffset(s.clockOffsetMs, offset) }));
  let waiting: { cluster: ClusterSnapshot; offset: number } | null = null;
  let stopped = false;
  const onCluster = (cluster: ClusterSnapshot): void => {
    const offset = offsetOf(cluster, now());
    const shown = store.getState().cluster;
    if (!pace || !shown || !isRoutine(waiting?.cluster ?? shown, cluster)) {
      waiting = null;
      show(cluster, offset);
      return;
    }
    const scheduled = waiting !== null;
    waiting = { cluster, offset };
    if (scheduled) return;
    pace.atNextTick(() => {
      const w = waiting;
      waiting = null;
      if (w && !stopped) show(w.cluster, w.offset);
    });
  };
  const tally = createEventTally();
  const on = <E extends EventName>(event: E, fn: (payload: EventPayloads[E]) => void): (() => void) =>
    bridge.api.on(event, (payload) => {
      tally.saw(event);
      fn(payload);
    });
  const offs: (() => void)[] = [
    on('deck', (deck) => setPart(store, { deck })),
    on('position', (position) => setPart(store, { position })),
    on('details', (details) => setPart(store, { details })),
    on('cluster', onCluster),
    ...(log
      ? [on('log', (lines) => store.setState({ log: lines })), on('logEntry', (entry) => store.setState((s) => ({ log: appendLog(s.log, entry) })))]
      : []),
    bridge.onStatus((connection) => store.setState({ connection })),
    () => void (stopped = true)
  ];
  // The WebSocket client fetches the whole state itself after every (re)connect; Electron's
  // IPC has no connection to lose, so ask once. The answer fills only the parts no event has
  // replaced since the question (event-tally.ts).
  if (bridge.kind === 'electron') {
    const asked = tally.mark();
    const fresh = (e: EventName): boolean => !asked.replaced(e);
    void bridge.api.request('getState').then((r) => {
      if (stopped) return;
      if (!r.ok) return store.setState({ requestError: { at: now(), text: `could not read the show's state: ${r.error}` } });
      const { position, details } = splitShow(r.value.show);
      setPart(store, { ...(fresh('deck') && { deck: r.value.deck }), ...(fresh('position') && { position }), ...(fresh('details') && { details }) });
      if (fresh('cluster')) onCluster(r.value.cluster);
      if (log && fresh('log')) store.setState({ log: r.value.log });
    });
  }
  return () => {
    for (const off of offs) off();
  };
}

/** As many lines as main's journal keeps (LOG_LIMIT in src/main/stage/journal.ts). */
const LOG_KEEP = 200;

/** The log with one more line: appended once (a line seen already is skipped), bounded. Pure. */
export function appendLog(log: ActionLogEntry[], entry: ActionLogEntry): ActionLogEntry[] {
  const last = log[log.length - 1];
  if (last && last.seq >= entry.seq && log.some((e) => e.seq === entry.seq)) return log;
  return [...log, entry].slice(-LOG_KEEP);
}

/**
 * One or more parts arrived: the show is put together again once all three are there. What a
 * part has in common with the one before stays the same object (keepEqual): a details message for
 * the talk timer keeps the timeline and the diagnosis, a countdown's tick keeps the chapter, so
 * the memoized views that show them skip the render. A part equal to the last changes nothing.
 */
function setPart(store: StageStore, part: Partial<StageData['parts']>): void {
  if (Object.keys(part).length === 0) return;
  store.setState((s) => {
    const was = s.parts;
    const parts: StageData['parts'] = {
      deck: 'deck' in part ? keepEqual(was.deck, part.deck ?? null) : was.deck,
      position: 'position' in part ? keepEqual(was.position, part.position ?? null) : was.position,
      details: 'details' in part ? keepEqual(was.details, part.details ?? null) : was.details
    };
    if (parts.deck === was.deck && parts.position === was.position && parts.details === was.details) return s;
    const { deck, position, details } = parts;
    // A position past a new deck's end waits for that deck: the last good show stays meanwhile.
    const show = deck && position && details ? (composeShow(deck, position, details) ?? s.show) : s.show;
    return { parts, show };
  });
}

/**
 * Below this, a new reading of main's clock offset is jitter (the snapshot's trip, a busy event
 * loop): keeping the old one means the views that show "12 s ago" do not re-render on every
 * snapshot for a change of a few milliseconds they would not show.
 */
export const OFFSET_SLACK_MS = 250;

/** The offset to use: the old one unless the new reading moved by the slack or more. Pure. */
export function steadyOffset(prev: number, measured: number): number {
  return Math.abs(measured - prev) < OFFSET_SLACK_MS ? prev : measured;
}

function offsetOf(c: ClusterSnapshot, localNow: number): number {
  return Number.isFinite(c.now) && c.now > 0 ? c.now - localNow : 0;
}

/** Sends an intent (answered without the ShowState: the events carry it); a failure lands in the store for the presenter to read. */
export async function sendRequest<K extends RequestName>(
  bridge: Bridge,
  store: StageStore,
  name: K,
  ...args: RequestArgs<K>
): Promise<boolean> {
  try {
    const r = await bridge.api.act(name, ...args);
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
