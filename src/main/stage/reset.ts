// Run the show again (the `resetShow` request): a rehearsal, then the talk, without a restart.
// Every open fault is restored and the cluster is given time to settle; then the show starts
// afresh: first chapter, every beat re-armed (nothing fires until the presenter presses), the
// timeline, diagnosis, workload history and notices cleared, the talk timer at zero. Rehearsal
// records and key bindings stay.
import type { ClusterSnapshot } from '../../shared/cluster';
import type { ShowRuntime } from '../show/runtime';
import type { ActionRunner } from './actions';
import type { ClusterFeed } from './cluster-feed';
import type { Journal } from './journal';
import type { PresenterSession } from './presenter';

/** Stores brought back by the reset's restore, and how to tell that PD has heard from them since. */
export interface BroughtBack {
  names: ReadonlySet<string>;
  /** Wall ms (this app's clock) when the restore began. */
  since: number;
  /** Each store's heartbeat time in the first poll round begun after the restore returned: a
   *  later one is a heartbeat since, whatever PD's clock reads. */
  seen?: ReadonlyMap<string, number | null>;
  /** How far ahead of ours PD's clock has been seen to read during the reset (pdLeadMs). */
  pdLeadMs?: number;
}

/** At least how far PD's clock reads ahead of this app's (ms, 0 when it does not): a heartbeat
 *  PD stamped in our future says so. A lower bound, by the freshest heartbeat's age. Pure. */
export function pdLeadMs(s: ClusterSnapshot): number {
  let lead = 0;
  for (const n of s.tikv) if (n.lastHeartbeatMs !== null) lead = Math.max(lead, n.lastHeartbeatMs - s.takenAt);
  return lead;
}

/** PD has heard from store `n` since the restore began: a heartbeat later than the one seen just
 *  after it (or the first one PD reports), or one stamped after the restore began once PD's
 *  clock is taken back by the lead it has shown. PD's clock is another machine's (Docker
 *  Desktop's VM lags the host after a laptop sleeps): the first rule needs no clock; the second
 *  is quicker when a store heartbeats before the first look. No heartbeat time from PD: its
 *  word on the state is all there is. */
function heardSince(n: ClusterSnapshot['tikv'][number], back: BroughtBack, s: ClusterSnapshot): boolean {
  const hb = n.lastHeartbeatMs;
  if (hb === null) return true;
  const seen = back.seen?.get(n.name);
  if (seen !== undefined && (seen === null || hb > seen)) return true;
  return hb - Math.max(back.pdLeadMs ?? 0, pdLeadMs(s)) >= back.since;
}

/**
 * Why the cluster is not settled yet, or null when it is: every node running, PD Up for each
 * store, a PD leader, and each store brought back heard from since (heardSince). Without that
 * last rule a store killed a moment before the reset still read Up (PD had not noticed the
 * silence yet) and turned Disconnected on the first slide. Pure.
 */
export function unsettledReason(s: ClusterSnapshot, back?: BroughtBack): string | null {
  if (s.pdError) return `PD: ${s.pdError}`;
  if (!s.pdLeader) return 'PD has no leader yet';
  const alive = (c: string): boolean => c === 'running' || c === 'unknown';
  for (const n of s.tikv) {
    if (!alive(n.container) || n.partitioned) return `${n.name} is ${n.partitioned ? 'cut off' : n.container}`;
    if (n.state !== 'up') return `PD says ${n.name} is ${n.state}`;
    if (back?.names.has(n.name) && !heardSince(n, back, s)) return `${n.name} has not sent PD a heartbeat since it was brought back`;
  }
  for (const m of s.pd) if (!alive(m.container) || m.partitioned || m.health === false) return `PD member ${m.name} is not healthy`;
  return null;
}

