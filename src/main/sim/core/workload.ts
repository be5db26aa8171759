// The synthetic closed-loop workload: N virtual client threads doing raw get/put (go-ycsb's
// workloada, 50/50) on random regions. Modelled per tick (100 ms of sim time), not per op:
// a thread that is not stalled completes ops at its base latency until, with the probability
// given by the share of regions whose leader is unreachable, it hits such a region; it then
// stalls until the region is served again (the op completes with a high latency) or until the
// client's backoff (20 s, client-go's rawkvMaxBackoff) runs out (the op counts as an error).
//
// Sim time vs wall time: every figure here is in *sim* units (ops per sim second, latencies in
// sim milliseconds), so the numbers look like a real cluster's whatever the time scale is.
import type { WorkloadSample } from '../../../shared/cluster';
import type { Rng } from './rng';

/** What the workload needs to know about the cluster, at the current instant. */
export interface WorkloadCluster {
  readonly regionCount: number;
  /** True when a client can reach the region's leader. */
  regionServing(region: number): boolean;
  /** Wall ms since which the region has been served (only meaningful while serving). */
  regionServingSince(region: number): number;
  /** Name of the store holding the region's leader (tikv0...). */
  regionLeaderName(region: number): string;
  storeNames(): string[];
}

export interface WorkloadConfig {
  threads: number;
  /** Median of the base op latency, sim microseconds. */
  medianUs: number;
  /** Log-normal shape of the base latency. */
  sigma: number;
  /** Client backoff before a stalled op fails, sim ms. */
  backoffMs: number;
  /** Tick length, sim ms. */
  tickMs: number;
}

export const DEFAULT_WORKLOAD: WorkloadConfig = {
  threads: 16,
  medianUs: 3500,
  sigma: 0.45,
  backoffMs: 20_000,
  tickMs: 100
};

// --- latency histogram --------------------------------------------------------------------

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Up to ~2 minutes in microseconds. */
const BUCKETS = Math.ceil(Math.log(120e6) / LOG_GROWTH) + 1;

function bucketOf(us: number): number {
  if (us <= 1) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log(us) / LOG_GROWTH));
}

function bucketValue(b: number): number {
  return Math.round(GROWTH ** (b + 0.5));
}

/** Latency histogram with log buckets (2 % wide); counts may be fractional (template adds). */
export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sumUs = 0;
  minUs = Number.POSITIVE_INFINITY;
  maxUs = 0;

  /** Wall ms the measurement began; moved on by a skipped gap (Workload.skip). */
  constructor(public startedAtWall: number) {}

  add(us: number, n = 1): void {
    if (n <= 0) return;
    this.counts[bucketOf(us)] = (this.counts[bucketOf(us)] ?? 0) + n;
    this.count += n;
    this.sumUs += us * n;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Add n ops spread like `t`, every latency multiplied by GROWTH^shift. */
  addTemplate(t: LatencyTemplate, n: number, shift: number): void {
    if (n <= 0) return;
    for (let i = 0; i < t.weights.length; i++) {
      const b = Math.max(0, Math.min(BUCKETS - 1, t.firstBucket + i + shift));
      this.counts[b] = (this.counts[b] ?? 0) + n * (t.weights[i] ?? 0);
    }
    const scale = GROWTH ** shift;
    this.count += n;
    this.sumUs += n * t.meanUs * scale;
    this.minUs = Math.min(this.minUs, t.minUs * scale);
    this.maxUs = Math.max(this.maxUs, t.maxUs * scale);
  }

  /** Value at quantile q in (0, 1], microseconds (0 when empty). */
  quantile(q: number): number {
    let total = 0;
    for (const c of this.counts) total += c;
    if (total <= 0) return 0;
    const target = q * total;
    let acc = 0;
    for (let b = 0; b < BUCKETS; b++) {
      acc += this.counts[b] ?? 0;
      if (acc >= target - 1e-9) {
        return Math.min(Math.max(bucketValue(b), Math.round(this.minUs)), Math.round(this.maxUs));
      }
    }
    return Math.round(this.maxUs);
  }
}

