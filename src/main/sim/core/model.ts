// The simulated cluster's vocabulary: PD/TiKV timings, the state the engine keeps, the fixed
// cluster layout (store and member names and ids), and the small predicates every rule uses.
import type { Rng } from './rng';
import type { WorkloadConfig } from './workload';

export type ProcState = 'running' | 'exited' | 'paused';

/** PD's computed store state (`state_name`). */
export type StoreStateName = 'Up' | 'Disconnected' | 'Down' | 'Offline' | 'Tombstone';

/** Schedule settings POST /config accepts and GET /config shows, as PD's defaults (kept, not acted upon). */
export const SCHEDULE_CONFIG_DEFAULTS: Readonly<Record<string, number | string | boolean>> = {
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

/** A TiKV that peers, PD and clients can reach. */
export function storeServing(s: StoreState): boolean {
  return !s.tombstone && s.proc === 'running' && !s.partitioned;
}

/** A PD member that answers and votes. */
export function memberAlive(m: MemberState): boolean {
  return m.proc === 'running' && !m.partitioned;
}

/**
 * A periodic rule (workload tick, heartbeat, scheduler, raft campaign) more than this far behind
 * the time `advance` is moving to does not replay the gap run by run: the wall clock jumped (a
 * laptop that slept with the app open, an NTP step), and replaying hours of 100 ms ticks would
 * block the caller for seconds. 60 s of sim time is longer than anything a rule carries from one
 * run to the next (the client's 20 s backoff, a 35 s election window), so a shorter lag is still
 * replayed exactly; it costs at most ~600 workload ticks (a few ms).
 */
const CATCH_UP_SIM_MS = 60_000;
/** ...but never under 1 s of wall time: at fast speeds a late timer is not a clock jump. */
const CATCH_UP_MIN_WALL_MS = 1_000;

/**
 * When a rule that runs every `periodWall` ms and is next due at `at` (wall ms) runs: at `at`,
 * unless that is far behind `horizon` (advance's target); then whole periods are skipped, phase
 * kept, so it runs again in its last period before the target.
 */
export function catchUpAt(at: number, periodWall: number, horizon: number, speed: number): number {
  const behind = horizon - at;
  if (behind <= Math.max(CATCH_UP_SIM_MS / speed, CATCH_UP_MIN_WALL_MS) || !(periodWall > 0)) return at;
  return at + Math.floor(behind / periodWall) * periodWall;
}

/** Wall ms -> Unix nanoseconds, with random sub-microsecond digits (as PD's clock has). */
export function wallNs(wallMs: number, rng: Rng): bigint {
  return BigInt(Math.floor(wallMs * 1000)) * 1000n + BigInt(rng.int(1000));
}

/**
 * A driver whose engine runs on a steady clock (inproc/steady-clock.ts) tells `advance` the wall
 * clock too; their difference moves the stamps the API shows, so a stepped wall clock (NTP, a
 * laptop waking) shifts them instead of stalling or replaying the engine. It moves only by a
 * step, not by the two clocks' sub-ms jitter: a stamp read twice reads the same.
 */
const WALL_OFFSET_STEP_MS = 250;

/** The stamps' offset (wall ms minus engine ms) after `advance` saw the clocks `measured` apart. */
export function wallOffsetAfter(prev: number, measured: number): number {
  return Number.isFinite(measured) && Math.abs(measured - prev) >= WALL_OFFSET_STEP_MS ? Math.round(measured) : prev;
}

/** An engine-time stamp (Unix ns) as the wall clock reads it, `offsetMs` later (EngineCore.wallOffsetMs). */
export function wallStampNs(engineNs: bigint, offsetMs: number): bigint {
  return offsetMs === 0 ? engineNs : engineNs + BigInt(Math.round(offsetMs)) * 1_000_000n;
}

/** An engine-time stamp (Unix s) as the wall clock reads it, `offsetMs` later (EngineCore.wallOffsetMs). */
export function wallStampSec(engineSec: number, offsetMs: number): number {
  return offsetMs === 0 ? engineSec : Math.floor(engineSec + offsetMs / 1000);
}
