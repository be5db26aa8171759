// What the fault service needs from whatever runs the nodes: Docker in live mode, the
// simulator's process table in sim mode. Names are compose service names (tikv0, pd1).
import type { FaultKind } from '../../shared/actions';
import type { ContainerState } from '../../shared/cluster';

export interface NodeProcess {
  name: string;
  kind: 'pd' | 'tikv';
  state: ContainerState;
  partitioned: boolean;
}

export interface ChaosDriver {
  /** Where the nodes live, for the presenter ("simulated cluster", "Docker at unix:///var/run/docker.sock"). */
  readonly label: string;
  list(): Promise<NodeProcess[]>;
  /** Applies a fault to one node. Only demo nodes can be named; anything else is refused. */
  apply(kind: FaultKind, name: string): Promise<void>;
  /** Undoes a fault; idempotent (a node already running counts as done). */
  undo(kind: FaultKind, name: string): Promise<void>;
  /** Process state changes as they happen (Docker's events stream). Returns unsubscribe. */
  watch(listener: (p: NodeProcess) => void): () => void;
  close(): Promise<void>;
}

/** The undo of each fault, in words for the log. */
export const UNDO_WORD: Record<FaultKind, string> = {
  kill: 'start',
  stop: 'start',
  pause: 'unpause',
  partition: 'reconnect'
};
