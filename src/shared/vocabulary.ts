// The show's one vocabulary: the words for each fault kind and the pattern of a node's name.
// Main (logs, notices, diagnosis, timeline) and the renderer (buttons, captions) read them
// from here, so "kill" is "Killing" / "killed" / "start" in one place.

export const FAULT_KINDS = ['kill', 'stop', 'pause', 'partition'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultWords {
  /** Button label: "Kill", "Cut off". */
  verb: string;
  /** Caption: "Killing a random TiKV". */
  ing: string;
  /** Log and beat message: "killed tikv1". */
  past: string;
  /** As a noun, for "14 s after the kill". */
  noun: string;
  /** The undo, in words for the log: "start tikv1". */
  undo: string;
}

export const FAULT_WORDS: Readonly<Record<FaultKind, FaultWords>> = {
  kill: { verb: 'Kill', ing: 'Killing', past: 'killed', noun: 'kill', undo: 'start' },
  stop: { verb: 'Stop', ing: 'Stopping', past: 'stopped', noun: 'stop', undo: 'start' },
  pause: { verb: 'Pause', ing: 'Pausing', past: 'paused', noun: 'pause', undo: 'unpause' },
  partition: { verb: 'Cut off', ing: 'Cutting off', past: 'cut off', noun: 'network cut', undo: 'reconnect' }
};

/** A demo node's name, which is also its compose service name: tikv0, tikv1, pd0... */
export const NODE_NAME = /^(tikv|pd)\d+$/;
export type NodeRole = 'tikv' | 'pd';

export function isNodeName(name: string): boolean {
  return NODE_NAME.test(name);
}

/** The role a node name stands for, or null when it is not a demo node's name. */
export function nodeRole(name: string): NodeRole | null {
  const m = NODE_NAME.exec(name);
  return m ? (m[1] as NodeRole) : null;
}
