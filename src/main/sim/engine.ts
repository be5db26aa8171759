// The simulated cluster's functional core: plain state, a time-ordered event queue, and
// commands. No timers and no I/O: the caller moves time forward with `advance(now)` (wall ms,
// from an injectable clock) and every rule below is evaluated in event order, so a given seed
// and a given sequence of commands and instants always give the same cluster.
//
// Time scale: all PD/TiKV durations are written in real (sim) milliseconds and divided by
// `speed` to get wall milliseconds. Timestamps the API shows (last_heartbeat, start_timestamp)
// are wall-clock times, so a poller compares them with its own clock as it would live.
import type { SimProcess } from './types';
import { Rng } from './rng';
import { DEFAULT_WORKLOAD, Workload, type WorkloadCluster, type WorkloadConfig, type YcsbOpStats } from './workload';

export type ProcState = 'running' | 'exited' | 'paused';

/** PD's computed store state (`state_name`). */
export type StoreStateName = 'Up' | 'Disconnected' | 'Down' | 'Offline' | 'Tombstone';

/** PD and TiKV timings in sim milliseconds (PD v8.5 / TiKV v8.5 defaults where they exist). */
export const TIMINGS = {
  storeHeartbeat: 10_000,
  storeDisconnect: 20_000,
  maxStoreDownTime: 30 * 60_000,
  /** Raft election after a peer's connection is reset (kill): randomized [10, 20) s. */
  electionMin: 10_000,
  electionMax: 20_000,
  /** Pause / partition: peers notice only through timeouts. */
  timeoutElectionMin: 15_000,
  timeoutElectionMax: 35_000,
  /** A started TiKV's first store heartbeat reaches PD ~10 s after start. */
  firstHeartbeat: 10_000,
  firstHeartbeatJitter: 1_000,
  /** balance-leader: up to `balanceBatch` transfers every `balanceInterval`. */
  balanceInterval: 5_000,
  balanceBatch: 4,
  /** evict-stopping-store during a graceful stop. */
  drainDelay: 500,
  drainInterval: 1_000,
  drainBatch: 4,
  exitAfterDrain: 500,
  gracefulShutdownTimeout: 20_000,
  /** etcd election + PD leader lease after losing the PD leader. */
  pdElectionMin: 3_000,
  pdElectionMax: 7_000,
  /** A PD leader that exits gracefully resigns: quicker hand-over. */
  pdResignMin: 1_000,
  pdResignMax: 3_000,
  pdStopDelay: 300,
  regionHeartbeat: 60_000,
  maxPeerDownDuration: 10 * 60_000
} as const;

export interface EngineOptions {
  /** Time scale: 1 = real PD timings. */
  speed: number;
  /** Wall ms at which the simulation starts. */
  now: number;
  seed?: number;
  /** Number of regions (default 36). */
  regionCount?: number;
  /** Add a decommissioned store (id 2, tikv3:20160) in Tombstone state. */
  tombstoneStore?: boolean;
  workload?: Partial<WorkloadConfig>;
  /**
   * Heartbeat-driven mode (one PD process per container): store heartbeats, store liveness
   * and PD leadership come from outside (storeHeartbeat, storeLinked, storeLinkLost,
   * setPdLeader, setMemberAlive) instead of being scheduled here. Raft elections, PD's
   * schedulers and the derived states keep the rules of the default mode.
   */
  external?: boolean;
}

/** What a PD leader replicates to its followers (heartbeat-driven mode). Plain JSON. */
export interface EngineReplica {
  stores: { name: string; startTimestamp: number; lastHeartbeatNs: string; usedBytes: number; availableBytes: number }[];
  regions: { id: number; leader: string; leaderLost: boolean }[];
  maxStoreDownTimeMs: number;
  scheduleConfig: Record<string, number | string | boolean>;
}

/** The routing table a client needs: who leads each region, and whether it can serve. */
export interface RegionRoute {
  leader: string;
  serving: boolean;
  /** Wall ms since which the region has been served by this leader. */
  since: number;
}

export interface StoreState {
  index: number;
  id: number;
  name: string;
  address: string;
  statusAddress: string;
  tombstone: boolean;
  proc: ProcState;
  partitioned: boolean;
  stopping: boolean;
  /** Unix seconds of the last (re)start. */
  startTimestamp: number;
  /** Unix nanoseconds of the last heartbeat PD received. */
  lastHeartbeatNs: bigint;
  /** Stats as of the last heartbeat (frozen while the store is dead). */
  capacityBytes: number;
  availableBytes: number;
  usedBytes: number;
  hbToken: number;
  stopDeadline: number;
}

