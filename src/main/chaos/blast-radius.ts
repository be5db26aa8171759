// The blast-radius rule: by default a fault may not leave fewer than a majority of TiKV
// stores, or of PD members, running and reachable. A node counts as down when its container
// is not running (or is cut off its network), or when the ledger holds an unresolved fault
// for it (a kill Docker has not reported yet is still a kill). Pure.
import type { FaultKind } from '../../shared/actions';
import type { NodeProcess } from './driver';

const VERB: Record<FaultKind, string> = {
  kill: 'killing',
  stop: 'stopping',
  pause: 'pausing',
  partition: 'cutting off'
};

const ROLE_WORDS: Record<'pd' | 'tikv', string> = { pd: 'PD members', tikv: 'TiKV stores' };

export const majority = (n: number): number => Math.floor(n / 2) + 1;

/** Nodes of this listing that are not running and reachable, or that have a fault open. */
export function downNodes(processes: NodeProcess[], openNodes: Iterable<string>): Set<string> {
  const down = new Set<string>();
  for (const p of processes) if (p.state !== 'running' || p.partitioned) down.add(p.name);
  const listed = new Set(processes.map((p) => p.name));
  for (const n of openNodes) if (listed.has(n)) down.add(n);
  return down;
}

/**
 * Why faulting `node` would break quorum, as a sentence for the presenter, or null when it is
 * within the limit. `node` must be one of `processes`.
 */
export function quorumRefusal(kind: FaultKind, node: string, processes: NodeProcess[], openNodes: Iterable<string>): string | null {
  const target = processes.find((p) => p.name === node);
  if (!target) return null;
  const peers = processes.filter((p) => p.kind === target.kind);
  const down = downNodes(peers, openNodes);
  const already = [...down].filter((n) => n !== node).sort();
  down.add(node);
  const left = peers.length - down.size;
  const need = majority(peers.length);
  if (left >= need) return null;
  const role = ROLE_WORDS[target.kind];
  const downText = already.length ? ` (${already.join(', ')} ${already.length === 1 ? 'is' : 'are'} already down)` : '';
  return (
    `refused: ${VERB[kind]} ${node} would leave ${left} of ${peers.length} ${role} running${downText}; ` +
    `a majority (${need}) must stay up. Restore first, or opt in with "allow-quorum-loss: true" on the slide.`
  );
}
