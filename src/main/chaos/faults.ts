// The fault service: resolves a fault's target, writes it to the ledger, applies it through
// the driver, and undoes it. Every undo is idempotent, so Restore all can always be pressed.
import { randomUUID } from 'node:crypto';
import { describeFault, type FaultSpec } from '../../shared/actions';
import type { FaultRecord } from '../../shared/show';
import { quorumRefusal } from './blast-radius';
import { UNDO_WORD, type ChaosDriver, type NodeProcess } from './driver';
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
  /** Demo nodes found down without an open fault on record, and brought back anyway. */
  revived: { node: string; was: string }[];
  /** Per node: `fault` is null when the node had no record (a failed revive). */
  failed: { node: string; fault: FaultRecord | null; error: string }[];
}

export interface FaultService {
  /**
   * Decides and applies one fault at a time: the target (random or named) is chosen inside the
   * serialized section, so a burst of requests never takes down more than the blast-radius
   * rule allows. Refusals throw an Error whose message is a sentence for the presenter.
   */
  inject(spec: FaultSpec): Promise<FaultRecord>;
  restore(id: string): Promise<FaultRecord>;
  /** Undoes every open fault. An inject still queued is refused; one being applied is undone once it lands. */
  restoreAll(): Promise<RestoreAllResult>;
  /** Every fault of this scope, oldest first. */
  all(): FaultRecord[];
  unresolved(): FaultRecord[];
}

const strip = (r: LedgerRecord): FaultRecord => {
  const { scope: _scope, ...rest } = r;
  return rest;
};

