// The simulated cluster's functional core: plain state, a time-ordered event queue, and the
// rules PD and TiKV follow. No timers and no I/O: the caller moves time forward with
// `advance(now)` (ms of the driver's clock: "wall ms" below, as against sim ms; the in-process
// driver's clock is steady, see wallOffsetMs) and every rule is evaluated in event order,
// so a given seed and a given sequence of commands and instants always give the same cluster.
//
// Time scale: all PD/TiKV durations are written in real (sim) milliseconds and divided by
// `speed` to get wall milliseconds. Timestamps the API shows (last_heartbeat, start_timestamp)
// are wall-clock times, so a poller compares them with its own clock as it would live: engine
// times moved by `wallOffsetMs`, for a driver whose engine clock is steady (inproc/cluster.ts).
//
// What differs between the two programs that run this core is where store heartbeats and PD
// leadership come from: SimEngine (engine.ts) makes them itself; LinkedEngine
// (linked-engine.ts) learns them from other processes. They fill in the three hooks below.
import type { SimProcess } from '../types';
import { EventQueue } from './event-queue';
import { initialLayout } from './layout';
import {
  SCHEDULE_CONFIG_DEFAULTS,
  TIMINGS,
  catchUpAt,
  memberAlive,
  wallOffsetAfter,
  storeServing,
  wallNs,
  type EngineOptions,
  type MemberState,
  type PeerState,
  type RegionRoute,
  type RegionState,
  type StoreState,
  type StoreStateName
} from './model';
import { Rng } from './rng';
import { DEFAULT_WORKLOAD, Workload, type WorkloadCluster, type YcsbOpStats } from './workload';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Why a PD member stopped answering. */
export type MemberDownCause = 'exit' | 'resign' | 'timeout';

export abstract class EngineCore {
  readonly speed: number;
  now: number;
  readonly stores: StoreState[];
  readonly regions: RegionState[];
  readonly members: MemberState[];
  /** Index into members, or null while there is no PD leader. */
  pdLeader: number | null = null;
  /** Sim ms; settable through POST /config {"max-store-down-time": "1m"}. */
  maxStoreDownTimeMs: number = TIMINGS.maxStoreDownTime;
  /** Other schedule settings accepted by POST /config (kept, not acted upon). */
  readonly scheduleConfig: Record<string, number | string | boolean> = { ...SCHEDULE_CONFIG_DEFAULTS };
  /**
   * PD's replication.max-replicas, as /config and /config/replicate answer it. The layout puts a
   * peer of every region on each of the three stores, and raft elections need 2 of them: 3.
   */
  readonly maxReplicas: number = 3;
  readonly workload: Workload;
  /** Wall ms the simulation started. */
  readonly startedAt: number;
  /** PD's schedulers (balance-leader, evict-stopping-store) act only when true. */
  scheduling = true;
  /** Wall ms minus engine ms as of the last `advance` (model.ts, wallOffsetAfter); 0 on the wall clock. */
  wallOffsetMs = 0;

  protected readonly rng: Rng;
  /** Wall ms of each live store's last heartbeat before the start (by store index). */
  protected readonly lastHeartbeatAtStart: readonly number[];
  private readonly queue = new EventQueue();
  /** The latest wall ms `advance` was asked to reach: how far behind a due rule is (catchUp). */
  private horizon: number;
  private workloadToken = 0;
  private listeners = new Set<(p: SimProcess) => void>();
  private flowMark = { reads: 0, updates: 0 };

