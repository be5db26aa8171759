// The cluster as the renderer sees it: one snapshot type for both modes (sim and live).
// PD's view (state) and Docker's view (container) sit side by side on purpose: the gap
// between them is the story of the Detection chapter.

/** `replay`: a recorded show stands in for the cluster (src/main/replay); never passed off as live. */
export type Mode = 'sim' | 'live' | 'replay';

/** Store state as PD reports it (state_name), lower-cased; `unknown` when PD cannot be asked. */
export type PdState = 'up' | 'disconnected' | 'down' | 'offline' | 'tombstone' | 'unknown';

/** Process state as Docker (or the simulator, the way Docker would) reports it. */
export type ContainerState = 'running' | 'exited' | 'paused' | 'missing' | 'unknown';

/** One TiKV store as the snapshot shows it (a row of the map, not a process). */
export interface TikvStoreRow {
  kind: 'tikv';
  /** PD's store id, as a decimal string (ids are parsed without loss). */
  storeId: string;
  /** Host part of the store's address: tikv0, tikv1, ... */
  name: string;
  address: string;
  state: PdState;
  container: ContainerState;
  /** True while the container is disconnected from the compose network by a partition fault. */
  partitioned: boolean;
  leaderCount: number;
  regionCount: number;
  /** Unix ms of the last store heartbeat PD saw, or null when PD did not say. */
  lastHeartbeatMs: number | null;
  /** Per-store request rate (ops/s) when it is known (TiKV /metrics or the simulator). */
  opsPerSec: number | null;
}

/** One PD member as the snapshot shows it (a row of the map, not a process). */
export interface PdMemberRow {
  kind: 'pd';
  /** PD's member_id as a decimal string (above 2^53, parsed without loss). */
  memberId: string;
  name: string;
  /** From /health; null until /health has answered once. */
  health: boolean | null;
  isLeader: boolean;
  container: ContainerState;
  partitioned: boolean;
}

/** One sample of the workload's figures (a point of the chart). */
export interface WorkloadSample {
  /** Unix ms. */
  t: number;
  ops: number;
  errors: number;
  p99Ms: number | null;
  /**
   * The latency figure to show live, with what it is and its window, e.g. "mean, last 5 s"
   * (go-ycsb: from its cumulative Avg × Count) or "p99, last 1 s" (the simulator). Never a
   * since-start figure. Absent in older recordings: then p99Ms is all there is.
   */
  latency?: { ms: number; label: string } | null;
}

/** The workload as the snapshot carries it: whether it runs, its source, its recent samples. */
export interface WorkloadSeries {
  running: boolean;
  /** Where the figures come from: the simulator's synthetic load, or go-ycsb's status lines. */
  source: 'sim' | 'ycsb';
  current: WorkloadSample | null;
  /** The last couple of minutes, oldest first. */
  history: WorkloadSample[];
}

export interface ClusterSnapshot {
  mode: Mode;
  /** The PD URL being polled. */
  pdUrl: string;
  /** Unix ms of the last successful poll of PD (0 = never). */
  takenAt: number;
  /** True when the last poll failed and this is the last good view. */
  stale: boolean;
  /** Milliseconds since takenAt, as of `now`. */
  ageMs: number;
  /** Unix ms at which this snapshot was published. */
  now: number;
  /** Plain-words reason PD could not be read, for the presenter (never the audience). */
  pdError: string | null;
  /**
   * True while PD answers but has no leader (a PD leader fault: an election): pdError then
   * says "PD electing a leader: …", and views say so rather than "PD not answering".
   */
  pdElecting?: boolean;
  /** Plain-words reason container states are unknown (e.g. no Docker engine), or null. */
  containerNote: string | null;
  clusterId: string | null;
  pdLeader: string | null;
  regionCount: number | null;
  /**
   * PD's replication.max-replicas (GET /pd/api/v1/config/replicate): the replicas each region
   * has. Null or absent (older recordings) = unknown: the diagnosis then assumes PD's default
   * of 3 and says so.
   */
  maxReplicas?: number | null;
  pd: PdMemberRow[];
  tikv: TikvStoreRow[];
  workload: WorkloadSeries | null;
  /**
   * How fast the cluster's clock runs against the wall: the simulator's --sim-speed (1 for a
   * real cluster). Durations told to the audience are in cluster time, so a rehearsal at
   * speed 5 still says "leaders moved in 14 s", as they would on the real thing.
   */
  timeScale: number;
}

/** The state word the audience reads for a store: Docker's "killed" beats PD's lagging "Up". */
export function storeHeadline(n: Pick<TikvStoreRow, 'state' | 'container' | 'partitioned'>): string {
  if (n.container === 'exited') return 'killed';
  if (n.container === 'paused') return 'paused';
  if (n.partitioned) return 'cut off';
  return pdStateWord(n.state);
}

export function pdStateWord(s: PdState): string {
  switch (s) {
    case 'up':
      return 'Up';
    case 'disconnected':
      return 'Disconnected';
    case 'down':
      return 'Down';
    case 'offline':
      return 'Offline';
    case 'tombstone':
      return 'Tombstone';
    default:
      return 'Unknown';
  }
}

/**
 * The most replicas a PD answer is believed to mean. PD itself takes any positive count; more
 * than this in a demo cluster is a misread answer, and would make every data claim wrong.
 */
export const MAX_PLAUSIBLE_REPLICAS = 10;

export function emptySnapshot(mode: Mode, pdUrl: string, now: number): ClusterSnapshot {
  return {
    mode,
    pdUrl,
    takenAt: 0,
    stale: true,
    ageMs: 0,
    now,
    pdError: null,
    containerNote: null,
    clusterId: null,
    pdLeader: null,
    regionCount: null,
    maxReplicas: null,
    pd: [],
    tikv: [],
    workload: null,
    timeScale: 1
  };
}
