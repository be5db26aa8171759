// The presenter's replay control, as the stage's handlers call it: the list of recordings, and
// the switch to one mid-show. Refusals are sentences for the presenter; the show goes on.
import type { FaultRecord, RecordingSummary } from '../../shared/show';
import { deckSlug } from './recording-format';
import type { ReplayStatus } from './replay-status';
import type { ShowRecording } from './show-recording';
import { switchToRecording, type SwitchableCluster } from './switchable-cluster';

export interface ReplayControlDeps {
  cluster: SwitchableCluster;
  dataDir: string;
  status: ReplayStatus;
  recording: ShowRecording;
  deck(): { file: string; title: string };
  /** 1-based chapter the show is at. */
  chapter(): number;
  openFaults(): FaultRecord[];
  log(what: string, outcome: 'ok' | 'failed', detail: string): void;
}

export interface ReplayControl {
  list(): RecordingSummary[];
  switchTo(path: string | null, upToDamage: boolean): Promise<void>;
}

export function createReplayControl(d: ReplayControlDeps): ReplayControl {
  let busy = false;
  return {
    list: () => d.status.list(),
    async switchTo(path, upToDamage) {
      if (busy) throw new Error('a switch to replay is already under way');
      const file = path ?? d.status.fallback()?.entry.path ?? null;
      if (!file) throw new Error('there is no recording of this deck to switch to: walk the show once (on the real cluster, ideally) to make one');
      busy = true;
      try {
        const deck = d.deck();
        const message = await switchToRecording({
          cluster: d.cluster,
          file,
          upToDamage,
          dataDir: d.dataDir,
          chapter: d.chapter(),
          deck: { ...deck, slug: deckSlug(deck.file) },
          openFaults: d.openFaults().map((f) => ({ kind: f.spec.kind, node: f.node })),
          endRecording: (reason) => d.recording.close(reason)
        });
        d.log('switch to replay', 'ok', message);
      } catch (e) {
        d.log('switch to replay', 'failed', (e as Error).message);
        throw e;
      } finally {
        busy = false;
      }
    }
  };
}
