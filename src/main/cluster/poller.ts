// The PD poller: one async loop (never overlapping, no setInterval) that reads /stores and
// /members each round, /regions/count now and then, /health every few seconds and
// /config/replicate (PD's max-replicas) every half minute, and publishes a PdView. When PD
// cannot be read it keeps the last good map, marks it stale with the reason in plain words, and
// backs off while PD is not answering at all.
import type { Dispatcher } from 'undici';
import {
  createPdAgent,
  createPdClient,
  electingMessage,
  normalizePdUrl,
  PD_REDIRECT_WAIT_MS,
  type PdCallOptions,
  type PdClient,
  type PdFailure,
  type PdResult
} from './pd-client';
import { mergeHealth, type PdHealthEntry, type PdMembersInfo } from './pd-parse';
import type { PdStoreView, PdView } from './types';

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
  /**
   * Budget per /stores, /members, /regions/count request. These are proxied to the PD leader,
   * and without one PD waits up to 3 s before its 503 "redirect finds no leader": the default,
   * 4000 ms, is above that wait, so an election reads as an election, not as "not answering".
   */
  requestTimeoutMs?: number;
  /**
   * Budget of the /ping sent beside each round. /ping is answered by the PD asked itself, so a
   * PD that is gone (killed, paused) is told within this budget, without waiting out the long
   * one above, and a PD that is up but has no leader answer is told from one that is down.
   * Default 1000 ms (never above requestTimeoutMs).
   */
  pingTimeoutMs?: number;
  /**
   * When /ping has answered and the round still waits this long, the view says PD is electing
   * (its leader redirect holds requests while there is no leader). Default 1.2 s.
   */
  waitingNoticeMs?: number;
  /**
   * Budget for /health. PD pings each member in turn with a 3 s timeout, so one paused PD makes
   * /health take 3 s or more; it runs beside the loop and never delays the stores round.
   * Default 10 000 ms.
   */
  healthTimeoutMs?: number;
  /**
   * How old the last /health answer may be and still be shown: past it, every member's health is
   * unknown until /health answers again. Default 2 × max(healthEveryMs, intervalMs) + 3 s (PD
   * asks a member that is gone for up to 3 s, so one such member makes every /health that slow).
   */
  healthMaxAgeMs?: number;
  /**
   * How often /config/replicate (PD's max-replicas) is read again after a good answer: it
   * rarely changes, so not every round. It runs beside the loop like /health, within
   * requestTimeoutMs, and its failure is never the round's. Default 30 000 ms.
   */
  replicasEveryMs?: number;
  /** How soon it is read again after a failed or rejected answer. Default 5000 ms. */
  replicasRetryMs?: number;
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

/**
 * What a failed round means. A failed /ping says this PD is gone. A cluster request that timed
 * out while this PD answered its /ping means it is up but no leader answered for it: PD is
 * (re-)electing, e.g. after its leader was paused. Pure.
 */
export function classifyFailure(
  pdUrl: string,
  pingFailure: PdFailure | null,
  ping: PdResult<null> | null,
  request: PdFailure | null
): PdFailure | null {
  if (pingFailure !== null) return pingFailure;
  if (request === null) return null;
  const pdIsUp = ping !== null && (ping.ok || (ping.error.kind !== 'aborted' && !isUnreachable(ping.error)));
  if (request.kind === 'timeout' && pdIsUp) {
    return { kind: 'no-leader', message: electingMessage(`PD at ${pdUrl} is up, but no PD leader answered for it in time`) };
  }
  return request;
}

interface RoundResult {
  stores: PdResult<PdStoreView[]>;
  members: PdResult<PdMembersInfo>;
  regions: PdResult<number> | null;
  /** What the round's failure means (classifyFailure), or null. */
  failure: PdFailure | null;
}

/**
 * The requests of one round, with a /ping beside them: when the ping says this PD is gone, the
 * round's requests end at once instead of waiting out their (longer) budget.
 */