/** A log-normal latency shape over histogram buckets, truncated to [q=1e-4, q=1-1e-5]. */
export interface LatencyTemplate {
  firstBucket: number;
  weights: number[];
  meanUs: number;
  minUs: number;
  maxUs: number;
}

export function logNormalTemplate(medianUs: number, sigma: number): LatencyTemplate {
  const mu = Math.log(medianUs);
  const minUs = Math.exp(mu + sigma * -3.719); // q = 1e-4
  const maxUs = Math.exp(mu + sigma * 4.265); // q = 1 - 1e-5
  const first = bucketOf(minUs);
  const last = bucketOf(maxUs);
  const cdf = (us: number): number => normalCdf((Math.log(us) - mu) / sigma);
  const weights: number[] = [];
  let total = 0;
  let mean = 0;
  for (let b = first; b <= last; b++) {
    const lo = Math.max(minUs, GROWTH ** b);
    const hi = Math.min(maxUs, GROWTH ** (b + 1));
    const w = Math.max(0, cdf(hi) - cdf(lo));
    weights.push(w);
    total += w;
    mean += w * Math.sqrt(lo * hi);
  }
  return {
    firstBucket: first,
    weights: weights.map((w) => w / total),
    meanUs: mean / total,
    minUs,
    maxUs
  };
}

