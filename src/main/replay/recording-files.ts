// Recordings on disk: the list under <data-dir>/recordings (header only, for the picker and the
// preflight), the one to offer for a deck, and loading one into a replay engine.
//
// A recording may be opened from any path (--replay, or a path a view sends), and both boot and
// the switch read it synchronously on the main thread: only regular files are read, up to a size
// cap (like the deck reader, src/main/show/deck-file.ts). A FIFO would block the thread until a
// writer came; a device such as /dev/zero never ends, and reading it whole aborts the process.
import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { capText, unreadableAs } from '../file-kind';
import { headerLine, RECORDINGS_DIR, utcMinute, type HeaderLine } from './recording-format';
import { parseRecording } from './recording-reader';
import { createReplayEngine, type ReplayEngine, type ReplayEngineOptions } from './replay-engine';

/** About 0.6 MB an hour of show: 64 MB is days of recording, and still loads in about a second. */
export const RECORDING_MAX_BYTES = 64 * 1024 * 1024;
/** How much of a file the listing reads for its header line. */
const HEADER_MAX_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface RecordingEntry {
  path: string;
  file: string;
  header: HeaderLine;
  bytes: number;
}

/** Why a file cannot be a recording (not a regular file, too large), or null. */
const refusal = (s: Stats, maxBytes: number): string | null => unreadableAs(s, 'recording', maxBytes);

type Bytes = { ok: true; buf: Buffer; size: number } | { ok: false; why: string };

/**
 * The first `want` bytes of a recording (all of it when it is shorter), or why it cannot be
 * read. The file is checked before it is opened (opening a FIFO blocks until a writer comes) and
 * again once open; it is opened with O_NONBLOCK so a file swapped for a FIFO in between still
 * opens at once. More than `maxBytes` (a file still growing) is an error.
 */
function readHead(path: string, want: number, maxBytes: number = RECORDING_MAX_BYTES): Bytes {
  let fd: number;
  try {
    const bad = refusal(statSync(path), maxBytes);
    if (bad) return { ok: false, why: bad };
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
  try {
    const s = fstatSync(fd);
    const bad = refusal(s, maxBytes);
    if (bad) return { ok: false, why: bad };
    const chunks: Buffer[] = [];
    let len = 0;
    const limit = Math.min(want, maxBytes + 1);
    while (len < limit) {
      const buf = Buffer.alloc(Math.min(CHUNK_BYTES, limit - len));
      const n = readSync(fd, buf, 0, buf.length, len);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      len += n;
    }
    if (len > maxBytes) return { ok: false, why: `it grew past ${capText(maxBytes)} while being read` };
    return { ok: true, buf: Buffer.concat(chunks, len), size: s.size };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

/** The first line of a file, read without loading the rest; null when it cannot be a recording. */
function firstLine(path: string): { line: string; bytes: number } | null {
  const r = readHead(path, HEADER_MAX_BYTES);
  if (!r.ok) return null;
  const text = r.buf.toString('utf8');
  const nl = text.indexOf('\n');
  return { line: nl < 0 ? text : text.slice(0, nl), bytes: r.size };
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
    // Not a regular file, too large to play, unreadable or not JSON: not a recording to offer.
    const first = firstLine(path);
    if (!first) continue;
    try {
      const h = headerLine.safeParse(JSON.parse(first.line));
      if (h.success) out.push({ path, file, header: h.data, bytes: first.bytes });
    } catch {
      // not JSON
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
  const minute = utcMinute(pick.header.t);
  const when = minute === null ? 'time unknown' : `${minute} UTC`;
  return live
    ? { entry: pick, level: 'green', text: `a recording of this deck on the real cluster (${when}) can stand in: ${pick.file}` }
    : { entry: pick, level: 'amber', text: `only a recording from the simulator exists for this deck (${when}): ${pick.file}; record a rehearsal on the real cluster` };
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
  const bytes = readHead(path, Infinity);
  if (!bytes.ok) return { ok: false, error: `cannot read the recording ${path}: ${bytes.why}`, line: null, partial: false };
  const read = parseRecording(bytes.buf.toString('utf8'), { upToDamage: opts.upToDamage });
  if (!read.ok) {
    return { ok: false, error: `the recording ${name} is damaged: ${read.error}`, line: read.line, partial: read.line !== null && read.line > 1 };
  }
  const made = createReplayEngine({ ...opts, recording: read.recording, file: path, damage: read.damage });
  if (!made.ok) return { ok: false, error: `the recording ${name} cannot be replayed: ${made.error}`, line: null, partial: false };
  return made;
}