async function fetchRound(
  client: PdClient,
  signal: AbortSignal,
  regionsDue: boolean,
  pingTimeoutMs: number,
  waiting: { afterMs: number; notice(ms: number): void }
): Promise<RoundResult> {
  const rc = new AbortController();
  const onStop = (): void => rc.abort(signal.reason);
  signal.addEventListener('abort', onStop, { once: true });
  let pingFailure: PdFailure | null = null;
  let pingOk = false;
  // PD answered its own /ping but holds the cluster requests: its leader redirect is waiting
  // for a leader (up to 3 s in PD). Say so while it waits, not only once the wait is over.
  const startedAt = Date.now();
  const slow = setTimeout(() => {
    if (pingOk && !signal.aborted) waiting.notice(Date.now() - startedAt);
  }, waiting.afterMs);
  try {
    const ping = client.ping({ signal: rc.signal, timeoutMs: pingTimeoutMs }).then((r) => {
      pingOk = r.ok;
      if (!r.ok && isUnreachable(r.error) && !signal.aborted) {
        pingFailure = r.error;
        rc.abort(new Error('PD is not answering /ping'));
      }
      return r;
    });
    const [stores, members, regions] = await Promise.all([
      client.stores({ signal: rc.signal }),
      client.members({ signal: rc.signal }),
      regionsDue ? client.regionCount({ signal: rc.signal }) : Promise.resolve(null)
    ]);
    // The ping is bounded by its own (shorter) budget; the round waits for its verdict.
    const pinged = await ping;
    const request = !stores.ok ? stores.error : !members.ok ? members.error : null;
    return { stores, members, regions, failure: classifyFailure(client.pdUrl, pingFailure, pinged, request) };
  } finally {
    clearTimeout(slow);
    signal.removeEventListener('abort', onStop);
  }
}

/** The last view, kept, while the PD asked waits for a leader to serve the round. Pure. */
export function waitingView(view: PdView, pdUrl: string, waitedMs: number): PdView {
  const detail = `PD at ${pdUrl} answers, but has waited ${(waitedMs / 1000).toFixed(1)} s for a PD leader to serve the map`;
  return { ...view, stale: true, electing: true, error: electingMessage(detail) };
}

export function initialPdView(pdUrl: string): PdView {
  return {
    pdUrl,
    takenAt: 0,
    stale: true,
    error: null,
    electing: false,
    clusterId: null,
    leader: null,
    regionCount: null,
    maxReplicas: null,
    maxReplicasError: null,
    stores: [],
    members: []
  };
}

/** PD's /health asks each member in turn, with this timeout: one member gone makes it this much slower. */
const PD_MEMBER_CHECK_MS = 3_000;

/** A /health answer, and when it came (Unix ms, the poller's clock). */
export interface HealthReading {
  at: number;
  entries: PdHealthEntry[];
}

/**
 * The health to show now: the last /health answer while it is at most maxAgeMs old, else none
 * (every member unknown). A /health that keeps failing, or hangs on a paused PD, must not keep
 * showing a member as healthy beside a fresh map. A clock that went back expires it too. Pure.
 */
export function healthNow(reading: HealthReading | null, now: number, maxAgeMs: number): PdHealthEntry[] | null {
  if (reading === null) return null;
  const age = now - reading.at;
  return age >= 0 && age <= maxAgeMs ? reading.entries : null;
}

/** The options with their defaults filled in. Pure. */
function pollerSettings(opts: PdPollerOptions) {
  const intervalMs = opts.intervalMs ?? 1_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? PD_REDIRECT_WAIT_MS + 1_000;
  const healthEveryMs = opts.healthEveryMs ?? 3_000;
  const replicasEveryMs = opts.replicasEveryMs ?? 30_000;
  return {
    pdUrl: normalizePdUrl(opts.pdUrl),
    intervalMs,
    healthEveryMs,
    regionCountEveryMs: opts.regionCountEveryMs ?? 5_000,
    requestTimeoutMs,
    pingTimeoutMs: Math.min(opts.pingTimeoutMs ?? 1_000, requestTimeoutMs),
    healthTimeoutMs: opts.healthTimeoutMs ?? 10_000,
    healthMaxAgeMs: opts.healthMaxAgeMs ?? 2 * Math.max(healthEveryMs, intervalMs) + PD_MEMBER_CHECK_MS,
    replicasEveryMs,
    replicasRetryMs: Math.min(opts.replicasRetryMs ?? 5_000, replicasEveryMs),
    backoffMaxMs: Math.max(opts.backoffMaxMs ?? 8_000, intervalMs),
    jitter: Math.min(Math.max(opts.jitter ?? 0.2, 0), 0.9),
    random: opts.random ?? Math.random,
    now: opts.now ?? Date.now,
    sleep: opts.sleep ?? defaultSleep,
    onListenerError: opts.onListenerError ?? ((err: unknown) => console.error('[pd-poller] onView threw', err))
  };
}

/** Exponential backoff with a ceiling and jitter, after `failures` rounds in a row. */
function backoffDelay(failures: number, s: ReturnType<typeof pollerSettings>): number {
  const base = Math.min(s.backoffMaxMs, s.intervalMs * 2 ** Math.max(0, failures - 1));
  const factor = 1 + (s.random() * 2 - 1) * s.jitter;
  return Math.max(1, Math.round(base * factor));
}

/** One client per PD member: pdUrl first, then the others (failover order). */
function memberClients(pdUrl: string, fallbackUrls: string[], dispatcher: Dispatcher, timeoutMs: number): PdClient[] {
  const urls = [pdUrl, ...fallbackUrls.map(normalizePdUrl).filter((u) => u !== pdUrl)];
  return urls.map((u) => createPdClient({ pdUrl: u, dispatcher, timeoutMs }));
}