function normalCdf(z: number): number {
  // Abramowitz & Stegun 7.1.26 (error < 1.5e-7).
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

// --- the closed loop -----------------------------------------------------------------------

type OpKind = 'READ' | 'UPDATE';
type MeasuredOp = OpKind | 'TOTAL' | 'READ_ERROR' | 'UPDATE_ERROR';

interface Stall {
  region: number;
  kind: OpKind;
  /** Wall ms the op was sent. */
  since: number;
  /** Client retry granularity after the region is served again, wall ms. */
  retryDelay: number;
}

interface ClientThread {
  stall: Stall | null;
  /** Fractional ops carried to the next tick. */
  carry: number;
}

/** One op's cumulative figures, as go-ycsb prints them. Latencies in microseconds. */
export interface YcsbOpStats {
  name: string;
  takesSec: number;
  count: number;
  avgUs: number;
  minUs: number;
  maxUs: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  p9999: number;
}

export class Workload {
  running = false;
  current: WorkloadSample | null = null;
  perStoreOps: Record<string, number> = {};
  /** Cumulative successful reads/updates since start (for region flow stats). */
  totalReads = 0;
  totalUpdates = 0;

  private threads: ClientThread[] = [];
  private readonly template: LatencyTemplate;
  private hists = new Map<MeasuredOp, LatencyHistogram>();
  private windowHist: LatencyHistogram;
  private windowOps = 0;
  private windowErrors = 0;
  private windowStore: Record<string, number> = {};
  private ticksInWindow = 0;
  private readonly ticksPerWindow: number;

  constructor(
    private readonly speed: number,
    private readonly rng: Rng,
    private readonly cfg: WorkloadConfig = DEFAULT_WORKLOAD
  ) {
    this.template = logNormalTemplate(cfg.medianUs, cfg.sigma);
    this.windowHist = new LatencyHistogram(0);
    this.ticksPerWindow = Math.max(1, Math.round(1000 / cfg.tickMs));
  }

  /** Wall ms of one tick. */
  get tickWallMs(): number {
    return this.cfg.tickMs / this.speed;
  }

  start(now: number): void {
    if (this.running) return;
    this.running = true;
    this.threads = Array.from({ length: this.cfg.threads }, () => ({ stall: null, carry: this.rng.next() }));
    this.hists = new Map();
    this.windowHist = new LatencyHistogram(now);
    this.windowOps = 0;
    this.windowErrors = 0;
    this.windowStore = {};
    this.ticksInWindow = 0;
    this.current = null;
    this.perStoreOps = {};
  }

  stop(): void {
    this.running = false;
    this.threads = [];
  }

  private hist(op: MeasuredOp, createdAt: number): LatencyHistogram {
    let h = this.hists.get(op);
    if (!h) {
      h = new LatencyHistogram(createdAt);
      this.hists.set(op, h);
    }
    return h;
  }

  /**
   * The wall interval [from, to) is not simulated: the clock jumped (the machine slept, NTP
   * stepped it). No ops in it: ops in flight are dropped uncounted; the current second starts
   * afresh at `to`, so the next figure is a whole second of normal work (not a zero or a burst);
   * Takes(s) leaves the gap out, as go-ycsb's monotonic clock does across a suspend, so the
   * cumulative OPS stays a rate of the time the client ran.
   */
  skip(from: number, to: number): void {
    if (!this.running || !(to > from)) return;
    for (const th of this.threads) th.stall = null;
    for (const h of this.hists.values()) h.startedAtWall += to - from;
    this.windowHist = new LatencyHistogram(to);
    this.windowOps = 0;
    this.windowErrors = 0;
    this.windowStore = {};
    this.ticksInWindow = 0;
  }

  /** Sim microseconds elapsed between two wall instants. */
  private simUs(wallMs: number): number {
    return wallMs * this.speed * 1000;
  }

  /** Simulate the wall interval [from, to) (one tick) against the cluster as it is at `to`. */
  tick(from: number, to: number, cluster: WorkloadCluster): void {
    if (!this.running) return;
    const bad: number[] = [];
    const goodByStore: Record<string, number> = {};
    let good = 0;
    for (let r = 0; r < cluster.regionCount; r++) {
      if (cluster.regionServing(r)) {
        good++;
        const s = cluster.regionLeaderName(r);
        goodByStore[s] = (goodByStore[s] ?? 0) + 1;
      } else {
        bad.push(r);
      }
    }
    const badShare = cluster.regionCount === 0 ? 1 : bad.length / cluster.regionCount;
    // Per-tick latency jitter: the whole tick runs a little faster or slower.
    const shift = Math.round((0.06 * this.rng.gaussian()) / LOG_GROWTH);
    const scale = GROWTH ** shift;
    const opWallMs = (this.template.meanUs * scale) / 1000 / this.speed;
    const backoffWall = this.cfg.backoffMs / this.speed;
    let baseOps = 0;

    for (const th of this.threads) {
      let t = from;
      while (t < to) {
        const stall = th.stall;
        if (stall) {
          const deadline = stall.since + backoffWall;
          if (cluster.regionServing(stall.region)) {
            // The client's next retry after the region got a serving leader again.
            const retryAt = Math.max(stall.since, cluster.regionServingSince(stall.region)) + stall.retryDelay;
            if (retryAt <= deadline && retryAt < to) {
              const done = Math.max(retryAt, t);
              const us = this.simUs(done - stall.since) + this.template.meanUs;
              this.recordSuccess(stall.kind, us, cluster.regionLeaderName(stall.region), done);
              th.stall = null;
              t = done;
              continue;
            }
          }
          if (deadline < to) {
            this.recordError(stall.kind, this.simUs(deadline - stall.since), deadline);
            th.stall = null;
            t = deadline;
            continue;
          }
          break;
        }
        const budget = (to - t) / opWallMs + th.carry;
        let ops = Math.floor(budget);
        let hitBad = false;
        if (badShare > 0) {
          const u = 1 - this.rng.next();
          const before = badShare >= 1 ? 0 : Math.floor(Math.log(u) / Math.log(1 - badShare));
          if (before < ops) {
            ops = before;
            hitBad = true;
          }
        }
        baseOps += ops;
        if (!hitBad) {
          th.carry = budget - ops;
          break;
        }
        th.carry = 0;
        t += ops * opWallMs;
        th.stall = {
          region: this.rng.pick(bad),
          kind: this.rng.next() < 0.5 ? 'READ' : 'UPDATE',
          since: t,
          retryDelay: this.rng.uniform(50, 400) / this.speed
        };
      }
    }

    if (baseOps > 0) {
      const reads = Math.floor(baseOps / 2) + (baseOps % 2 === 1 && this.rng.next() < 0.5 ? 1 : 0);
      const updates = baseOps - reads;
      // Histograms are created at their first sample, which happened during this tick.
      this.hist('READ', from).addTemplate(this.template, reads, shift);
      this.hist('UPDATE', from).addTemplate(this.template, updates, shift);
      this.hist('TOTAL', from).addTemplate(this.template, baseOps, shift);
      this.windowHist.addTemplate(this.template, baseOps, shift);
      this.windowOps += baseOps;
      this.totalReads += reads;
      this.totalUpdates += updates;
      if (good > 0) {
        for (const [store, n] of Object.entries(goodByStore)) {
          this.windowStore[store] = (this.windowStore[store] ?? 0) + (baseOps * n) / good;
        }
      }
    }

    this.ticksInWindow++;
    if (this.ticksInWindow >= this.ticksPerWindow) {
      const p99 = this.windowHist.count > 0 ? Math.round(this.windowHist.quantile(0.99) / 10) / 100 : null;
      this.current = {
        t: Math.round(to),
        ops: this.windowOps,
        errors: this.windowErrors,
        p99Ms: p99,
        // A p99 of the last second of cluster time (the figures are told in cluster time).
        latency: p99 === null ? null : { ms: p99, label: 'p99, last 1 s' }
      };
      const perStore: Record<string, number> = {};
      for (const name of cluster.storeNames()) perStore[name] = Math.round(this.windowStore[name] ?? 0);
      this.perStoreOps = perStore;
      this.windowHist = new LatencyHistogram(to);
      this.windowOps = 0;
      this.windowErrors = 0;
      this.windowStore = {};
      this.ticksInWindow = 0;
    }
  }

  private recordSuccess(kind: OpKind, us: number, store: string, at: number): void {
    this.hist(kind, at).add(us);
    this.hist('TOTAL', at).add(us);
    this.windowHist.add(us);
    this.windowOps++;
    this.windowStore[store] = (this.windowStore[store] ?? 0) + 1;
    if (kind === 'READ') this.totalReads++;
    else this.totalUpdates++;
  }

  private recordError(kind: OpKind, us: number, at: number): void {
    this.hist(kind === 'READ' ? 'READ_ERROR' : 'UPDATE_ERROR', at).add(us);
    this.windowErrors++;
  }

  /** go-ycsb's cumulative figures per op at wall time `now`, sorted by name. */
  totals(now: number): YcsbOpStats[] {
    const out: YcsbOpStats[] = [];
    for (const [name, h] of this.hists) {
      if (h.count <= 0) continue;
      out.push({
        name,
        takesSec: ((now - h.startedAtWall) * this.speed) / 1000,
        count: Math.round(h.count),
        // go-ycsb prints int64(mean): truncated, like this. The histogram is never reset
        // (pkg/measurement/histogram.go): every figure here is since the run began.
        avgUs: Math.trunc(h.sumUs / h.count),
        minUs: Math.round(h.minUs),
        maxUs: Math.round(h.maxUs),
        p50: h.quantile(0.5),
        p90: h.quantile(0.9),
        p95: h.quantile(0.95),
        p99: h.quantile(0.99),
        p999: h.quantile(0.999),
        p9999: h.quantile(0.9999)
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/**
 * Render cumulative op figures as go-ycsb's periodic status lines (pkg/measurement), e.g.
 * `READ   - Takes(s): 10.0, Count: 48211, OPS: 4821.1, Avg(us): 1581, Min(us): 402, ...`.
 */
export function formatYcsbLines(stats: readonly YcsbOpStats[]): string[] {
  return [...stats]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => {
      const takes = Math.max(s.takesSec, 0);
      const ops = takes > 0 ? s.count / takes : 0;
      const pairs = [
        `Takes(s): ${takes.toFixed(1)}`,
        `Count: ${s.count}`,
        `OPS: ${ops.toFixed(1)}`,
        `Avg(us): ${s.avgUs}`,
        `Min(us): ${s.minUs}`,
        `Max(us): ${s.maxUs}`,
        `50th(us): ${s.p50}`,
        `90th(us): ${s.p90}`,
        `95th(us): ${s.p95}`,
        `99th(us): ${s.p99}`,
        `99.9th(us): ${s.p999}`,
        `99.99th(us): ${s.p9999}`
      ];
      return `${s.name.padEnd(6)} - ${pairs.join(', ')}`;
    });
}
