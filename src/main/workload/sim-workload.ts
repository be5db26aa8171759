// The simulator's synthetic closed-loop workload, as a WorkloadSource.
import type { SimControl } from '../sim/types';
import type { WorkloadReading, WorkloadSource } from './source';

export function createSimWorkload(control: SimControl): WorkloadSource {
  return {
    kind: 'sim',
    start: async () => control.startWorkload(),
    stop: async () => control.stopWorkload(),
    sample: (): WorkloadReading => {
      const w = control.workload();
      return { running: w.running, current: w.current, perStoreOps: w.perStoreOps };
    },
    close: async () => control.stopWorkload()
  };
}
