// Small pieces of Slidev's syntax that a deck's slides use: durations with units (`35min`,
// `1h10m`, `10:30`) and slot markers (`::right::`) that cut a slide's body into named parts.
// Pure.
import { codeLines } from './fences';

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  secs: 1,
  m: 60,
  min: 60,
  mins: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600
};

export type DurationResult = { ok: true; seconds: number } | { ok: false; error: string };

/**
 * Seconds from a duration as Slidev's parseTimeString reads it: a number (seconds), `90`,
 * `35min`, `3mins 5secs`, `1h10m30s`, `10:50` (m:s) or `1:10:50` (h:m:s). Days and longer,
 * which Slidev also takes, are refused: no talk lasts that long.
 */
export function parseDuration(value: unknown): DurationResult {
  if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, seconds: value } : { ok: false, error: 'not a number' };
  if (typeof value !== 'string' || value.trim() === '') return { ok: false, error: 'expected seconds or a time like 35min' };
  const s = value.trim();
  if (s.includes(':')) {
    const parts = s.split(':').map((p) => (p.trim() === '' ? NaN : Number(p)));
    if (parts.length > 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) return { ok: false, error: `"${s}" is not a time like 10:30` };
    return { ok: true, seconds: parts.reduce((acc, p) => acc * 60 + p, 0) };
  }
  if (/^\d+(\.\d+)?$/.test(s)) return { ok: true, seconds: Number(s) };
  let seconds = 0;
  // (?<![\d.]): a number never starts inside another, so a long run of digits with no unit is
  // tried once, not once per digit (quadratic). A match there could never be part of a valid time.
  const rest = s.replace(/(?<![\d.])(\d+(?:\.\d+)?)\s*([a-z]+)/gi, (_m, n: string, unit: string) => {
    const per = UNIT_SECONDS[unit.toLowerCase()];
    if (per === undefined) {
      seconds = NaN;
      return '';
    }
    seconds += Number(n) * per;
    return '';
  });
  if (Number.isNaN(seconds)) return { ok: false, error: `"${s}" has a unit other than s, min or h` };
  if (rest.trim() !== '') return { ok: false, error: `"${s}" is not a time like 35min or 1h10m` };
  return { ok: true, seconds };
}

const SLOT = /^::\s*([\w-]+)\s*::$/;

export interface Slots {
  /** The body before the first marker (or under `::default::`). */
  main: string;
  /** Each named slot's Markdown, e.g. `right` for `::right::`. */
  named: Record<string, string>;
}

/**
 * Cuts a slide body at Slidev's slot markers: a line that is only `::name::`, outside code
 * fences. `::default::` goes back to the main slot. Parts of the same slot are joined.
 */
export function splitSlots(body: string): Slots {
  const parts: Record<string, string[]> = { default: [] };
  let slot = 'default';
  const lines = body.split('\n');
  const code = codeLines(lines);
  for (const [i, line] of lines.entries()) {
    const m = code[i] ? null : SLOT.exec(line.trim());
    if (m) {
      slot = m[1] ?? 'default';
      parts[slot] ??= [];
      continue;
    }
    (parts[slot] ??= []).push(line);
  }
  const named: Record<string, string> = {};
  for (const [name, lines] of Object.entries(parts)) if (name !== 'default') named[name] = lines.join('\n').trim();
  return { main: (parts.default ?? []).join('\n').trim(), named };
}
