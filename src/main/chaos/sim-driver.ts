// Chaos against the in-process simulated cluster: the simulator plays Docker's part.
import type { FaultKind } from '../../shared/actions';
import type { SimControl } from '../sim/types';
import type { ChaosDriver, NodeProcess } from './driver';

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
    watch: (listener) => control.onProcessChange((p) => listener({ ...p })),
    close: async () => {}
  };
}
