// Recordings on disk: the list under <data-dir>/recordings (header only, for the picker and the
// preflight), the one to offer for a deck, and loading one into a replay engine.
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { headerLine, RECORDINGS_DIR, type HeaderLine } from './recording-format';
import { parseRecording } from './recording-reader';
import { createReplayEngine, type ReplayEngine, type ReplayEngineOptions } from './replay-engine';

export interface RecordingEntry {
  path: string;
  file: string;
  header: HeaderLine;
  bytes: number;
}

/** The first line of a file, read without loading the rest. */
function firstLine(path: string, max = 64 * 1024): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    const n = readSync(fd, buf, 0, max, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const nl = text.indexOf('\n');
    return nl < 0 ? text : text.slice(0, nl);
  } finally {
    closeSync(fd);
  }
}

/** Every readable recording, newest first; files that are not recordings are left out. */
export function listRecordings(dataDir: string): RecordingEntry[] {
  const dir = join(dataDir, RECORDINGS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const out: RecordingEntry[] = [];
  for (const file of names) {
    const path = join(dir, file);
    try {
      const h = headerLine.safeParse(JSON.parse(firstLine(path)));
      if (h.success) out.push({ path, file, header: h.data, bytes: statSync(path).size });
    } catch {
      // unreadable or not JSON: not a recording to offer
    }
  }
  return out.sort((a, b) => b.header.t - a.header.t);
}

export interface DeckRecording {
  entry: RecordingEntry;
  /** Green when made on a real cluster; amber when only the simulator's exist. */
  level: 'green' | 'amber';
  text: string;
}

/** The recording to fall back on for a deck: the newest from a live cluster, else the newest from the simulator. */
export function recordingForDeck(entries: RecordingEntry[], slug: string): DeckRecording | null {
  const mine = entries.filter((e) => e.header.deck.slug === slug && e.header.mode !== 'replay');
  const live = mine.find((e) => e.header.mode === 'live');
  const pick = live ?? mine[0];
  if (!pick) return null;
  const when = new Date(pick.header.t).toISOString().replace('T', ' ').slice(0, 16);
  return live
    ? { entry: pick, level: 'green', text: `a recording of this deck on the real cluster (${when} UTC) can stand in: ${pick.file}` }
    : { entry: pick, level: 'amber', text: `only a recording from the simulator exists for this deck (${when} UTC): ${pick.file}; record a rehearsal on the real cluster` };
}

export interface LoadOptions extends Omit<ReplayEngineOptions, 'recording' | 'file' | 'damage'> {
  /** Play up to a damaged line instead of refusing the recording. */
  upToDamage?: boolean;
}

export type LoadResult =
  | { ok: true; engine: ReplayEngine }
  /** partial: the lines before the damage can be played (LoadOptions.upToDamage). */
  | { ok: false; error: string; line: number | null; partial: boolean };

/** Reads a recording and makes its replay engine; every refusal is a sentence naming the file. */
export function loadReplay(path: string, opts: LoadOptions = {}): LoadResult {
  const name = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, error: `cannot read the recording ${path}: ${(e as Error).message}`, line: null, partial: false };
  }
  const read = parseRecording(text, { upToDamage: opts.upToDamage });
  if (!read.ok) {
    return { ok: false, error: `the recording ${name} is damaged: ${read.error}`, line: read.line, partial: read.line !== null && read.line > 1 };
  }
  const made = createReplayEngine({ ...opts, recording: read.recording, file: path, damage: read.damage });
  if (!made.ok) return { ok: false, error: `the recording ${name} cannot be replayed: ${made.error}`, line: null, partial: false };
  return made;
}
