// The chaos and workload actions a chapter (or the presenter) can ask for, and the grammar
// that decks use to name them ("kill-random-tikv", "kill:tikv1", ...).
import { z } from 'zod';
import { FAULT_KINDS, FAULT_WORDS, NODE_NAME, type FaultKind } from './vocabulary';

export type { FaultKind } from './vocabulary';

/** A fault as it crosses the bridge (the `injectFault` request): checked by this schema. */
export const faultSpecSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  /** Which node a fault hits: a random TiKV, a named node (tikv0, pd1...), or the PD leader. */
  target: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('random-tikv') }),
    z.strictObject({ type: z.literal('pd-leader') }),
    z.strictObject({ type: z.literal('named'), name: z.string().regex(NODE_NAME, 'a node name like tikv0 or pd1') })
  ]),
  /**
   * Explicit opt-in (deck key `allow-quorum-loss: true`) to a fault that would leave fewer than
   * a majority of TiKV stores or PD members running. Absent = refused, with a notice.
   */
  allowQuorumLoss: z.boolean().optional()
});

export type FaultSpec = z.infer<typeof faultSpecSchema>;

/**
 * A fault asked for by a view or a script (the `injectFault` request). The majority rule's
 * opt-in belongs to the deck alone, where the presenter sees it on the slide: a request that
 * carries it is refused, so no client on the socket can switch the rule off.
 */
export const requestedFaultSchema = faultSpecSchema.refine((f) => f.allowQuorumLoss === undefined, {
  message: 'allowQuorumLoss is not accepted in a request: only a deck slide can opt in ("allow-quorum-loss: true")',
  path: ['allowQuorumLoss']
});
export type FaultTarget = FaultSpec['target'];

export type ChapterAction =
  | { type: 'fault'; fault: FaultSpec }
  /** Restore the fault(s) injected by this show's earlier fault chapter(s). */
  | { type: 'restore' }
  | { type: 'restore-all' }
  | { type: 'start-workload' }
  | { type: 'stop-workload' };

export const ACTION_GRAMMAR =
  'kill-random-tikv, kill:tikvN, stop:tikvN, pause:tikvN, partition:tikvN, kill-pd-leader, restore, restore-all, start-workload, stop-workload';

/** Parses a deck's action string; returns an error message naming what is accepted. */
export function parseAction(raw: string): { ok: true; action: ChapterAction } | { ok: false; error: string } {
  const s = raw.trim();
  switch (s) {
    case 'kill-random-tikv':
      return { ok: true, action: { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } } };
    case 'kill-pd-leader':
      return { ok: true, action: { type: 'fault', fault: { kind: 'kill', target: { type: 'pd-leader' } } } };
    case 'restore':
    case 'restore-all':
    case 'start-workload':
    case 'stop-workload':
      return { ok: true, action: { type: s } };
  }
  const m = /^(kill|stop|pause|partition):(.+)$/.exec(s);
  if (m) {
    const kind = m[1] as FaultKind;
    const name = (m[2] ?? '').trim();
    if (name === 'random-tikv' || name === 'random')
      return { ok: true, action: { type: 'fault', fault: { kind, target: { type: 'random-tikv' } } } };
    if (!NODE_NAME.test(name))
      return { ok: false, error: `unknown node "${name}" in action "${s}": expected a name like tikv0 or pd1` };
    return { ok: true, action: { type: 'fault', fault: { kind, target: { type: 'named', name } } } };
  }
  return { ok: false, error: `unknown action "${s}": expected one of ${ACTION_GRAMMAR}` };
}

export function describeTarget(t: FaultTarget): string {
  switch (t.type) {
    case 'random-tikv':
      return 'a random TiKV';
    case 'pd-leader':
      return 'the PD leader';
    case 'named':
      return t.name;
  }
}

/** "kill a random TiKV", for logs and the presenter. */
export function describeFault(f: FaultSpec): string {
  return `${f.kind} ${describeTarget(f.target)}`;
}

/** "Killing a random TiKV", for captions. */
export function faultCaption(f: FaultSpec): string {
  return `${FAULT_WORDS[f.kind].ing} ${describeTarget(f.target)}`;
}

export function actionToString(a: ChapterAction): string {
  if (a.type !== 'fault') return a.type;
  const t = a.fault.target;
  if (t.type === 'random-tikv') return a.fault.kind === 'kill' ? 'kill-random-tikv' : `${a.fault.kind}:random-tikv`;
  if (t.type === 'pd-leader') return 'kill-pd-leader';
  return `${a.fault.kind}:${t.name}`;
}
