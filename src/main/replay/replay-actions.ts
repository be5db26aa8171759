// In replay mode every restore also reaches the recording directly: a fault that was open when
// the show switched from live to replay is not on the replay's ledger, yet its recorded recovery
// must still play when the presenter restores. The engine ignores a restore with nothing open.
import type { ActionRunner } from '../stage/actions';
import type { ReplayEngine } from './replay-engine';

export function withReplayRestores(runner: ActionRunner, engine: () => ReplayEngine | null): ActionRunner {
  return {
    async run(action, opts) {
      const r = await runner.run(action, opts);
      if (action.type === 'restore' || action.type === 'restore-all') engine()?.restore();
      return r;
    }
  };
}