/** A read beside the loop in flight, the member it asks, and how to cancel it. */
interface SideTask {
  done: Promise<void>;
  client: PdClient;
  abort: AbortController;
}

/**
 * Asks one member beside the loop, cancelled when the loop stops or by itself (a failover). A
 * cancelled ask's result is dropped.
 */
function askBeside<T>(
  client: PdClient,
  stop: AbortSignal,
  call: (opts: PdCallOptions) => Promise<PdResult<T>>,
  timeoutMs: number,
  onResult: (r: PdResult<T>) => void,
  onDone: (t: SideTask) => void
): SideTask {
  const abort = new AbortController();
  const onStop = (): void => abort.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  const task: SideTask = { client, abort, done: Promise.resolve() };
  task.done = call({ signal: abort.signal, timeoutMs })
    .then((res) => {
      if (!abort.signal.aborted) onResult(res);
    })
    .finally(() => {
      stop.removeEventListener('abort', onStop);
      onDone(task);
    });
  return task;
}

/** Cancels an ask of another member than `client`; true when it did. */
function cancelElsewhere(task: SideTask | null, client: PdClient): boolean {
  if (task === null || task.client === client) return false;
  task.abort.abort(new Error('PD member failed over'));
  return true;
}

/** A read asked beside the loop (/health, /config/replicate): one at a time, when it is due. */
interface SideRead {
  /** Asks `client` at `at` when none is in flight and the last ask is dueAfterMs() old. */
  maybeAsk(client: PdClient, stop: AbortSignal, at: number): void;
  /** An ask still waiting on the member left behind (paused: until its timeout) asks the next one now. */
  failover(client: PdClient): void;
  /** Resolves once no ask is in flight. */
  settled(): Promise<void>;
}

function sideRead<T>(o: {
  call: (client: PdClient, opts: PdCallOptions) => Promise<PdResult<T>>;
  timeoutMs: number;
  dueAfterMs: () => number;
  onResult: (r: PdResult<T>) => void;
}): SideRead {
  let task: SideTask | null = null;
  let lastAt: number | null = null;
  return {
    maybeAsk(client, stop, at) {
      if (task !== null || (lastAt !== null && at - lastAt < o.dueAfterMs())) return;
      lastAt = at;
      task = askBeside(client, stop, (opts) => o.call(client, opts), o.timeoutMs, o.onResult, (t) => {
        if (task === t) task = null;
      });
    },
    failover(client) {
      if (cancelElsewhere(task, client)) task = lastAt = null;
    },
    settled: () => task?.done ?? Promise.resolve()
  };
}

/**
 * PD's max-replicas after one /config/replicate: the new value, or (failed, rejected) the last
 * good one kept, with why it was not updated. Pure.
 */
export function replicasAfter(view: Pick<PdView, 'maxReplicas'>, res: PdResult<number>): Pick<PdView, 'maxReplicas' | 'maxReplicasError'> {
  return res.ok ? { maxReplicas: res.value, maxReplicasError: null } : { maxReplicas: view.maxReplicas, maxReplicasError: res.error.message };
}

/**
 * /config/replicate beside the rounds: asked at once, then every replicasEveryMs after a good
 * answer (it rarely changes), every replicasRetryMs after a failed or rejected one. The view is
 * published only when what it says changed.
 */
function replicasRead(s: ReturnType<typeof pollerSettings>, view: () => PdView, publish: (v: PdView) => void): SideRead {
  let ok = false;
  return sideRead({
    call: (c, o) => c.maxReplicas(o),
    timeoutMs: s.requestTimeoutMs,
    dueAfterMs: () => (ok ? s.replicasEveryMs : s.replicasRetryMs),
    onResult: (res) => {
      ok = res.ok;
      const v = view();
      const next = replicasAfter(v, res);
      if (next.maxReplicas !== v.maxReplicas || next.maxReplicasError !== v.maxReplicasError) publish({ ...v, ...next });
    }
  });
}

/** Runs a listener; its throw goes to onError, never into the loop. */
function guarded(fn: () => void, onError: (err: unknown) => void): void {
  try {
    fn();
  } catch (err) {
    onError(err);
  }
}

