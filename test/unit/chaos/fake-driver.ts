// A stand-in for Docker / the simulator: a process table the fault service acts on.
import type { FaultKind } from '../../../src/shared/actions';
import type { ChaosDriver, NodeProcess } from '../../../src/main/chaos/driver';

export function fakeDriver(names = ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2']) {
  const procs = new Map<string, NodeProcess>(
    names.map((n) => [n, { name: n, kind: n.startsWith('pd') ? 'pd' : 'tikv', state: 'running', partitioned: false }])
  );
  const calls: string[] = [];
  let delayMs = 0;
  let failNext: string | null = null;
  const driver: ChaosDriver = {
    label: 'fake',
    list: async () => [...procs.values()].map((p) => ({ ...p })),
    async apply(kind: FaultKind, name: string) {
      calls.push(`${kind} ${name}`);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (failNext) {
        const m = failNext;
        failNext = null;
        throw new Error(m);
      }
      const p = procs.get(name);
      if (!p) throw new Error(`no node ${name}`);
      if (kind === 'pause') p.state = 'paused';
      else if (kind === 'partition') p.partitioned = true;
      else p.state = 'exited';
    },
    async undo(kind: FaultKind, name: string) {
      calls.push(`undo-${kind} ${name}`);
      const p = procs.get(name)!;
      p.state = 'running';
      p.partitioned = false;
    },
    async reviveAll() {
      const revived: { name: string; was: string }[] = [];
      for (const p of procs.values())
        if (p.state !== 'running' || p.partitioned) {
          calls.push(`revive ${p.name}`);
          revived.push({ name: p.name, was: p.partitioned ? 'disconnected' : p.state });
          p.state = 'running';
          p.partitioned = false;
        }
      return { revived, failed: [] };
    },
    watch: () => () => {},
    close: async () => {}
  };
  return { driver, procs, calls, fail: (m: string) => (failNext = m), delay: (ms: number) => (delayMs = ms) };
}

