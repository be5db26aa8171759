// Fakes for the stage's parts: a fault service, a workload, a chaos driver and a PD poller
// that the tests drive by hand.
import type { FaultSpec } from '../../../src/shared/actions';
import type { FaultRecord } from '../../../src/shared/show';
import type { ChaosDriver, NodeProcess } from '../../../src/main/chaos/driver';
import type { FaultService, RestoreAllResult } from '../../../src/main/chaos/faults';
import type { PdPoller } from '../../../src/main/cluster/poller';
import { initialPdView } from '../../../src/main/cluster/poller';
import type { PdView } from '../../../src/main/cluster/types';
import type { WorkloadReading, WorkloadSource } from '../../../src/main/workload/source';

export function fakeFaults(opts: { injectError?: string; restoreFailures?: string[] } = {}): FaultService & { records: FaultRecord[] } {
  const records: FaultRecord[] = [];
  return {
    records,
    async inject(spec: FaultSpec) {
      if (opts.injectError) throw new Error(opts.injectError);
      const node = spec.target.type === 'named' ? spec.target.name : 'tikv1';
      const r: FaultRecord = { id: `f${records.length}`, spec, node, injectedAt: 1000, restoredAt: null, status: 'open', error: null };
      records.push(r);
      return r;
    },
    async restore(id: string) {
      const r = records.find((x) => x.id === id);
      if (!r) throw new Error(`no fault ${id}`);
      r.status = 'restored';
      return r;
    },
    async restoreAll(): Promise<RestoreAllResult> {
      const open = records.filter((r) => r.status === 'open');
      for (const r of open) r.status = 'restored';
      return {
        restored: open,
        revived: [],
        failed: (opts.restoreFailures ?? []).map((error, i) => ({ node: `tikv${i}`, fault: null, error }))
      };
    },
    all: () => records,
    unresolved: () => records.filter((r) => r.status === 'open')
  };
}

export function fakeWorkload(opts: { startError?: string } = {}): WorkloadSource & { calls: string[]; ops: number } {
  const w = {
    kind: 'sim' as const,
    calls: [] as string[],
    ops: 100,
    async start() {
      w.calls.push('start');
      if (opts.startError) throw new Error(opts.startError);
    },
    async stop() {
      w.calls.push('stop');
    },
    sample(): WorkloadReading {
      return { running: true, current: { t: Date.now(), ops: w.ops, errors: 0, p99Ms: 5 }, perStoreOps: { tikv0: w.ops } };
    },
    async close() {
      w.calls.push('close');
    }
  };
  return w;
}

export function fakeDriver(nodes: NodeProcess[]): ChaosDriver & { emit(p: NodeProcess): void; watchers: number } {
  const listeners = new Set<(p: NodeProcess) => void>();
  return {
    label: 'fake',
    get watchers() {
      return listeners.size;
    },
    emit: (p) => listeners.forEach((l) => l(p)),
    list: async () => nodes,
    apply: async () => undefined,
    undo: async () => undefined,
    reviveAll: async () => ({ revived: [], failed: [] }),
    watch(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: async () => undefined
  };
}

export function fakePoller(): { make: (onView: (v: PdView) => void) => PdPoller; push(v: Partial<PdView>): void; started: boolean; stopped: boolean } {
  let onView: (v: PdView) => void = () => undefined;
  const f = {
    started: false,
    stopped: false,
    make(cb: (v: PdView) => void): PdPoller {
      onView = cb;
      return {
        start: () => void (f.started = true),
        stop: async () => void (f.stopped = true),
        current: () => initialPdView('http://pd.test')
      };
    },
    push(v: Partial<PdView>) {
      onView({ ...initialPdView('http://pd.test'), ...v });
    }
  };
  return f;
}
