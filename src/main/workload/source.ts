// What the app needs from a workload: the simulator's synthetic load, or go-ycsb in Docker.
import type { WorkloadSample } from '../../shared/cluster';

/** What a source reads now: running or not, the latest sample, ops/s per store. */
export interface WorkloadReading {
  running: boolean;
  current: WorkloadSample | null;
  /** ops/s per TiKV node name, where known. */
  perStoreOps: Record<string, number>;
}

export interface WorkloadSource {
  readonly kind: 'sim' | 'ycsb';
  start(): Promise<void>;
  stop(): Promise<void>;
  sample(): WorkloadReading;
  close(): Promise<void>;
}