/** The node a fault hits; throws a refusal sentence when there is none to hit. */
function pickTarget(spec: FaultSpec, processes: NodeProcess[], open: Set<string>, deps: { label: string; pdLeader: () => string | null; random: () => number }): string {
  const t = spec.target;
  const exists = (name: string): void => {
    if (processes.some((p) => p.name === name)) return;
    const names = processes.map((p) => p.name).sort().join(', ') || 'none';
    throw new Error(`refused: there is no node named ${name} in ${deps.label} (its nodes: ${names})`);
  };
  const notOpen = (name: string): void => {
    if (open.has(name)) throw new Error(`refused: ${name} already has a fault open; restore it first`);
  };
  if (t.type === 'named') {
    exists(t.name);
    notOpen(t.name);
    return t.name;
  }
  if (t.type === 'pd-leader') {
    const leader = deps.pdLeader();
    if (!leader) throw new Error('refused: the PD leader is not known right now (PD not answering or electing)');
    exists(leader);
    notOpen(leader);
    return leader;
  }
  const candidates = processes
    .filter((p) => p.kind === 'tikv' && p.state === 'running' && !p.partitioned && !open.has(p.name))
    .map((p) => p.name)
    .sort();
  if (candidates.length === 0) throw new Error('refused: no running TiKV node is left to fault');
  return candidates[Math.min(candidates.length - 1, Math.floor(deps.random() * candidates.length))]!;
}

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

  // Every inject, from decision to applied, runs in this one chain: decisions see every
  // earlier fault already on the ledger.
  let injecting: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = injecting.then(fn, fn);
    injecting = run.catch(() => undefined);
    return run;
  }
  /** Bumped by every Restore all: an inject asked for before it and still queued is refused. */
  let restoreAlls = 0;

  async function decideAndApply(spec: FaultSpec): Promise<FaultRecord> {
    let processes: NodeProcess[];
    try {
      processes = await deps.driver.list();
    } catch (e) {
      throw new Error(`refused: cannot see the nodes to check the fault is safe: ${(e as Error).message}`, { cause: e });
    }
    const open = new Set(deps.ledger.unresolved(deps.scope).map((r) => r.node));
    const node = pickTarget(spec, processes, open, { label: deps.driver.label, pdLeader: deps.pdLeader, random });
    if (spec.allowQuorumLoss !== true) {
      const why = quorumRefusal(spec.kind, node, processes, open);
      if (why) throw new Error(why);
    }
    return serial(node, () => applyFault(spec, node));
  }

  async function applyFault(spec: FaultSpec, node: string): Promise<FaultRecord> {
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
      throw new Error(error, { cause: e });
    }
    changed();
    return strip(records().find((x) => x.id === id)!);
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

  /** Undoes these faults in parallel (every node back within a couple of seconds of the press). */
  async function undoEach(open: LedgerRecord[], out: RestoreAllResult): Promise<void> {
    const results = await Promise.allSettled(open.map((r) => undo(r)));
    results.forEach((res, i) => {
      const r = open[i]!;
      if (res.status === 'fulfilled') out.restored.push(res.value);
      else out.failed.push({ node: r.node, fault: strip(r), error: `${UNDO_WORD[r.spec.kind]} ${r.node} failed: ${(res.reason as Error).message}` });
    });
  }

  return {
    async inject(spec: FaultSpec): Promise<FaultRecord> {
      if (spec.kind !== 'kill' && spec.target.type === 'pd-leader')
        throw new Error('refused: only a kill of the PD leader is supported');
      const asked = restoreAlls;
      return exclusive(() =>
        asked === restoreAlls
          ? decideAndApply(spec)
          : Promise.reject(new Error('refused: Restore all was pressed after this fault was asked for, so it was not injected'))
      );
    },
    async restore(id: string): Promise<FaultRecord> {
      const r = records().find((x) => x.id === id);
      if (!r) throw new Error(`no fault with id "${id}"`);
      if (r.status === 'restored') return strip(r);
      try {
        return await undo(r);
      } catch (e) {
        throw new Error(`${UNDO_WORD[r.spec.kind]} ${r.node} failed: ${(e as Error).message}`, { cause: e });
      }
    },
    async restoreAll(): Promise<RestoreAllResult> {
      restoreAlls++; // injects still queued are refused
      const inFlight = injecting; // the one being decided or applied right now, if any
      // Injects asked from now on wait until this Restore all is done, so it undoes none of them.
      let done!: () => void;
      const finished = new Promise<void>((ok) => (done = ok));
      injecting = injecting.then(() => finished);
      try {
        return await restoreEverything(inFlight);
      } finally {
        done();
      }
    },
    all: () => records().map(strip),
    unresolved: () => deps.ledger.unresolved(deps.scope).map(strip)
  };

  async function restoreEverything(inFlight: Promise<unknown>): Promise<RestoreAllResult> {
    const out: RestoreAllResult = { restored: [], revived: [], failed: [] };
    await undoEach(deps.ledger.unresolved(deps.scope), out);
    // The inject in flight may open its fault after the list above was taken: once it lands,
    // a fault not seen yet can only be that one (later ones wait, queued ones were refused).
    await inFlight;
    const seen = new Set([...out.restored.map((r) => r.id), ...out.failed.map((f) => f.fault?.id)]);
    const late = deps.ledger.unresolved(deps.scope).filter((r) => !seen.has(r.id));
    if (late.length) await undoEach(late, out);
    // Then anything still down without a record (a lost ledger line, a hand-made kill).
    try {
      const rev = await deps.driver.reviveAll();
      const restored = new Set(out.restored.map((r) => r.node));
      out.revived = rev.revived.filter((r) => !restored.has(r.name)).map((r) => ({ node: r.name, was: r.was }));
      const failedNodes = new Set(out.failed.map((f) => f.node));
      for (const f of rev.failed)
        if (!failedNodes.has(f.name)) out.failed.push({ node: f.name, fault: null, error: `bring back ${f.name} failed: ${f.error}` });
    } catch (e) {
      out.failed.push({ node: '*', fault: null, error: `checking every node is back failed: ${(e as Error).message}` });
    }
    if (out.revived.length) changed();
    return out;
  }
}
