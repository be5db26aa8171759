// The cluster feed: PD's view (the poller), the containers' states (the chaos driver's
// watch) and the workload's samples, merged into one ClusterSnapshot. Bursts (a poll and a
// Docker event in the same tick) are coalesced into one publish.
import { emptySnapshot, type ClusterSnapshot, type ContainerState, type WorkloadSample } from '../../shared/cluster';
import { createPdPoller, initialPdView, type PdPoller } from '../cluster/poller';
import { buildSnapshot } from '../cluster/snapshot';
import type { PdView } from '../cluster/types';
import type { NodeProcess } from '../chaos/driver';
import { pushPoint } from '../workload/history';
import type { BootedCluster } from './boot';

export interface ClusterFeed {
  /** The last published snapshot. */
  current(): ClusterSnapshot;
  /** The PD leader's name as last polled, or null. */
  pdLeader(): string | null;
  /** Every published snapshot goes to this listener (set once, before start). */
  onSnapshot(listener: (s: ClusterSnapshot) => void): void;
  /** Forgets the workload's history (the show runs again) and publishes at once. */
  clearHistory(): void;
  /** Starts polling, watching and sampling; lists the containers once. */
  start(): Promise<void>;
  close(): Promise<void>;
}

type FeedCluster = Pick<BootedCluster, 'mode' | 'pdUrl' | 'pdFallbacks' | 'driver' | 'containerNote' | 'workload' | 'timeScale'>;

export interface FeedOptions {
  cluster: FeedCluster;
  notice(text: string): void;
  coalesceMs?: number;
  sampleEveryMs?: number;
  /**
   * The clock sampling is scheduled on (performance.now by default). It never steps: a wall clock
   * set back (sleep, NTP) would pause the samples for as long as it stepped. Snapshots keep wall time.
   */
  monotonicNow?: () => number;
  /** The PD poller (a real one by default; tests pass a fake). */
  poller?: (onView: (v: PdView) => void) => PdPoller;
}

export function createClusterFeed(opts: FeedOptions): ClusterFeed {
  const { cluster } = opts;
  const { driver, workload } = cluster;
  let pdView: PdView | null = null;
  let processes = new Map<string, NodeProcess>();
  let history: WorkloadSample[] = [];
  let perStoreOps: Record<string, number> = {};
  let listener: (s: ClusterSnapshot) => void = () => undefined;
  let timer: NodeJS.Timeout | null = null;
  let sampler: NodeJS.Timeout | null = null;
  let unwatch: (() => void) | null = null;

  const snapshot = (): ClusterSnapshot => {
    const now = Date.now();
    if (!pdView && processes.size === 0)
      return { ...emptySnapshot(cluster.mode, cluster.pdUrl, now), containerNote: cluster.containerNote, timeScale: cluster.timeScale };
    const containers = driver
      ? new Map<string, { state: ContainerState; partitioned: boolean }>(
          [...processes.values()].map((p) => [p.name, { state: p.state, partitioned: p.partitioned }])
        )
      : null;
    const w = workload?.sample();
    return buildSnapshot({
      mode: cluster.mode,
      pd: pdView ?? initialPdView(cluster.pdUrl),
      containers,
      containerNote: cluster.containerNote,
      workload: workload
        ? { running: w?.running ?? false, source: workload.kind, current: w?.current ?? null, history }
        : null,
      perStoreOps,
      now,
      timeScale: cluster.timeScale
    });
  };
  let last = snapshot();

  const publish = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      last = snapshot();
      listener(last);
    }, opts.coalesceMs ?? 50);
  };

  const makePoller =
    opts.poller ??
    ((onView: (v: PdView) => void): PdPoller =>
      createPdPoller({ pdUrl: cluster.pdUrl, fallbackUrls: cluster.mode === 'live' ? cluster.pdFallbacks : [], onView }));
  // The workload is sampled with PD's poll, so that one snapshot a second carries both (two
  // timers a second apart in phase would publish twice); the sampler's own timer only steps in
  // when the polls stop coming (PD down, backing off).
  const sampleEvery = opts.sampleEveryMs ?? 1000;
  const mono = opts.monotonicNow ?? ((): number => performance.now());
  /** When the workload was last sampled (monotonic ms), or null before the first sample. */
  let sampledAt: number | null = null;
  const sinceSample = (): number => (sampledAt === null ? Infinity : mono() - sampledAt);
  const sample = (): void => {
    if (!workload) return;
    sampledAt = mono();
    const w = workload.sample();
    perStoreOps = w.perStoreOps;
    // A stopped workload's last figure is not a new point (after a reset it would be the old show's).
    if (w.current && w.running) history = pushPoint(history, w.current);
  };
  const poller = makePoller((v) => {
    pdView = v;
    if (sinceSample() >= sampleEvery * 0.8) sample();
    publish();
  });

  return {
    current: () => last,
    pdLeader: () => pdView?.leader ?? null,
    onSnapshot(l) {
      listener = l;
    },
    clearHistory() {
      history = [];
      // At once, not coalesced: whoever cleared it reads current() next.
      last = snapshot();
      listener(last);
    },
    async start() {
      poller.start();
      if (driver) {
        unwatch = driver.watch((p) => {
          processes = new Map(processes).set(p.name, p);
          publish();
        });
        try {
          processes = new Map((await driver.list()).map((p) => [p.name, p]));
        } catch (e) {
          opts.notice(`could not list the cluster's containers: ${(e as Error).message}`);
        }
      }
      sampler = setInterval(() => {
        if (!workload || sinceSample() < sampleEvery * 1.2) return;
        sample();
        publish();
      }, sampleEvery / 2);
    },
    async close() {
      if (timer) clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      unwatch?.();
      await poller.stop();
    }
  };
}
