// What the presenter view is told about recording and replay (ShowState.presenter.replay), and
// the preflight's line about the backup recording. The recordings folder is read at most every
// few seconds: the show's state is built on every change.
import { basename } from 'node:path';
import type { ClusterSnapshot, Mode } from '../../shared/cluster';
import type { PreflightLine, PreflightReport } from '../../shared/preflight';
import type { RecordingSummary, ReplayExtras } from '../../shared/show';
import { listRecordings, recordingForDeck, type DeckRecording, type RecordingEntry } from './recording-files';
import type { ReplayEngine } from './replay-engine';

/** Live mode, and Docker or PD stopped answering: why, in plain words; else null. Pure. */
export function liveTroubleOf(mode: Mode, s: ClusterSnapshot | null): string | null {
  if (mode !== 'live' || !s) return null;
  if (s.pdError) return `PD is not answering: ${s.pdError}`;
  if (s.containerNote) return `Docker is not answering: ${s.containerNote}`;
  return null;
}

const summary = (e: RecordingEntry): RecordingSummary => ({
  path: e.path,
  file: e.file,
  madeAt: e.header.t,
  madeIn: e.header.mode,
  deckTitle: e.header.deck.title
});

/** The preflight's line about the backup recording: green from a real cluster, amber otherwise. Pure. */
export function recordingLine(pick: DeckRecording | null): PreflightLine {
  if (!pick)
    return {
      id: 'recording',
      ok: true,
      warn: true,
      title: 'A recording of this deck to fall back on',
      detail: 'none yet: every show is recorded, so a rehearsal on the real cluster makes one',
      fix: 'walk the show once on the real cluster (npm start -- --mode live) to record a backup'
    };
  return {
    id: 'recording',
    ok: true,
    warn: pick.level === 'amber',
    title: 'A recording of this deck to fall back on',
    detail: pick.text,
    fix: pick.level === 'amber' ? 'walk the show once on the real cluster (npm start -- --mode live) to record a backup' : null
  };
}

export function withRecordingLine(report: PreflightReport, pick: DeckRecording | null): PreflightReport {
  return { ...report, lines: [...report.lines, recordingLine(pick)] };
}

export interface ReplayStatusOptions {
  dataDir: string;
  deckSlug(): string;
  mode(): Mode;
  snapshot(): ClusterSnapshot | null;
  /** The file this show is being recorded to (never offered as its own fallback). */
  recordingTo(): string | null;
  engine(): ReplayEngine | null;
  now?: () => number;
  /** How long a listing of the recordings folder is reused (default 5 s). */
  cacheMs?: number;
}

export interface ReplayStatus {
  extras(): ReplayExtras;
  /** Every recording, newest first (read now). */
  list(): RecordingSummary[];
  /** This deck's fallback recording (read now). */
  fallback(): DeckRecording | null;
}

export function createReplayStatus(opts: ReplayStatusOptions): ReplayStatus {
  const now = opts.now ?? Date.now;
  let cache: { at: number; entries: RecordingEntry[] } | null = null;
  const entries = (fresh: boolean): RecordingEntry[] => {
    if (fresh || !cache || now() - cache.at > (opts.cacheMs ?? 5000)) {
      const own = opts.recordingTo();
      cache = { at: now(), entries: listRecordings(opts.dataDir).filter((e) => e.path !== own) };
    }
    return cache.entries;
  };
  const fallback = (fresh: boolean): DeckRecording | null => recordingForDeck(entries(fresh), opts.deckSlug());
  return {
    extras() {
      const engine = opts.engine();
      const pick = fallback(false);
      const i = engine?.info;
      return {
        recordingTo: opts.recordingTo(),
        playing: i
          ? {
              path: i.file,
              file: basename(i.file),
              madeAt: i.madeAt,
              madeIn: i.madeIn,
              deckTitle: i.deckTitle,
              madeWhy: i.madeWhy,
              otherDeck: i.otherDeck,
              damagedAtLine: i.damage?.line ?? null,
              notes: engine.notes()
            }
          : null,
        fallback: pick ? { ...summary(pick.entry), level: pick.level } : null,
        liveTrouble: liveTroubleOf(opts.mode(), opts.snapshot())
      };
    },
    list: () => entries(true).map(summary),
    fallback: () => fallback(true)
  };
}
