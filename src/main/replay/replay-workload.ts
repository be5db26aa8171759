// The replay's workload: the recorded samples, as the WorkloadSource the stage samples each
// second. Nothing shows until the show starts the load, as with a live one.
import type { WorkloadSource } from '../workload/source';
import type { ReplayEngine } from './replay-engine';

export function createReplayWorkload(engine: ReplayEngine, kind: 'sim' | 'ycsb'): WorkloadSource {
  return {
    kind,
    start: async () => engine.startLoad(),
    stop: async () => engine.stopLoad(),
    sample: () => engine.sample(),
    close: async () => engine.stopLoad()
  };
}
