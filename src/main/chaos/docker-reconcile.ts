// What a fresh listing means for the map, given what Docker's events said a moment ago. Pure.
// Docker can publish `die` a moment before its own listing says so (seen after an engine
// restart with live-restore), so a listing that contradicts a fresh event is not believed
// for HINT_TRUST_MS.
import type { ContainerState } from '../../shared/cluster';
import type { NodeProcess } from './driver';

export const HINT_TRUST_MS = 3000;

export interface Hint {
  state?: ContainerState;
  partitioned?: boolean;
  at: number;
}

export interface Reconciled {
  /** The nodes as they are now believed to be. */
  current: Map<string, NodeProcess>;
  /** Changes to announce (a node gone from the listing is announced as missing). */
  changed: NodeProcess[];
  /** Hints that still hold (the listing disagreed, and they are fresh). */
  hints: Map<string, Hint>;
  /** Re-list again soon: some listing disagreed with a fresh event. */
  recheck: boolean;
}

export function reconcile(listed: NodeProcess[], known: ReadonlyMap<string, NodeProcess>, hints: ReadonlyMap<string, Hint>, now: number): Reconciled {
  const kept = new Map(hints);
  let recheck = false;
  const current = listed.map((p) => {
    const h = kept.get(p.name);
    if (!h) return p;
    const disagrees = (h.state !== undefined && h.state !== p.state) || (h.partitioned !== undefined && h.partitioned !== p.partitioned);
    if (!disagrees || now - h.at > HINT_TRUST_MS) {
      kept.delete(p.name);
      return p;
    }
    recheck = true;
    return { ...p, state: h.state ?? p.state, partitioned: h.partitioned ?? p.partitioned };
  });
  const next = new Map(current.map((p) => [p.name, p]));
  const changed: NodeProcess[] = [];
  for (const p of current) {
    const before = known.get(p.name);
    if (!before || before.state !== p.state || before.partitioned !== p.partitioned) changed.push(p);
  }
  for (const [name, p] of known) if (!next.has(name)) changed.push({ ...p, state: 'missing', partitioned: false });
  return { current: next, changed, hints: kept, recheck };
}
