// Reads a recording's text back into its parts. Pure. A damaged or truncated recording is an
// error naming the line, or, when the caller chooses (`upToDamage`), the lines before the damage
// with the damage reported beside them.
import { ZodError } from 'zod';
import {
  FORMAT_VERSION,
  applyDelta,
  headerLine,
  incompleteRow,
  recordingLine,
  type BeatLine,
  type ContainerLine,
  type CoreSnapshot,
  type EndLine,
  type HeaderLine,
  type LoadLine
} from './recording-format';

export interface Recording {
  header: HeaderLine;
  /** The cluster's core after each snapshot line, in time order. */
  snaps: { t: number; core: CoreSnapshot }[];
  containers: ContainerLine[];
  loads: LoadLine[];
  beats: BeatLine[];
  /** The end line of a show that closed cleanly; null after a crash (still playable). */
  end: EndLine | null;
  /** Lines read (the header included). */
  lines: number;
}

export interface Damage {
  /** 1-based line number. */
  line: number;
  why: string;
}

export type ReadResult =
  | { ok: true; recording: Recording; damage: Damage | null }
  | { ok: false; error: string; line: number | null };

export interface ReadOptions {
  /** Play the lines before a damaged one instead of refusing the whole recording. */
  upToDamage?: boolean;
}

function explain(e: unknown): string {
  if (e instanceof ZodError) {
    const i = e.issues[0];
    return `unexpected content${i ? ` at ${i.path.join('.') || 'top level'}: ${i.message}` : ''}`;
  }
  return `not JSON (${(e as Error).message})`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, why: explain(e) };
  }
}

const byTime = <T extends { t: number }>(xs: T[]): T[] => xs.map((x, i) => [x, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).map(([x]) => x);

export function parseRecording(text: string, opts: ReadOptions = {}): ReadResult {
  const rows = text.split('\n');
  // A file that ends with a newline has an empty last piece; one that does not was cut mid-line.
  const cut = rows.length > 0 && rows[rows.length - 1] !== '';
  if (!cut) rows.pop();
  const first = rows[0];
  if (first === undefined || first.trim() === '') return { ok: false, error: 'the recording is empty', line: 1 };
  const h = parseJson(first);
  const hp = h.ok ? headerLine.safeParse(h.value) : null;
  if (!hp?.success) {
    const why = !h.ok ? h.why : explain(hp?.error);
    return { ok: false, error: `line 1 is not a recording header: ${why}`, line: 1 };
  }
  const header = hp.data;
  if (header.format > FORMAT_VERSION)
    return { ok: false, error: `line 1: format ${header.format} was written by a newer TiKV Stage (this one reads format ${FORMAT_VERSION})`, line: 1 };

  const rec: Recording = { header, snaps: [], containers: [], loads: [], beats: [], end: null, lines: 1 };
  let core: CoreSnapshot | null = null;
  let damage: Damage | null = null;
  for (let i = 1; i < rows.length; i++) {
    const raw = rows[i]!;
    const n = i + 1;
    if (raw.trim() === '') continue;
    const j = parseJson(raw);
    const p = j.ok ? recordingLine.safeParse(j.value) : null;
    let why: string | null = !j.ok ? j.why : p && !p.success ? explain(p.error) : null;
    if (!why && p?.success && p.data.k === 'delta') {
      if (!core) why = 'a change before any full snapshot';
      else {
        const bad = incompleteRow(core, p.data);
        if (bad) why = `a change that adds the ${bad} without all its fields`;
      }
    }
    if (why) {
      const truncated = cut && i === rows.length - 1;
      damage = { line: n, why: truncated ? `cut off mid-line (${why})` : why };
      break;
    }
    const line = p!.data!;
    rec.lines = n;
    switch (line.k) {
      case 'snap':
        core = line.s;
        rec.snaps.push({ t: line.t, core });
        break;
      case 'delta':
        core = applyDelta(core!, line);
        rec.snaps.push({ t: line.t, core });
        break;
      case 'container':
        rec.containers.push(line);
        break;
      case 'load':
        rec.loads.push(line);
        break;
      case 'beat':
        rec.beats.push(line);
        break;
      case 'end':
        rec.end = line;
        break;
    }
  }
  if (damage && !opts.upToDamage) return { ok: false, error: `line ${damage.line}: ${damage.why}`, line: damage.line };
  // Beats are written when their action has finished, so lines are not quite in time order.
  rec.snaps = byTime(rec.snaps);
  rec.containers = byTime(rec.containers);
  rec.loads = byTime(rec.loads);
  rec.beats = byTime(rec.beats);
  return { ok: true, recording: rec, damage };
}