  constructor(opts: EngineOptions) {
    if (!(opts.speed > 0) || !Number.isFinite(opts.speed)) throw new Error(`invalid sim speed: ${opts.speed}`);
    this.speed = opts.speed;
    this.now = opts.now;
    this.horizon = opts.now;
    this.startedAt = opts.now;
    const root = new Rng(opts.seed ?? 0x5eed);
    this.rng = root.fork(1);
    const setupRng = root.fork(2);
    this.workload = new Workload(this.speed, root.fork(3), { ...DEFAULT_WORKLOAD, ...opts.workload });

    const layout = initialLayout(opts, this.speed, setupRng);
    this.stores = layout.stores;
    this.regions = layout.regions;
    this.members = layout.members;
    this.lastHeartbeatAtStart = layout.lastHeartbeatAt;
    for (const s of this.stores) if (!s.tombstone) this.refreshStats(s);
    this.pdLeader = layout.pdLeader;

    // PD's schedulers and the regions' flow reports.
    this.schedule(opts.now + setupRng.uniform(0, this.d(TIMINGS.balanceInterval)), () => this.balanceLeaders());
    this.schedule(opts.now + this.d(TIMINGS.regionHeartbeat), () => this.regionHeartbeat());
  }

  // --- the hooks each program fills in ----------------------------------------------------

  /** A TiKV process started (token: its heartbeat generation). */
  protected abstract storeStarted(s: StoreState, token: number): void;
  /** A PD member stopped answering. */
  protected abstract memberDown(m: MemberState, cause: MemberDownCause): void;
  /** A PD member answers again (restart, unpause, heal). */
  protected abstract memberUp(m: MemberState): void;

  // --- time --------------------------------------------------------------------------------

  /** Sim ms -> wall ms. */
  d(simMs: number): number {
    return simMs / this.speed;
  }

