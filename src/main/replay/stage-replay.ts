// Record and replay as the stage uses it, in one place so the composition root stays a list of
// parts: the show's recording (snapshots, container events, beats), the replay's status for the
// presenter view and the preflight, and the switch to a recording mid-show.
import type { ClusterSnapshot } from '../../shared/cluster';
import type { PreflightReport } from '../../shared/preflight';
import type { FaultRecord, ReplayExtras } from '../../shared/show';
import type { ActionRunner } from '../stage/actions';
import type { Journal } from '../stage/journal';
import { withBeatRecording } from './beat-recording';
import { deckSlug } from './recording-format';
import { withReplayRestores } from './replay-actions';
import { createReplayControl, type ReplayControl } from './replay-control';
import { createReplayStatus, withRecordingLine } from './replay-status';
import { recordShow, type ShowRecording } from './show-recording';
import type { SwitchableCluster } from './switchable-cluster';

export interface StageReplayOptions {
  dataDir: string;
  cluster: SwitchableCluster;
  deck: { file: string; title: string };
  journal: Journal;
  log(line: string): void;
  /** The cluster feed's last snapshot (read lazily: the feed is made after this). */
  snapshot(): ClusterSnapshot | null;
}

export interface StageReplay {
  recording: ShowRecording;
  /** The deck was replaced (openDeck, a reload): the recording offered is the new deck's. */
  setDeck(deck: { file: string; title: string }): void;
  /** Every beat to the recording (with the node it hit); in replay, restores reach the recording too. */
  wrapActions(runner: ActionRunner, at: { chapterId(): string | null; lastFaultNode(): string | null }): ActionRunner;
  extras(): ReplayExtras;
  /** The preflight board, with the line about this deck's backup recording. */
  preflight(report: PreflightReport): PreflightReport;
  control(at: { chapter(): number; openFaults(): FaultRecord[] }): ReplayControl;
  onSnapshot(s: ClusterSnapshot): void;
  close(): void;
}

export function createStageReplay(o: StageReplayOptions): StageReplay {
  const { cluster } = o;
  let deck = o.deck;
  cluster.replay?.setDeck({ ...deck, slug: deckSlug(deck.file) });
  const recording = recordShow({ dataDir: o.dataDir, cluster, deck, notice: o.journal.notice, log: o.log });
  const status = createReplayStatus({
    dataDir: o.dataDir,
    deckSlug: () => deckSlug(deck.file),
    mode: () => cluster.mode,
    snapshot: o.snapshot,
    recordingTo: () => recording.recorder?.path ?? null,
    engine: () => cluster.replay ?? null
  });
  return {
    recording,
    setDeck(d) {
      deck = d;
      cluster.replay?.setDeck({ ...d, slug: deckSlug(d.file) });
    },
    wrapActions: (runner, at) =>
      withBeatRecording(
        withReplayRestores(runner, () => cluster.replay ?? null),
        { recorder: () => recording.recorder, chapterId: at.chapterId, lastFaultNode: at.lastFaultNode }
      ),
    extras: () => status.extras(),
    preflight: (report) => withRecordingLine(report, status.fallback()),
    control: (at) =>
      createReplayControl({
        cluster,
        dataDir: o.dataDir,
        status,
        recording,
        deck: () => deck,
        chapter: at.chapter,
        openFaults: at.openFaults,
        log: (what, outcome, detail) => o.journal.log(what, outcome, detail)
      }),
    onSnapshot: (s) => recording.recorder?.snapshot(s),
    close: () => recording.close()
  };
}
