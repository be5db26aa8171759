// What the poller publishes: PD's view of the cluster, without Docker's. The snapshot builder
// merges it with container states into the one ClusterSnapshot that reaches the renderer.
import type { PdState } from '../../shared/cluster';

export interface PdStoreView {
  storeId: string;
  name: string;
  address: string;
  state: PdState;
  leaderCount: number;
  regionCount: number;
  lastHeartbeatMs: number | null;
  /** Free bytes on the store's disk as TiKV reports it (status.available); null/absent when unknown. */
  availableBytes?: number | null;
}

export interface PdMemberView {
  memberId: string;
  name: string;
  health: boolean | null;
  isLeader: boolean;
}

export interface PdView {
  pdUrl: string;
  /** Unix ms of the last successful /stores + /members poll; 0 = never. */
  takenAt: number;
  stale: boolean;
  /** Plain words for the presenter when the last poll failed. */
  error: string | null;
  /**
   * True while PD answers but has no leader to serve the cluster endpoints (an election): PD's
   * 503 "redirect finds no leader", or no leader answer although the PD asked is up.
   */
  electing?: boolean;
  clusterId: string | null;
  leader: string | null;
  regionCount: number | null;
  /** PD's max-replicas, the last good answer to /config/replicate; null until one came. */
  maxReplicas: number | null;
  /** Why the last /config/replicate was not used (failed, or an answer rejected), or null. */
  maxReplicasError: string | null;
  stores: PdStoreView[];
  members: PdMemberView[];
}
