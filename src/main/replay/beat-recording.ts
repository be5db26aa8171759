// Every beat that fires goes to the recording: the stage's action runner, wrapped. The chapter's
// runs (the show's runtime passes notify: false) and the presenter's buttons are told apart, and
// a fault's line names the node it actually hit, resolved from random-tikv or the PD leader.
import type { ActionRunner } from '../stage/actions';
import type { Recorder } from './recorder';

export interface BeatRecordingDeps {
  /** The recorder in use now, or null when the show is not being recorded. */
  recorder(): Recorder | null;
  /** The current chapter's id. */
  chapterId(): string | null;
  /** The node of the newest fault on the ledger, read after a fault went through. */
  lastFaultNode(): string | null;
  now?: () => number;
}

export function withBeatRecording(runner: ActionRunner, deps: BeatRecordingDeps): ActionRunner {
  const now = deps.now ?? Date.now;
  return {
    async run(action, opts) {
      const t = now();
      const chapter = deps.chapterId();
      const result = await runner.run(action, opts);
      deps.recorder()?.beat({
        t,
        chapter,
        source: opts?.notify === false ? 'chapter' : 'presenter',
        action,
        target: action.type === 'fault' && result.ok ? deps.lastFaultNode() : null,
        outcome: result.ok ? 'ok' : 'failed',
        message: result.message
      });
      return result;
    }
  };
}