export interface PeerState {
  id: number;
  store: number;
}

export interface RegionState {
  id: number;
  startKey: string;
  endKey: string;
  confVer: number;
  version: number;
  peers: PeerState[];
  /** Store index of the leader as PD knows it. */
  leader: number;
  /** The leader's process died: no leader until a new one is elected. */
  leaderLost: boolean;
  servingSince: number;
  electionAt: number | null;
  electionToken: number;
  sizeMiB: number;
  keys: number;
  writtenBytes: number;
  readBytes: number;
  writtenKeys: number;
  readKeys: number;
}

export interface MemberState {
  index: number;
  name: string;
  memberId: bigint;
  proc: ProcState;
  partitioned: boolean;
  stopping: boolean;
  /** Unix seconds of the last (re)start. */
  startTimestamp: number;
}

interface SimEvent {
  at: number;
  seq: number;
  run: () => void;
}

export const STORE_DEFS = [
  { name: 'tikv0', id: 1 },
  { name: 'tikv1', id: 4 },
  { name: 'tikv2', id: 5 }
] as const;

/** Member ids from the reference fixtures: all above 2^53, two above 2^63. */
export const PD_DEFS = [
  { name: 'pd0', memberId: 3474484975246189105n },
  { name: 'pd1', memberId: 12818309996638325969n },
  { name: 'pd2', memberId: 9624541275104361583n }
] as const;

