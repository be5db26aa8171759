// Chaos against the in-process simulated cluster: the simulator plays Docker's part.
import type { FaultKind } from '../../shared/actions';
import type { SimControl } from '../sim/types';
import type { ChaosDriver, NodeProcess, ReviveResult } from './driver';

export function createSimDriver(control: SimControl): ChaosDriver {
  const known = (name: string): void => {
    if (!control.processes().some((p) => p.name === name)) throw new Error(`no node named "${name}" in the simulated cluster`);
  };
  return {
    label: 'the simulated cluster',
    list: async (): Promise<NodeProcess[]> => control.processes().map((p) => ({ ...p })),
    async apply(kind: FaultKind, name: string): Promise<void> {
      known(name);
      switch (kind) {
        case 'kill':
          return control.kill(name);
        case 'stop':
          return control.stop(name);
        case 'pause':
          return control.pause(name);
        case 'partition':
          return control.partition(name);
      }
    },
    async undo(kind: FaultKind, name: string): Promise<void> {
      known(name);
      switch (kind) {
        case 'kill':
        case 'stop':
          return control.start(name);
        case 'pause':
          return control.unpause(name);
        case 'partition':
          return control.heal(name);
      }
    },
    async reviveAll(): Promise<ReviveResult> {
      const out: ReviveResult = { revived: [], failed: [] };
      for (const p of control.processes()) {
        try {
          if (p.state === 'paused') control.unpause(p.name);
          else if (p.state !== 'running') control.start(p.name);
          if (p.partitioned) control.heal(p.name);
          if (p.state !== 'running' || p.partitioned) out.revived.push({ name: p.name, was: p.partitioned && p.state === 'running' ? 'disconnected' : p.state });
        } catch (e) {
          out.failed.push({ name: p.name, error: (e as Error).message });
        }
      }
      return out;
    },
    watch: (listener) => control.onProcessChange((p) => listener({ ...p })),
    close: async () => {}
  };
}
