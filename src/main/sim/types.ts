// What the rest of the app needs from the simulated cluster. The simulator speaks PD's HTTP
// API on 127.0.0.1 (so the poller's code path is the same as live); this handle is the
// in-process side door that plays Docker's role: it kills, pauses and restarts "processes".
import type { ContainerState, WorkloadSample } from '../../shared/cluster';

export interface SimProcess {
  /** pd0..pd2, tikv0..tikv2: the compose service names. */
  name: string;
  kind: 'pd' | 'tikv';
  state: ContainerState;
  partitioned: boolean;
}

export interface SimControl {
  /** SIGKILL: the process stops at once (exited). Idempotent on an exited process. */
  kill(name: string): void;
  /** Graceful stop: a TiKV drains its leaders first (PD's evict-stopping-store), then exits. */
  stop(name: string): Promise<void>;
  pause(name: string): void;
  unpause(name: string): void;
  /** Start an exited process again (Docker's start). Idempotent on a running one. */
  start(name: string): void;
  /** Cut the node off the cluster network / reconnect it. */
  partition(name: string): void;
  heal(name: string): void;
  processes(): SimProcess[];
  /** Called on every process state change, like Docker's events stream. Returns unsubscribe. */
  onProcessChange(listener: (p: SimProcess) => void): () => void;
  /** The synthetic closed-loop workload. */
  startWorkload(): void;
  stopWorkload(): void;
  /** Latest per-second workload figures (null when it never ran). */
  workload(): { running: boolean; current: WorkloadSample | null; perStoreOps: Record<string, number> };
}

export interface SimOptions {
  /** Time scale: 1 = PD's real timings; 5 = five times faster. */
  speed: number;
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** Seed for the simulator's randomness (elections, store order), for repeatable tests. */
  seed?: number;
  /** Start the synthetic workload at once. */
  workload?: boolean;
}

export interface SimCluster {
  /** e.g. http://127.0.0.1:43121 */
  pdUrl: string;
  control: SimControl;
  close(): Promise<void>;
}