export function createPdPoller(opts: PdPollerOptions): PdPoller {
  const settings = pollerSettings(opts);
  const { pdUrl, intervalMs, healthEveryMs, regionCountEveryMs, requestTimeoutMs, pingTimeoutMs, healthTimeoutMs, now, sleep, onListenerError } = settings;

  let view: PdView = initialPdView(pdUrl);
  let health: HealthReading | null = null;

  let running = false; // per run (start → stop), like the five below
  let controller: AbortController | null = null;
  let loopDone: Promise<void> | null = null;
  let reads: SideRead[] = [];
  let ownedAgent: Dispatcher | null = null;
  let stopping: Promise<void> | null = null;

  function publish(next: PdView): void {
    view = next;
    if (running) guarded(() => opts.onView(next), onListenerError);
  }

  /** /health and /config/replicate, asked beside the rounds (per run: due at once on start). */
  function sideReads(): SideRead[] {
    // A failed /health is not passed on: the last answer stands until it is too old (healthNow).
    const onHealth = (res: PdResult<PdHealthEntry[]>): void => {
      if (!res.ok) return;
      health = { at: now(), entries: res.value };
      publish({ ...view, members: mergeHealth(view.members, res.value) });
    };
    return [
      sideRead({ call: (c, o) => c.health(o), timeoutMs: healthTimeoutMs, dueAfterMs: () => healthEveryMs, onResult: onHealth }),
      replicasRead(settings, () => view, publish)
    ];
  }

  /** One round. Returns the failure, or null on success. */
  async function round(client: PdClient, signal: AbortSignal, due: { regions: boolean; quiet: boolean }): Promise<PdFailure | null> {
    const waiting = { afterMs: opts.waitingNoticeMs ?? 1_200, notice: (ms: number) => publish(waitingView(view, client.pdUrl, ms)) };
    const r = await fetchRound(client, signal, due.regions, pingTimeoutMs, waiting);
    if (signal.aborted) return { kind: 'aborted', message: 'stopped' };
    const regionCount = r.regions?.ok ? r.regions.value : view.regionCount;
    if (r.stores.ok && r.members.ok) {
      publish({
        pdUrl: client.pdUrl,
        takenAt: now(),
        stale: false,
        error: null,
        electing: false,
        clusterId: r.members.value.clusterId,
        leader: r.members.value.leader,
        regionCount,
        maxReplicas: view.maxReplicas,
        maxReplicasError: view.maxReplicasError,
        stores: r.stores.value,
        members: mergeHealth(r.members.value.members, healthNow(health, now(), settings.healthMaxAgeMs))
      });
      return null;
    }
    if (r.failure === null) return null; // unreachable: both ok is handled above
    // A killed leader: the next member, asked at once, shows the election instead.
    if (due.quiet && isUnreachable(r.failure)) return r.failure;
    // Keep the last good map (a PD election must not wipe it); say why it is stale.
    publish({ ...view, regionCount, stale: true, error: r.failure.message, electing: r.failure.kind === 'no-leader' });
    return r.failure;
  }

  async function loop(clients: PdClient[], signal: AbortSignal, reads: SideRead[]): Promise<void> {
    let failures = 0;
    let at = 0;
    let client = clients[0]!;
    let lastRegionsAt: number | null = null;
    while (!signal.aborted) {
      const startedAt = now();
      for (const r of reads) r.maybeAsk(client, signal, startedAt);
      const regionsDue = lastRegionsAt === null || startedAt - lastRegionsAt >= regionCountEveryMs;
      if (regionsDue) lastRegionsAt = startedAt;

      let failure: PdFailure | null;
      try {
        // One PD gone while others are left to ask is not "PD not answering" (see round).
        failure = await round(client, signal, { regions: regionsDue, quiet: failures + 1 < clients.length });
      } catch (err) {
        // The client never throws; this guards the loop against a bug, not against PD.
        failure = { kind: 'bad-body', message: `PD poll failed: ${err instanceof Error ? err.message : String(err)}` };
        publish({ ...view, stale: true, error: failure.message, electing: false });
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
          for (const r of reads) r.failover(client);
        }
        delay = failures < clients.length ? Math.ceil(intervalMs / 4) : backoffDelay(failures - clients.length + 1, settings);
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
      const t = requestTimeoutMs;
      ownedAgent = opts.dispatcher === undefined ? createPdAgent({ connectTimeoutMs: t, headersTimeoutMs: t, bodyTimeoutMs: t }) : null;
      const clients = memberClients(pdUrl, opts.fallbackUrls ?? [], opts.dispatcher ?? (ownedAgent as Dispatcher), requestTimeoutMs);
      reads = sideReads();
      loopDone = loop(clients, ac.signal, reads).catch((err: unknown) => onListenerError(err));
    },

    stop() {
      if (stopping) return stopping;
      if (!running) return Promise.resolve();
      running = false;
      controller?.abort(new Error('PD poller stopped'));
      const loopP = loopDone;
      const pending = reads;
      const agent = ownedAgent;
      ownedAgent = null;
      stopping = (async () => {
        await loopP;
        await Promise.all(pending.map((r) => r.settled()));
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
