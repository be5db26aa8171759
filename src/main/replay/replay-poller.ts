// The replay's stand-in for the PD poller: the stage's cluster feed reads PD's view from it
// exactly as from the real poller, so snapshots are built by the same code in every mode. It
// asks no PD: the views come from the recording, timed now.
import type { PdPoller } from '../cluster/poller';
import type { PdView } from '../cluster/types';
import type { ReplayEngine } from './replay-engine';

export function createReplayPoller(engine: ReplayEngine, onView: (v: PdView) => void): PdPoller {
  let off: (() => void) | null = null;
  return {
    start() {
      if (off) return;
      off = engine.onView(onView);
      engine.start();
    },
    async stop() {
      off?.();
      off = null;
      engine.stop();
    },
    current: () => engine.pdView()
  };
}