  /**
   * Run every event due up to `now` (engine ms), in order. Time never goes backwards. `wall` is
   * the wall clock at the same instant, for the stamps (wallOffsetMs); by default the same.
   */
  advance(now: number, wall: number = now): void {
    if (!Number.isFinite(now)) return; // a broken clock must not run every event there will ever be
    this.wallOffsetMs = wallOffsetAfter(this.wallOffsetMs, wall - now);
    if (now > this.horizon) this.horizon = now;
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.at > now) break;
      this.queue.pop();
      if (next.at > this.now) this.now = next.at;
      next.run();
    }
    if (now > this.now) this.now = now;
  }

  /** Wall ms of the next scheduled event (for a driver that wants to sleep exactly). */
  nextEventAt(): number | null {
    return this.queue.peek()?.at ?? null;
  }

  /** When a periodic rule due at `at` runs: later after a clock jump (model.ts, catchUpAt). */
  protected catchUp(at: number, periodWall: number): number {
    return catchUpAt(at, periodWall, this.horizon, this.speed);
  }

  protected schedule(at: number, run: () => void): void {
    this.queue.push(Math.max(at, this.now), run);
  }

  protected wallNs(wallMs: number): bigint {
    return wallNs(wallMs, this.rng);
  }

  // --- processes ---------------------------------------------------------------------------

  processes(): SimProcess[] {
    return [
      ...this.members.map((m) => this.describe(m.name)),
      ...this.stores.filter((s) => !s.tombstone).map((s) => this.describe(s.name))
    ];
  }

  describe(name: string): SimProcess {
    const m = this.members.find((x) => x.name === name);
    if (m) return { name: m.name, kind: 'pd', state: m.proc, partitioned: m.partitioned };
    const s = this.liveStore(name);
    return { name: s.name, kind: 'tikv', state: s.proc, partitioned: s.partitioned };
  }

  onProcessChange(listener: (p: SimProcess) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit(name: string): void {
    const p = this.describe(name);
    for (const l of [...this.listeners]) {
      try {
        l(p);
      } catch {
        // A listener's failure must not break the simulation.
      }
    }
  }

  protected liveStore(name: string): StoreState {
    const s = this.stores.find((x) => x.name === name && !x.tombstone);
    if (!s) throw new Error(`no such simulated process: ${name}`);
    return s;
  }

  private target(name: string): { kind: 'pd'; m: MemberState } | { kind: 'tikv'; s: StoreState } {
    const m = this.members.find((x) => x.name === name);
    if (m) return { kind: 'pd', m };
    return { kind: 'tikv', s: this.liveStore(name) };
  }

  /** SIGKILL. No-op on an exited process. */
  kill(name: string): void {
    const t = this.target(name);
    if (t.kind === 'pd') {
      if (t.m.proc === 'exited') return;
      const wasAlive = memberAlive(t.m);
      t.m.proc = 'exited';
      t.m.stopping = false;
      if (wasAlive) this.memberDown(t.m, 'exit');
    } else {
      if (t.s.proc === 'exited') return;
      this.exitStore(t.s);
      return;
    }
    this.emit(name);
  }

  /** Graceful stop: a TiKV drains its leaders first, then exits; a PD leader resigns. */
  stop(name: string): void {
    const t = this.target(name);
    if (t.kind === 'pd') {
      const m = t.m;
      if (m.proc === 'exited' || m.stopping) return;
      if (m.proc === 'paused') return this.kill(name);
      m.stopping = true;
      this.schedule(this.now + this.d(TIMINGS.pdStopDelay), () => {
        if (!m.stopping || m.proc === 'exited') return;
        const wasAlive = memberAlive(m);
        m.proc = 'exited';
        m.stopping = false;
        if (wasAlive) this.memberDown(m, 'resign');
        this.emit(m.name);
      });
      return;
    }
    const s = t.s;
    if (s.proc === 'exited' || s.stopping) return;
    // A frozen process cannot run its shutdown hooks: Docker ends up killing it.
    if (s.proc === 'paused') return this.kill(name);
    s.stopping = true;
    s.stopDeadline = this.now + this.d(TIMINGS.gracefulShutdownTimeout);
    const token = s.hbToken;
    this.schedule(this.now + this.d(TIMINGS.drainDelay), () => this.drainStep(s, token));
  }

  /** Docker start of an exited process. No-op on a running or paused one. */
  start(name: string): void {
    const t = this.target(name);
    if (t.kind === 'pd') {
      const m = t.m;
      if (m.proc !== 'exited') return;
      m.proc = 'running';
      m.stopping = false;
      m.startTimestamp = Math.floor(this.now / 1000);
      if (memberAlive(m)) this.memberUp(m);
    } else {
      const s = t.s;
      if (s.proc !== 'exited') return;
      s.proc = 'running';
      s.stopping = false;
      // PutStore at boot: start_timestamp moves at once (so uptime may briefly be <= 0).
      s.startTimestamp = Math.floor(this.now / 1000);
      s.hbToken++;
      this.storeStarted(s, s.hbToken);
    }
    this.emit(name);
  }

  pause(name: string): void {
    const t = this.target(name);
    if (t.kind === 'pd') {
      if (t.m.proc !== 'running') return;
      const wasAlive = memberAlive(t.m);
      t.m.proc = 'paused';
      if (wasAlive) this.memberDown(t.m, 'timeout');
    } else {
      if (t.s.proc !== 'running') return;
      const wasServing = storeServing(t.s);
      t.s.proc = 'paused';
      if (wasServing) this.storeUnreachable(t.s);
    }
    this.emit(name);
  }

  unpause(name: string): void {
    const t = this.target(name);
    if (t.kind === 'pd') {
      if (t.m.proc !== 'paused') return;
      t.m.proc = 'running';
      if (memberAlive(t.m)) this.memberUp(t.m);
    } else {
      if (t.s.proc !== 'paused') return;
      t.s.proc = 'running';
      if (storeServing(t.s)) this.storeBack(t.s);
    }
    this.emit(name);
  }

  partition(name: string): void {
    const t = this.target(name);
    if (t.kind === 'pd') {
      if (t.m.partitioned) return;
      const wasAlive = memberAlive(t.m);
      t.m.partitioned = true;
      if (wasAlive) this.memberDown(t.m, 'timeout');
    } else {
      if (t.s.partitioned) return;
      const wasServing = storeServing(t.s);
      t.s.partitioned = true;
      if (wasServing) this.storeUnreachable(t.s);
    }
    this.emit(name);
  }

  heal(name: string): void {
    const t = this.target(name);
    if (t.kind === 'pd') {
      if (!t.m.partitioned) return;
      t.m.partitioned = false;
      if (memberAlive(t.m)) this.memberUp(t.m);
    } else {
      if (!t.s.partitioned) return;
      t.s.partitioned = false;
      if (storeServing(t.s)) this.storeBack(t.s);
    }
    this.emit(name);
  }

  /** Leader count of one store in PD's region cache. */
  storeLeaderCount(name: string): number {
    const s = this.liveStore(name);
    return this.regions.reduce((n, r) => (r.leader === s.index ? n + 1 : n), 0);
  }

  /** The routing table, as a client would get it from this PD. */
  route(): RegionRoute[] {
    return this.regions.map((r) => ({
      leader: this.stores[r.leader]?.name ?? '',
      serving: this.regionServing(r),
      since: r.servingSince
    }));
  }

  // --- TiKV rules --------------------------------------------------------------------------

  /** A store heartbeat reaches PD: it lands when the store serves and PD has a leader. */
  protected landHeartbeat(s: StoreState): void {
    if (storeServing(s) && this.pdLeader !== null) {
      s.lastHeartbeatNs = this.wallNs(this.now);
      this.refreshStats(s);
    }
  }

  private refreshStats(s: StoreState): void {
    const regionMiB = this.regions.filter((r) => r.peers.some((p) => p.store === s.index)).reduce((a, r) => a + r.sizeMiB, 0);
    const growth = (this.workload.totalUpdates * 120) / MIB;
    const usedMiB = 180 + regionMiB + s.index * 3.1 + growth + this.rng.uniform(0, 0.4);
    s.usedBytes = usedMiB * MIB;
    s.availableBytes = s.capacityBytes - 17.25 * GIB - s.usedBytes;
  }

  /** The store's process died (kill, or the end of a graceful stop). */
  protected exitStore(s: StoreState): void {
    s.proc = 'exited';
    s.stopping = false;
    s.hbToken++;
    for (const r of this.regions) {
      if (r.leader !== s.index) continue;
      r.leaderLost = true;
      this.scheduleElection(r, TIMINGS.electionMin, TIMINGS.electionMax);
    }
    this.emit(s.name);
  }

  /** Paused or cut off: peers notice only by timeouts (counted from `since`, wall ms). */
  protected storeUnreachable(s: StoreState, since: number = this.now): void {
    for (const r of this.regions) {
      if (r.leader === s.index && !r.leaderLost) {
        this.scheduleElection(r, TIMINGS.timeoutElectionMin, TIMINGS.timeoutElectionMax, since);
      }
    }
  }

  /** Unpaused or reconnected before its leaders were replaced: they serve again. */
  protected storeBack(s: StoreState): void {
    for (const r of this.regions) {
      if (r.leader === s.index && !r.leaderLost) {
        r.servingSince = this.now;
        r.electionAt = null;
        r.electionToken++;
      }
    }
  }

  protected scheduleElection(r: RegionState, minMs: number, maxMs: number, from: number = this.now): void {
    const delay = this.d(this.rng.uniform(minMs, maxMs));
    // Campaigns without a quorum retry every 10-20 s: after a clock jump, only the last counts.
    const at = this.catchUp(Math.max(this.now, Math.min(from, this.now) + delay), delay);
    if (r.electionAt !== null && r.electionAt <= at) return;
    r.electionAt = at;
    const token = ++r.electionToken;
    this.schedule(at, () => this.election(r, token));
  }

  private election(r: RegionState, token: number): void {
    if (token !== r.electionToken) return;
    r.electionAt = null;
    const current = this.stores[r.leader];
    if (!r.leaderLost && current && storeServing(current)) return;
    const alive = r.peers.map((p) => this.stores[p.store]).filter((s): s is StoreState => !!s && storeServing(s));
    const candidates = alive.filter((s) => !s.stopping && s.index !== r.leader);
    if (alive.length * 2 <= r.peers.length || candidates.length === 0) {
      // No quorum (or nobody to lead): raft keeps campaigning.
      this.scheduleElection(r, TIMINGS.electionMin, TIMINGS.electionMax);
      return;
    }
    r.leader = this.rng.pick(candidates).index;
    r.leaderLost = false;
    r.servingSince = this.now;
  }

  /** A client can be served: the leader is up and still has a quorum of its peers. */
  regionServing(r: RegionState): boolean {
    const s = this.stores[r.leader];
    if (r.leaderLost || !s || !storeServing(s)) return false;
    let alive = 0;
    for (const p of r.peers) {
      const ps = this.stores[p.store];
      if (ps && storeServing(ps)) alive++;
    }
    return alive * 2 > r.peers.length;
  }

  // --- PD's schedulers ---------------------------------------------------------------------

  /** evict-stopping-store: moves a stopping store's leaders away, then lets it exit. */
  private drainStep(s: StoreState, token: number): void {
    if (token !== s.hbToken || !s.stopping || s.proc === 'exited') return;
    const led = this.regions.filter((r) => r.leader === s.index);
    if (led.length === 0) {
      this.schedule(this.now + this.d(TIMINGS.exitAfterDrain), () => {
        if (token === s.hbToken && s.stopping && s.proc !== 'exited') this.exitStore(s);
      });
      return;
    }
    if (this.now >= s.stopDeadline) {
      this.exitStore(s);
      return;
    }
    if (storeServing(s) && this.pdLeader !== null && this.scheduling) {
      const targets = this.stores.filter((x) => x !== s && !x.tombstone && storeServing(x) && !x.stopping);
      let moved = 0;
      for (const r of led) {
        if (moved >= TIMINGS.drainBatch || targets.length === 0) break;
        if (!this.regionServing(r)) continue;
        const counts = this.leaderCounts();
        const to = targets.reduce((a, b) => ((counts[b.index] ?? 0) < (counts[a.index] ?? 0) ? b : a));
        r.leader = to.index;
        moved++;
      }
    }
    this.schedule(this.now + this.d(TIMINGS.drainInterval), () => this.drainStep(s, token));
  }

  /** PD's balance-leader: small batches from the most to the least loaded Up store. */
  private balanceLeaders(): void {
    const every = this.d(TIMINGS.balanceInterval);
    this.schedule(this.catchUp(this.now + every, every), () => this.balanceLeaders());
    if (this.pdLeader === null || !this.scheduling) return;
    const candidates = this.stores.filter(
      (s) => !s.tombstone && storeServing(s) && !s.stopping && this.storeStateName(s) === 'Up'
    );
    if (candidates.length < 2) return;
    for (let i = 0; i < TIMINGS.balanceBatch; i++) {
      const counts = this.leaderCounts();
      const load = (s: StoreState): number => counts[s.index] ?? 0;
      const src = candidates.reduce((a, b) => (load(b) > load(a) ? b : a));
      const dst = candidates.reduce((a, b) => (load(b) < load(a) ? b : a));
      if (load(src) - load(dst) <= 1) break;
      const movable = this.regions.filter((r) => r.leader === src.index && this.regionServing(r));
      if (movable.length === 0) break;
      this.rng.pick(movable).leader = dst.index;
    }
  }

  private regionHeartbeat(): void {
    const every = this.d(TIMINGS.regionHeartbeat);
    this.schedule(this.catchUp(this.now + every, every), () => this.regionHeartbeat());
    const w = this.workload;
    const reads = w.totalReads - this.flowMark.reads;
    const updates = w.totalUpdates - this.flowMark.updates;
    this.flowMark = { reads: w.totalReads, updates: w.totalUpdates };
    const serving = this.regions.filter((r) => this.regionServing(r));
    for (const r of serving) {
      const rk = Math.max(0, Math.round((reads / serving.length) * (0.8 + 0.4 * this.rng.next())));
      const wk = Math.max(0, Math.round((updates / serving.length) * (0.8 + 0.4 * this.rng.next())));
      r.readKeys = rk;
      r.writtenKeys = wk;
      r.readBytes = rk * 1046;
      r.writtenBytes = wk * 1046;
    }
  }

  // --- PD's view ---------------------------------------------------------------------------

  /** The PD leader's name, or null during an election / without quorum. */
  pdLeaderName(): string | null {
    return this.pdLeader === null ? null : (this.members[this.pdLeader]?.name ?? null);
  }

  /** What a /ping to this member would say: it answers when running and reachable. */
  memberHealthy(m: MemberState): boolean {
    return memberAlive(m);
  }

  /** Leader count per store index, from PD's region cache. */
  leaderCounts(): number[] {
    const counts = this.stores.map(() => 0);
    for (const r of this.regions) counts[r.leader] = (counts[r.leader] ?? 0) + 1;
    return counts;
  }

  /** Wall ms of the store's last heartbeat (sub-ms precision kept). */
  lastHeartbeatMs(s: StoreState): number {
    return Number(s.lastHeartbeatNs / 1000n) / 1000;
  }

  /** BuildStoreInfo: only an Up store is overridden with Down / Disconnected. */
  storeStateName(s: StoreState): StoreStateName {
    if (s.tombstone) return 'Tombstone';
    const gap = this.now - this.lastHeartbeatMs(s);
    if (gap > this.d(this.maxStoreDownTimeMs)) return 'Down';
    if (gap > this.d(TIMINGS.storeDisconnect)) return 'Disconnected';
    return 'Up';
  }

  /** Down peers of a region as its leader reports them (after max-peer-down-duration). */
  downPeers(r: RegionState): { peer: PeerState; downSeconds: number }[] {
    const out: { peer: PeerState; downSeconds: number }[] = [];
    for (const p of r.peers) {
      const s = this.stores[p.store];
      if (!s || storeServing(s)) continue;
      const gapWall = this.now - this.lastHeartbeatMs(s);
      if (gapWall > this.d(TIMINGS.maxPeerDownDuration)) {
        out.push({ peer: p, downSeconds: Math.floor((gapWall * this.speed) / 1000) });
      }
    }
    return out;
  }

  /** Set max-store-down-time (sim ms), as POST /config does. */
  setMaxStoreDownTime(simMs: number): void {
    this.maxStoreDownTimeMs = simMs;
  }

  // --- workload ----------------------------------------------------------------------------

  startWorkload(): void {
    if (this.workload.running) return;
    this.workload.start(this.now);
    const token = ++this.workloadToken;
    const adapter = this.workloadCluster();
    const tick = (due: number): void => {
      const step = this.workload.tickWallMs;
      // After a clock jump the client does not replay the gap: it resumes near the target, as a
      // workload on a suspended machine would.
      const from = this.catchUp(due, step);
      if (from !== due) this.workload.skip(due, from);
      const to = from + step;
      this.schedule(to, () => {
        if (token !== this.workloadToken) return;
        this.workload.tick(from, to, adapter);
        tick(to);
      });
    };
    tick(this.now);
  }

  stopWorkload(): void {
    if (!this.workload.running) return;
    this.workloadToken++;
    this.workload.stop();
  }

  /** go-ycsb's cumulative per-op figures as of now. */
  ycsbTotals(): YcsbOpStats[] {
    return this.workload.totals(this.now);
  }

  private workloadCluster(): WorkloadCluster {
    return {
      regionCount: this.regions.length,
      regionServing: (i) => {
        const r = this.regions[i];
        return !!r && this.regionServing(r);
      },
      regionServingSince: (i) => this.regions[i]?.servingSince ?? this.now,
      regionLeaderName: (i) => this.stores[this.regions[i]?.leader ?? 0]?.name ?? '',
      storeNames: () => this.stores.filter((s) => !s.tombstone).map((s) => s.name)
    };
  }
}