export interface ResetDeps {
  actions: ActionRunner;
  /** First of all: stop a countdown or autoAdvance under way, so nothing fires during the reset. */
  standDown(): void;
  /** The last published cluster snapshot. */
  snapshot(): ClusterSnapshot;
  /** The deck starts the workload itself (so the reset may stop it, as at launch). */
  deckStartsWorkload(): boolean;
  journal: Journal;
  /** The parts that start afresh, called in this order once the cluster has settled. */
  restart: {
    /** Faults injected before this moment leave the show's list (open ones always stay). */
    markEpoch(at: number): void;
    clearWorkloadHistory(): void;
    presenter(): void;
    /** Last: the show's reset publishes the new state to every view. */
    show(): void;
  };
  /** How long to wait for the cluster to settle before going on anyway (wall ms). */
  settleTimeoutMs?: number;
  pollMs?: number;
  /** Wall ms: compared with snapshots' takenAt and PD's heartbeat times, stamped on the show's epoch. */
  now?: () => number;
  /** Steady ms, for the settle deadline: a wall clock stepped back (NTP, a laptop waking) must
   *  not hold the show on its reset for as long as it stepped. */
  monotonic?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export async function resetShow(d: ResetDeps): Promise<void> {
  const now = d.now ?? Date.now;
  const monotonic = d.monotonic ?? ((): number => performance.now());
  const sleep = d.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
  const problems: string[] = [];
  d.standDown();
  const restoreFrom = now();
  const restored = await d.actions.run({ type: 'restore-all' }, { notify: false });
  const restoredAt = now();
  if (!restored.ok) problems.push(`reset: ${restored.message}`);
  const names = new Set(restored.back ?? []);
  let seen: Map<string, number | null> | undefined;
  // A snapshot's takenAt is when its round ended: the round after the first to end after the
  // restore began after it, so its /stores was read after the restore (a round in flight
  // across it could have read /stores before the kill).
  let roundEndedAfterRestore: number | null = null;
  let lead = 0;
  if (d.deckStartsWorkload()) {
    const stopped = await d.actions.run({ type: 'stop-workload' }, { notify: false });
    if (!stopped.ok) problems.push(`reset: the workload did not stop: ${stopped.message}`);
  }
  const until = monotonic() + (d.settleTimeoutMs ?? 120_000);
  const look = (): string | null => {
    const s = d.snapshot();
    if (!seen && roundEndedAfterRestore !== null && s.takenAt > roundEndedAfterRestore) seen = new Map(s.tikv.map((n) => [n.name, n.lastHeartbeatMs]));
    if (roundEndedAfterRestore === null && s.takenAt >= restoredAt) roundEndedAfterRestore = s.takenAt;
    lead = Math.max(lead, pdLeadMs(s));
    return unsettledReason(s, { names, since: restoreFrom, seen, pdLeadMs: lead });
  };
  let why = look();
  while (why !== null && monotonic() < until) {
    await sleep(d.pollMs ?? 200);
    why = look();
  }
  if (why !== null) problems.push(`reset: the cluster had not settled (${why}); the show starts anyway`);
  d.journal.clearNotices();
  for (const p of problems) d.journal.notice(p);
  d.restart.markEpoch(now());
  d.restart.clearWorkloadHistory();
  d.restart.presenter();
  d.journal.log('show reset', problems.length ? 'failed' : 'ok', problems.join('; ') || 'every beat re-armed, first chapter');
  d.restart.show();
}

/** The stage's parts a reset touches (see createStage). */
export interface ResetParts {
  actions: ActionRunner;
  journal: Journal;
  feed: Pick<ClusterFeed, 'current' | 'clearHistory'>;
  presenter: Pick<PresenterSession, 'reset'>;
  show: Pick<ShowRuntime, 'reset' | 'director' | 'standDown'>;
  markEpoch(at: number): void;
}

export interface ShowResetter {
  /** A second press while one runs waits for the same one. */
  run(): Promise<void>;
  /** A reset is under way: the show holds every move until it is back at the first chapter. */
  running(): boolean;
}

/** resetShow over the stage's parts, one at a time. */
export function showResetter(p: ResetParts): ShowResetter {
  let running: Promise<void> | null = null;
  const run = (): Promise<void> =>
    (running ??= resetShow({
      actions: p.actions,
      standDown: () => p.show.standDown('the reset'),
      snapshot: () => p.feed.current(),
      deckStartsWorkload: () => p.show.director().chapters.some((c) => c.action?.type === 'start-workload'),
      journal: p.journal,
      restart: {
        markEpoch: p.markEpoch,
        clearWorkloadHistory: () => p.feed.clearHistory(),
        presenter: () => p.presenter.reset(),
        show: () => p.show.reset()
      }
    }).finally(() => (running = null)));
  return { run, running: () => running !== null };
}