export const CLUSTER_ID = 7452180154224557728n;

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export class SimEngine {
  readonly speed: number;
  now: number;
  readonly stores: StoreState[] = [];
  readonly regions: RegionState[] = [];
  readonly members: MemberState[] = [];
  /** Index into members, or null while there is no PD leader. */
  pdLeader: number | null = null;
  /** Sim ms; settable through POST /config {"max-store-down-time": "1m"}. */
  maxStoreDownTimeMs: number = TIMINGS.maxStoreDownTime;
  /** Other schedule settings accepted by POST /config (kept, not acted upon). */
  readonly scheduleConfig: Record<string, number | string | boolean> = {
    'max-merge-region-size': 54,
    'max-merge-region-keys': 540000,
    'split-merge-interval': '1h0m0s',
    'leader-schedule-limit': 4,
    'region-schedule-limit': 2048,
    'replica-schedule-limit': 64,
    'max-snapshot-count': 64,
    'max-pending-peer-count': 64,
    'enable-cross-table-merge': 'true'
  };
  readonly workload: Workload;
  /** Wall ms the simulation started. */
  readonly startedAt: number;
  /** Heartbeat-driven mode (see EngineOptions.external). */
  readonly external: boolean;
  /**
   * PD's schedulers (balance-leader, evict-stopping-store) act only when true: always in the
   * default mode; in heartbeat-driven mode only on the PD that is the leader.
   */
  scheduling = true;

  private readonly rng: Rng;
  private readonly queue: SimEvent[] = [];
  private seq = 0;
  private pdElectionAt: number | null = null;
  private pdElectionToken = 0;
  /** A leader that vanished by pause/partition (not by exit): it may resume before the vote. */
  private pdFormerLeader: number | null = null;
  private workloadToken = 0;
  private listeners = new Set<(p: SimProcess) => void>();
  private flowMark = { reads: 0, updates: 0 };

  constructor(opts: EngineOptions) {
    if (!(opts.speed > 0) || !Number.isFinite(opts.speed)) throw new Error(`invalid sim speed: ${opts.speed}`);
    this.speed = opts.speed;
    this.external = opts.external ?? false;
    if (this.external) this.scheduling = false;
    this.now = opts.now;
    this.startedAt = opts.now;
    const root = new Rng(opts.seed ?? 0x5eed);
    this.rng = root.fork(1);
    const setupRng = root.fork(2);
    this.workload = new Workload(this.speed, root.fork(3), { ...DEFAULT_WORKLOAD, ...opts.workload });

    const nowSec = Math.floor(opts.now / 1000);
    // Stores: started half an hour ago, each heartbeating with its own phase.
    STORE_DEFS.forEach((def, index) => {
      const phase = setupRng.uniform(0, TIMINGS.storeHeartbeat) / this.speed;
      const lastHb = opts.now - phase;
      const store: StoreState = {
        index,
        id: def.id,
        name: def.name,
        address: `${def.name}:20160`,
        statusAddress: `${def.name}:20180`,
        tombstone: false,
        proc: 'running',
        partitioned: false,
        stopping: false,
        startTimestamp: nowSec - 1800 - index,
        lastHeartbeatNs: this.wallNs(lastHb, setupRng),
        capacityBytes: 58.37 * GIB,
        availableBytes: 0,
        usedBytes: 0,
        hbToken: 0,
        stopDeadline: 0
      };
      this.stores.push(store);
      if (!this.external) this.schedule(lastHb + this.d(TIMINGS.storeHeartbeat), () => this.heartbeat(store, store.hbToken));
    });
    if (opts.tombstoneStore) {
      this.stores.push({
        index: this.stores.length,
        id: 2,
        name: 'tikv3',
        address: 'tikv3:20160',
        statusAddress: 'tikv3:20180',
        tombstone: true,
        proc: 'exited',
        partitioned: false,
        stopping: false,
        startTimestamp: nowSec - 86400,
        lastHeartbeatNs: this.wallNs(opts.now - 7200_000, setupRng),
        capacityBytes: 58.37 * GIB,
        availableBytes: 41.2 * GIB,
        usedBytes: 0,
        hbToken: 0,
        stopDeadline: 0
      });
    }

    // Regions: split points spread over go-ycsb's raw key space; one peer per live store.
    const live = this.stores.filter((s) => !s.tombstone);
    const count = opts.regionCount ?? 36;
    const splitKey = (i: number): string =>
      i <= 0 || i >= count ? '' : `usertable:user${String(10 + Math.floor((i * 90) / count)).padStart(2, '0')}`;
    let nextId = 6;
    for (let i = 0; i < count; i++) {
      const id = i === 0 ? 2 : nextId++;
      const peers = live.map((s) => ({ id: i === 0 && s.index === 0 ? 3 : nextId++, store: s.index }));
      const sizeMiB = 3 + setupRng.int(2);
      this.regions.push({
        id,
        startKey: splitKey(i),
        endKey: splitKey(i + 1),
        confVer: 5,
        version: 3 + i,
        peers,
        leader: live[i % live.length]?.index ?? 0,
        leaderLost: false,
        servingSince: opts.now,
        electionAt: null,
        electionToken: 0,
        sizeMiB,
        keys: Math.round((sizeMiB * MIB) / 1100) + setupRng.int(200),
        writtenBytes: 0,
        readBytes: 0,
        writtenKeys: 0,
        readKeys: 0
      });
    }
    for (const s of live) this.refreshStats(s);

    PD_DEFS.forEach((def, index) => {
      this.members.push({
        index,
        name: def.name,
        memberId: def.memberId,
        proc: 'running',
        partitioned: false,
        stopping: false,
        startTimestamp: nowSec - 1805 + index
      });
    });
    this.pdLeader = setupRng.int(this.members.length);
    if (this.external) this.pdLeader = null;

    // PD's schedulers and the regions' flow reports.
    this.schedule(opts.now + setupRng.uniform(0, this.d(TIMINGS.balanceInterval)), () => this.balanceLeaders());
    this.schedule(opts.now + this.d(TIMINGS.regionHeartbeat), () => this.regionHeartbeat());
  }

  // --- time --------------------------------------------------------------------------------

  /** Sim ms -> wall ms. */
  d(simMs: number): number {
    return simMs / this.speed;
  }

  /** Run every event due up to `now` (wall ms), in order. Time never goes backwards. */
  advance(now: number): void {
    for (;;) {
      const next = this.queue[0];
      if (!next || next.at > now) break;
      this.pop();
      if (next.at > this.now) this.now = next.at;
      next.run();
    }
    if (now > this.now) this.now = now;
  }

  /** Wall ms of the next scheduled event (for a driver that wants to sleep exactly). */
  nextEventAt(): number | null {
    return this.queue[0]?.at ?? null;
  }

  private schedule(at: number, run: () => void): void {
    const ev: SimEvent = { at: Math.max(at, this.now), seq: this.seq++, run };
    const q = this.queue;
    q.push(ev);
    let i = q.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = q[p] as SimEvent;
      if (!before(ev, parent)) break;
      q[i] = parent;
      i = p;
    }
    q[i] = ev;
  }

  private pop(): void {
    const q = this.queue;
    const last = q.pop();
    if (!last || q.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mEv = last;
      const lEv = q[l];
      const rEv = q[r];
      if (lEv && before(lEv, mEv)) {
        m = l;
        mEv = lEv;
      }
      if (rEv && before(rEv, mEv)) {
        m = r;
        mEv = rEv;
      }
      if (m === i) break;
      q[i] = mEv;
      i = m;
    }
    q[i] = last;
  }

  private wallNs(wallMs: number, rng: Rng = this.rng): bigint {
    return BigInt(Math.floor(wallMs * 1000)) * 1000n + BigInt(rng.int(1000));
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

  private emit(name: string): void {
    const p = this.describe(name);
    for (const l of [...this.listeners]) {
      try {
        l(p);
      } catch {
        // A listener's failure must not break the simulation.
      }
    }
  }

  private liveStore(name: string): StoreState {
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
      const token = s.hbToken;
      if (!this.external) {
        const first = this.now + this.d(TIMINGS.firstHeartbeat + this.rng.uniform(0, TIMINGS.firstHeartbeatJitter));
        this.schedule(first, () => this.heartbeat(s, token));
      }
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

  // --- heartbeat-driven mode (one process per container) ------------------------------------
  // A PD process learns about TiKV processes only through their links: a link that closes
  // without a goodbye is a process that died (kill: peers' connections reset at once); a link
  // that goes silent is a frozen or cut-off process (peers notice by timeouts only).

  private requireExternal(what: string): void {
    if (!this.external) throw new Error(`${what} is for the heartbeat-driven mode`);
  }

  /** A store heartbeat reached this PD: it lands when the store serves and PD has a leader. */
  storeHeartbeat(name: string): void {
    this.requireExternal('storeHeartbeat');
    const s = this.liveStore(name);
    if (storeServing(s) && this.pdLeader !== null) {
      s.lastHeartbeatNs = this.wallNs(this.now);
      this.refreshStats(s);
    }
  }

  /**
   * A TiKV process (re)linked to this PD. `restarted`: it is a new process (a start after an
   * exit, or a restart this PD did not see): PutStore moves start_timestamp at once, and the
   * store has 0 leaders until balance-leader moves some back. Otherwise the same process is
   * reachable again (unpause, reconnect), and leaders it still holds serve again.
   */
  storeLinked(name: string, startTimestamp: number, restarted: boolean): void {
    this.requireExternal('storeLinked');
    const s = this.liveStore(name);
    if (restarted || s.proc === 'exited') {
      if (s.proc !== 'exited') this.exitStore(s);
      s.proc = 'running';
      s.partitioned = false;
      s.stopping = false;
      s.startTimestamp = startTimestamp;
      s.hbToken++;
      this.emit(name);
      return;
    }
    s.startTimestamp = startTimestamp;
    if (s.proc === 'paused' || s.partitioned) {
      s.proc = 'running';
      s.partitioned = false;
      if (storeServing(s)) this.storeBack(s);
      this.emit(name);
    }
  }

  /**
   * The store's link to this PD is gone. 'exit': the process died or said goodbye (kill or the
   * end of a stop). 'timeout': it went silent at wall ms `since` (pause, network cut).
   */
  storeLinkLost(name: string, cause: 'exit' | 'timeout', since: number = this.now): void {
    this.requireExternal('storeLinkLost');
    const s = this.liveStore(name);
    if (cause === 'exit') {
      if (s.proc !== 'exited') this.exitStore(s);
      return;
    }
    if (!storeServing(s)) return;
    s.partitioned = true;
    this.storeUnreachable(s, since);
    this.emit(name);
  }

  /** Heartbeat-driven mode: the PD leader as the PD processes agreed on it (null: none). */
  setPdLeader(name: string | null): void {
    this.requireExternal('setPdLeader');
    const index = name === null ? -1 : this.members.findIndex((m) => m.name === name);
    this.pdLeader = index < 0 ? null : index;
  }

  /** Heartbeat-driven mode: whether a PD member answers this process's pings. */
  setMemberAlive(name: string, alive: boolean): void {
    this.requireExternal('setMemberAlive');
    const m = this.members.find((x) => x.name === name);
    if (!m) return;
    const proc: ProcState = alive ? 'running' : 'exited';
    if (m.proc === proc && !m.partitioned) return;
    m.proc = proc;
    m.partitioned = false;
    this.emit(name);
  }

  /** Leader count of one store in PD's region cache. */
  storeLeaderCount(name: string): number {
    const s = this.liveStore(name);
    return this.regions.reduce((n, r) => (r.leader === s.index ? n + 1 : n), 0);
  }

  /** What the PD leader replicates to its followers. */
  exportReplica(): EngineReplica {
    return {
      stores: this.stores
        .filter((s) => !s.tombstone)
        .map((s) => ({
          name: s.name,
          startTimestamp: s.startTimestamp,
          lastHeartbeatNs: s.lastHeartbeatNs.toString(),
          usedBytes: s.usedBytes,
          availableBytes: s.availableBytes
        })),
      regions: this.regions.map((r) => ({ id: r.id, leader: this.stores[r.leader]?.name ?? '', leaderLost: r.leaderLost })),
      maxStoreDownTimeMs: this.maxStoreDownTimeMs,
      scheduleConfig: { ...this.scheduleConfig }
    };
  }

  /**
   * A follower mirrors its leader's region cache and the newest heartbeat facts. Its own view
   * of which stores are alive stays its own: a region whose leader this process sees dead keeps
   * (or gets) a pending election, so that it is ready if it becomes the leader.
   */
  applyReplica(rep: EngineReplica): void {
    this.requireExternal('applyReplica');
    for (const rs of rep.stores) {
      const s = this.stores.find((x) => x.name === rs.name && !x.tombstone);
      if (!s) continue;
      let hb: bigint;
      try {
        hb = BigInt(rs.lastHeartbeatNs);
      } catch {
        continue;
      }
      if (hb > s.lastHeartbeatNs) {
        s.lastHeartbeatNs = hb;
        s.usedBytes = rs.usedBytes;
        s.availableBytes = rs.availableBytes;
      }
      if (rs.startTimestamp > s.startTimestamp) s.startTimestamp = rs.startTimestamp;
    }
    for (const rr of rep.regions) {
      const r = this.regions.find((x) => x.id === rr.id);
      const leader = this.stores.find((x) => x.name === rr.leader && !x.tombstone);
      if (!r || !leader) continue;
      if (r.leader !== leader.index || r.leaderLost !== rr.leaderLost) {
        if (r.leader !== leader.index || !rr.leaderLost) r.servingSince = this.now;
        r.leader = leader.index;
        r.leaderLost = rr.leaderLost;
      }
      if (r.electionAt !== null) continue;
      if (r.leaderLost || leader.proc === 'exited') {
        r.leaderLost = true;
        this.scheduleElection(r, TIMINGS.electionMin, TIMINGS.electionMax);
      } else if (!storeServing(leader)) {
        this.scheduleElection(r, TIMINGS.timeoutElectionMin, TIMINGS.timeoutElectionMax);
      }
    }
    if (rep.maxStoreDownTimeMs > 0) this.maxStoreDownTimeMs = rep.maxStoreDownTimeMs;
    for (const [k, v] of Object.entries(rep.scheduleConfig)) {
      if (k in this.scheduleConfig) this.scheduleConfig[k] = v;
    }
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

  private heartbeat(s: StoreState, token: number): void {
    if (token !== s.hbToken || s.proc === 'exited') return;
    if (storeServing(s) && this.pdLeader !== null) {
      s.lastHeartbeatNs = this.wallNs(this.now);
      this.refreshStats(s);
    }
    this.schedule(this.now + this.d(TIMINGS.storeHeartbeat), () => this.heartbeat(s, token));
  }

  private refreshStats(s: StoreState): void {
    const regionMiB = this.regions.filter((r) => r.peers.some((p) => p.store === s.index)).reduce((a, r) => a + r.sizeMiB, 0);
    const growth = (this.workload.totalUpdates * 120) / MIB;
    const usedMiB = 180 + regionMiB + s.index * 3.1 + growth + this.rng.uniform(0, 0.4);
    s.usedBytes = usedMiB * MIB;
    s.availableBytes = s.capacityBytes - 17.25 * GIB - s.usedBytes;
  }

  /** The store's process died (kill, or the end of a graceful stop). */
  private exitStore(s: StoreState): void {
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
  private storeUnreachable(s: StoreState, since: number = this.now): void {
    for (const r of this.regions) {
      if (r.leader === s.index && !r.leaderLost) {
        this.scheduleElection(r, TIMINGS.timeoutElectionMin, TIMINGS.timeoutElectionMax, since);
      }
    }
  }

  /** Unpaused or reconnected before its leaders were replaced: they serve again. */
  private storeBack(s: StoreState): void {
    for (const r of this.regions) {
      if (r.leader === s.index && !r.leaderLost) {
        r.servingSince = this.now;
        r.electionAt = null;
        r.electionToken++;
      }
    }
  }

  private scheduleElection(r: RegionState, minMs: number, maxMs: number, from: number = this.now): void {
    const at = Math.max(this.now, Math.min(from, this.now) + this.d(this.rng.uniform(minMs, maxMs)));
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
    this.schedule(this.now + this.d(TIMINGS.balanceInterval), () => this.balanceLeaders());
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
    this.schedule(this.now + this.d(TIMINGS.regionHeartbeat), () => this.regionHeartbeat());
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

  // --- PD members --------------------------------------------------------------------------

  private hasQuorum(): boolean {
    return this.members.filter(memberAlive).length * 2 > this.members.length;
  }

  private memberDown(m: MemberState, cause: 'exit' | 'resign' | 'timeout'): void {
    if (this.external) return;
    if (this.pdLeader === m.index) {
      this.pdLeader = null;
      this.pdFormerLeader = cause === 'timeout' ? m.index : null;
      const [lo, hi] =
        cause === 'resign' ? [TIMINGS.pdResignMin, TIMINGS.pdResignMax] : [TIMINGS.pdElectionMin, TIMINGS.pdElectionMax];
      this.schedulePdElection(lo, hi);
    }
    if (!this.hasQuorum()) {
      // The leader steps down without a quorum; nobody can be elected.
      this.pdLeader = null;
      this.pdElectionAt = null;
      this.pdElectionToken++;
    }
  }

  private memberUp(m: MemberState): void {
    if (this.external || this.pdLeader !== null) return;
    if (this.pdElectionAt !== null && this.pdFormerLeader === m.index) {
      // Back before the others' election finished: its lease still holds.
      this.pdLeader = m.index;
      this.pdFormerLeader = null;
      this.pdElectionAt = null;
      this.pdElectionToken++;
      return;
    }
    // A restarted member rejoins as a follower; a regained quorum elects a leader.
    if (this.pdElectionAt === null && this.hasQuorum()) {
      this.schedulePdElection(TIMINGS.pdElectionMin, TIMINGS.pdElectionMax);
    }
  }

  private schedulePdElection(minMs: number, maxMs: number): void {
    if (!this.hasQuorum()) return;
    const at = this.now + this.d(this.rng.uniform(minMs, maxMs));
    if (this.pdElectionAt !== null && this.pdElectionAt <= at) return;
    this.pdElectionAt = at;
    const token = ++this.pdElectionToken;
    this.schedule(at, () => {
      if (token !== this.pdElectionToken) return;
      this.pdElectionAt = null;
      this.pdFormerLeader = null;
      if (this.pdLeader !== null || !this.hasQuorum()) return;
      this.pdLeader = this.rng.pick(this.members.filter(memberAlive)).index;
    });
  }

  /** The PD leader's name, or null during an election / without quorum. */
  pdLeaderName(): string | null {
    return this.pdLeader === null ? null : (this.members[this.pdLeader]?.name ?? null);
  }

  /** What a /ping to this member would say: it answers when running and reachable. */
  memberHealthy(m: MemberState): boolean {
    return memberAlive(m);
  }

  // --- PD's view ---------------------------------------------------------------------------

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
    const tick = (from: number): void => {
      const to = from + this.workload.tickWallMs;
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

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A TiKV that peers, PD and clients can reach. */
export function storeServing(s: StoreState): boolean {
  return !s.tombstone && s.proc === 'running' && !s.partitioned;
}

/** A PD member that answers and votes. */
export function memberAlive(m: MemberState): boolean {
  return m.proc === 'running' && !m.partitioned;
}
