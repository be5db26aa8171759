// The PD poller: one async loop (never overlapping, no setInterval) that reads /stores and
// /members each round, /regions/count now and then, and /health every few seconds, and
// publishes a PdView. When PD cannot be read it keeps the last good map, marks it stale with the
// reason in plain words, and backs off while PD is not answering at all.
import type { Dispatcher } from 'undici';
import { createPdAgent, createPdClient, normalizePdUrl, type PdClient, type PdFailure } from './pd-client';
import { mergeHealth, type PdHealthEntry } from './pd-parse';
import type { PdView } from './types';

export interface PdPollerOptions {
  /** e.g. http://127.0.0.1:2379 */
  pdUrl: string;
  /** Other PD members' URLs (pd1, pd2 on their published ports): polled when pdUrl stops answering. */
  fallbackUrls?: string[];
  /** Injected Agent (left open on stop). When absent the poller creates one and closes it on stop. */
  dispatcher?: Dispatcher;
  /** Pause between rounds while PD answers. Default 1000 ms; also the first backoff step. */
  intervalMs?: number;
  /** How often /health is asked. Default 3000 ms. */
  healthEveryMs?: number;
  /** How often /regions/count is asked. Default 5000 ms. */
  regionCountEveryMs?: number;
  /** Budget per /stores, /members, /regions/count request. Default 1500 ms. */
  requestTimeoutMs?: number;
  /**
   * Budget for /health. PD pings each member in turn with a 3 s timeout, so one paused PD makes
   * /health take 3 s or more; it runs beside the loop and never delays the stores round.
   * Default 10 000 ms.
   */
  healthTimeoutMs?: number;
  /** Ceiling of the backoff while PD is not answering. Default 8000 ms. */
  backoffMaxMs?: number;
  /** Relative jitter on backoff delays (0.2 = ±20 %). Default 0.2. */
  jitter?: number;
  /** [0, 1) source for the jitter; Math.random by default. */
  random?: () => number;
  now?: () => number;
  /** Waits `ms` or until `signal` aborts (then resolves or rejects; both end the wait). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onView: (view: PdView) => void;
  /** Called when onView throws (default: console.error); the loop carries on. */
  onListenerError?: (err: unknown) => void;
}

