// The replay's chaos driver: the ChaosDriver the fault service talks to in replay mode. A fault
// plays the recording's matching segment instead of touching a container; the processes come from
// the recording. There is no Docker behind it, on purpose: chaos in replay never reaches Docker.
import type { FaultKind } from '../../shared/actions';
import type { ChaosDriver, NodeProcess, ReviveResult } from '../chaos/driver';
import type { ReplayEngine } from './replay-engine';

export function createReplayDriver(engine: ReplayEngine): ChaosDriver {
  const known = (name: string): void => {
    if (!engine.processes().some((p) => p.name === name)) throw new Error(`no node named "${name}" in the recording`);
  };
  return {
    label: `the recording ${engine.info.file.replace(/^.*[\\/]/, '')}`,
    list: async (): Promise<NodeProcess[]> => engine.processes(),
    async apply(kind: FaultKind, name: string): Promise<void> {
      known(name);
      engine.fault(kind, name);
    },
    async undo(_kind: FaultKind, name: string): Promise<void> {
      known(name);
      // One recorded recovery brings back everything the recorded fault took: a second undo is a no-op.
      engine.restore();
    },
    async reviveAll(): Promise<ReviveResult> {
      const down = engine.processes().filter((p) => p.state === 'exited' || p.state === 'paused' || p.partitioned);
      if (down.length === 0) return { revived: [], failed: [] };
      // Only when no recovery is under way already (the undo above usually started it).
      const started = engine.restore();
      return { revived: started ? down.map((p) => ({ name: p.name, was: p.partitioned && p.state === 'running' ? 'disconnected' : p.state })) : [], failed: [] };
    },
    watch: (listener) => engine.onProcess(listener),
    close: async () => {}
  };
}
