// What the fault service needs from whatever runs the nodes: Docker in live mode, the
// simulator's process table in sim mode. Names are compose service names (tikv0, pd1).
import type { FaultKind } from '../../shared/actions';
import type { ContainerState } from '../../shared/cluster';
import { FAULT_WORDS } from '../../shared/vocabulary';

export interface NodeProcess {
  name: string;
  kind: 'pd' | 'tikv';
  state: ContainerState;
  partitioned: boolean;
}

export interface ReviveResult {
  /** Nodes brought back, with what was wrong ("exited", "paused", "disconnected"). */
  revived: { name: string; was: string }[];
  failed: { name: string; error: string }[];
}

export interface ChaosDriver {
  /** Where the nodes live, for the presenter ("simulated cluster", "Docker at unix:///var/run/docker.sock"). */
  readonly label: string;
  list(): Promise<NodeProcess[]>;
  /** Applies a fault to one node. Only demo nodes can be named; anything else is refused. */
  apply(kind: FaultKind, name: string): Promise<void>;
  /** Undoes a fault; idempotent (a node already running counts as done). */
  undo(kind: FaultKind, name: string): Promise<void>;
  /**
   * Belt and braces under the ledger: brings back every demo node (pd*, tikv* of this cluster,
   * nothing else) that is exited, paused or cut off, whether or not a fault is on record.
   */
  reviveAll(): Promise<ReviveResult>;
  /** Process state changes as they happen (Docker's events stream). Returns unsubscribe. */
  watch(listener: (p: NodeProcess) => void): () => void;
  close(): Promise<void>;
}

/** The undo of each fault, in words for the log (from the shared vocabulary). */
export const UNDO_WORD: Record<FaultKind, string> = {
  kill: FAULT_WORDS.kill.undo,
  stop: FAULT_WORDS.stop.undo,
  pause: FAULT_WORDS.pause.undo,
  partition: FAULT_WORDS.partition.undo
};
