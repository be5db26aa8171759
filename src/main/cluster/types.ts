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
  clusterId: string | null;
  leader: string | null;
  regionCount: number | null;
  stores: PdStoreView[];
  members: PdMemberView[];
}
