// What the app needs from a workload: the simulator's synthetic load, or go-ycsb in Docker.
import type { WorkloadPoint } from '../../shared/cluster';

export interface WorkloadSample {
  running: boolean;
  current: WorkloadPoint | null;
  /** ops/s per TiKV node name, where known. */
  perStoreOps: Record<string, number>;
}

export interface WorkloadSource {
  readonly kind: 'sim' | 'ycsb';
  start(): Promise<void>;
  stop(): Promise<void>;
  sample(): WorkloadSample;
  close(): Promise<void>;
}