export interface PdPoller {
  /** Starts the loop (no-op when running). */
  start(): void;
  /** Aborts in-flight requests and the sleep, waits for the loop to end, closes what it owns. */
  stop(): Promise<void>;
  /** The latest view (the initial view before the first round). */
  current(): PdView;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Failures that mean "PD is not answering at all": the ones we back off from. */
function isUnreachable(f: PdFailure): boolean {
  return f.kind === 'unreachable' || f.kind === 'timeout';
}

export function initialPdView(pdUrl: string): PdView {
  return {
    pdUrl,
    takenAt: 0,
    stale: true,
    error: null,
    clusterId: null,
    leader: null,
    regionCount: null,
    stores: [],
    members: []
  };
}

export function createPdPoller(opts: PdPollerOptions): PdPoller {
  const pdUrl = normalizePdUrl(opts.pdUrl);
  const intervalMs = opts.intervalMs ?? 1_000;
  const healthEveryMs = opts.healthEveryMs ?? 3_000;
  const regionCountEveryMs = opts.regionCountEveryMs ?? 5_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 1_500;
  const healthTimeoutMs = opts.healthTimeoutMs ?? 10_000;
  const backoffMaxMs = Math.max(opts.backoffMaxMs ?? 8_000, intervalMs);
  const jitter = Math.min(Math.max(opts.jitter ?? 0.2, 0), 0.9);
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const onListenerError = opts.onListenerError ?? ((err: unknown) => console.error('[pd-poller] onView threw', err));

  let view: PdView = initialPdView(pdUrl);
  let health: PdHealthEntry[] | null = null;

  // Per run (start → stop).
  let running = false;
  let controller: AbortController | null = null;
  let loopDone: Promise<void> | null = null;
  let healthTask: Promise<void> | null = null;
  let ownedAgent: Dispatcher | null = null;
  let stopping: Promise<void> | null = null;

  function publish(next: PdView): void {
    view = next;
    if (!running) return;
    try {
      opts.onView(next);
    } catch (err) {
      onListenerError(err);
    }
  }

  function backoffDelay(failures: number): number {
    const base = Math.min(backoffMaxMs, intervalMs * 2 ** Math.max(0, failures - 1));
    const factor = 1 + (random() * 2 - 1) * jitter;
    return Math.max(1, Math.round(base * factor));
  }

  function startHealth(client: PdClient, signal: AbortSignal): void {
    healthTask = client
      .health({ signal, timeoutMs: healthTimeoutMs })
      .then((res) => {
        if (!res.ok || signal.aborted) return; // keep the last known health
        health = res.value;
        publish({ ...view, members: mergeHealth(view.members, health) });
      })
      .finally(() => {
        healthTask = null;
      });
  }

  /** One round. Returns the failure, or null on success. */
  async function round(client: PdClient, signal: AbortSignal, due: { regions: boolean }): Promise<PdFailure | null> {
    const [stores, members, regions] = await Promise.all([
      client.stores({ signal }),
      client.members({ signal }),
      due.regions ? client.regionCount({ signal }) : Promise.resolve(null)
    ]);
    if (signal.aborted) return { kind: 'aborted', message: 'stopped' };
    const regionCount = regions?.ok ? regions.value : view.regionCount;
    if (stores.ok && members.ok) {
      publish({
        pdUrl: client.pdUrl,
        takenAt: now(),
        stale: false,
        error: null,
        clusterId: members.value.clusterId,
        leader: members.value.leader,
        regionCount,
        stores: stores.value,
        members: mergeHealth(members.value.members, health)
      });
      return null;
    }
    const failure = !stores.ok ? stores.error : !members.ok ? members.error : null;
    if (failure === null) return null; // unreachable: both ok is handled above
    // Keep the last good map (a PD election must not wipe it); say why it is stale.
    publish({ ...view, regionCount, stale: true, error: failure.message });
    return failure;
  }

  async function loop(clients: PdClient[], signal: AbortSignal): Promise<void> {
    let failures = 0;
    let at = 0;
    let client = clients[0]!;
    let lastHealthAt: number | null = null;
    let lastRegionsAt: number | null = null;
    while (!signal.aborted) {
      const startedAt = now();
      if (healthTask === null && (lastHealthAt === null || startedAt - lastHealthAt >= healthEveryMs)) {
        lastHealthAt = startedAt;
        startHealth(client, signal);
      }
      const regionsDue = lastRegionsAt === null || startedAt - lastRegionsAt >= regionCountEveryMs;
      if (regionsDue) lastRegionsAt = startedAt;

      let failure: PdFailure | null;
      try {
        failure = await round(client, signal, { regions: regionsDue });
      } catch (err) {
        // The client never throws; this guards the loop against a bug, not against PD.
        failure = { kind: 'bad-body', message: `PD poll failed: ${err instanceof Error ? err.message : String(err)}` };
        publish({ ...view, stale: true, error: failure.message });
      }
      if (signal.aborted) break;

      let delay: number;
      if (failure !== null && isUnreachable(failure)) {
        failures += 1;
        if (clients.length > 1) {
          // This PD is gone (killed, paused): ask the next member at once; back off only
          // once every member has failed in a row.
          at = (at + 1) % clients.length;
          client = clients[at]!;
        }
        delay = failures < clients.length ? Math.ceil(intervalMs / 4) : backoffDelay(failures - clients.length + 1);
      } else {
        // PD answered (even with an error such as "no leader"): poll at the normal pace, so the
        // map recovers as soon as a new leader is elected.
        failures = 0;
        const elapsed = now() - startedAt;
        delay = Math.max(intervalMs - elapsed, Math.ceil(intervalMs / 4));
      }
      try {
        await sleep(delay, signal);
      } catch {
        // an aborted sleep ends the wait; the loop condition decides
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopping = null;
      const ac = new AbortController();
      controller = ac;
      let dispatcher = opts.dispatcher;
      if (dispatcher === undefined) {
        ownedAgent = createPdAgent({
          connectTimeoutMs: requestTimeoutMs,
          headersTimeoutMs: requestTimeoutMs,
          bodyTimeoutMs: requestTimeoutMs
        });
        dispatcher = ownedAgent;
      }
      const clients = [pdUrl, ...(opts.fallbackUrls ?? []).map(normalizePdUrl).filter((u) => u !== pdUrl)].map((u) =>
        createPdClient({ pdUrl: u, dispatcher, timeoutMs: requestTimeoutMs })
      );
      loopDone = loop(clients, ac.signal).catch((err: unknown) => onListenerError(err));
    },

    stop() {
      if (stopping) return stopping;
      if (!running) return Promise.resolve();
      running = false;
      controller?.abort(new Error('PD poller stopped'));
      const loopP = loopDone;
      const agent = ownedAgent;
      ownedAgent = null;
      stopping = (async () => {
        await loopP;
        if (healthTask) await healthTask;
        if (agent) await agent.destroy();
        controller = null;
        loopDone = null;
      })();
      return stopping;
    },

    current() {
      return view;
    }
  };
}
