// The fault service: resolves a fault's target, writes it to the ledger, applies it through
// the driver, and undoes it. Every undo is idempotent, so Restore all can always be pressed.
import { randomUUID } from 'node:crypto';
import { describeFault, type FaultSpec } from '../../shared/actions';
import type { FaultRecord } from '../../shared/show';
import { UNDO_WORD, type ChaosDriver } from './driver';
import type { Ledger, LedgerRecord } from './ledger';

export interface FaultServiceDeps {
  driver: ChaosDriver;
  ledger: Ledger;
  /** Which cluster these faults belong to: the compose project, or "sim". */
  scope: string;
  /** The current PD leader's name (for kill-pd-leader), or null when unknown. */
  pdLeader: () => string | null;
  random?: () => number;
  now?: () => number;
  onChange?: () => void;
}

export interface RestoreAllResult {
  restored: FaultRecord[];
  failed: { fault: FaultRecord; error: string }[];
}

export interface FaultService {
  inject(spec: FaultSpec): Promise<FaultRecord>;
  restore(id: string): Promise<FaultRecord>;
  restoreAll(): Promise<RestoreAllResult>;
  /** Every fault of this scope, oldest first. */
  all(): FaultRecord[];
  unresolved(): FaultRecord[];
}

const strip = (r: LedgerRecord): FaultRecord => {
  const { scope: _scope, ...rest } = r;
  return rest;
};

export function createFaultService(deps: FaultServiceDeps): FaultService {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  // One operation per node at a time: a double-pressed key never races a kill with its restore.
  const busy = new Map<string, Promise<unknown>>();

  const records = (): LedgerRecord[] => deps.ledger.records().filter((r) => r.scope === deps.scope);
  const changed = (): void => deps.onChange?.();

  async function serial<T>(node: string, fn: () => Promise<T>): Promise<T> {
    const prev = busy.get(node) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    busy.set(node, tail);
    try {
      return await run;
    } finally {
      if (busy.get(node) === tail) busy.delete(node);
    }
  }

  async function resolveTarget(spec: FaultSpec): Promise<string> {
    const open = new Set(deps.ledger.unresolved(deps.scope).map((r) => r.node));
    const t = spec.target;
    if (t.type === 'named') {
      if (open.has(t.name)) throw new Error(`${t.name} already has a fault open; restore it first`);
      return t.name;
    }
    if (t.type === 'pd-leader') {
      const leader = deps.pdLeader();
      if (!leader) throw new Error('the PD leader is not known right now (PD not answering or electing)');
      if (open.has(leader)) throw new Error(`${leader} already has a fault open; restore it first`);
      return leader;
    }
    const candidates = (await deps.driver.list())
      .filter((p) => p.kind === 'tikv' && p.state === 'running' && !p.partitioned && !open.has(p.name))
      .map((p) => p.name)
      .sort();
    if (candidates.length === 0) throw new Error('no running TiKV node is left to fault');
    return candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))]!;
  }

  async function undo(r: LedgerRecord): Promise<FaultRecord> {
    return serial(r.node, async () => {
      const current = records().find((x) => x.id === r.id);
      if (current?.status === 'restored') return strip(current);
      await deps.driver.undo(r.spec.kind, r.node);
      deps.ledger.append({ op: 'restored', id: r.id, at: now() });
      changed();
      return strip(records().find((x) => x.id === r.id)!);
    });
  }

  return {
    async inject(spec: FaultSpec): Promise<FaultRecord> {
      const node = await resolveTarget(spec);
      if (spec.kind !== 'kill' && spec.target.type === 'pd-leader')
        throw new Error('only a kill of the PD leader is supported');
      return serial(node, async () => {
        const id = randomUUID();
        // Ledger first: if we crash between these two lines, the next start undoes a fault
        // that never happened, which is harmless; the other order could lose a dead node.
        deps.ledger.append({ op: 'open', id, spec, node, scope: deps.scope, at: now() });
        changed();
        try {
          await deps.driver.apply(spec.kind, node);
        } catch (e) {
          const error = `${describeFault(spec)} (${node}) failed: ${(e as Error).message}`;
          deps.ledger.append({ op: 'failed', id, at: now(), error });
          changed();
          throw new Error(error);
        }
        changed();
        return strip(records().find((x) => x.id === id)!);
      });
    },
    async restore(id: string): Promise<FaultRecord> {
      const r = records().find((x) => x.id === id);
      if (!r) throw new Error(`no fault with id "${id}"`);
      if (r.status === 'restored') return strip(r);
      try {
        return await undo(r);
      } catch (e) {
        throw new Error(`${UNDO_WORD[r.spec.kind]} ${r.node} failed: ${(e as Error).message}`);
      }
    },
    async restoreAll(): Promise<RestoreAllResult> {
      const open = deps.ledger.unresolved(deps.scope);
      // In parallel: every node should be back within a couple of seconds of the key press.
      const results = await Promise.allSettled(open.map((r) => undo(r)));
      const out: RestoreAllResult = { restored: [], failed: [] };
      results.forEach((res, i) => {
        const r = open[i]!;
        if (res.status === 'fulfilled') out.restored.push(res.value);
        else
          out.failed.push({
            fault: strip(r),
            error: `${UNDO_WORD[r.spec.kind]} ${r.node} failed: ${(res.reason as Error).message}`
          });
      });
      return out;
    },
    all: () => records().map(strip),
    unresolved: () => deps.ledger.unresolved(deps.scope).map(strip)
  };
}
