// The bench's figures, targets and table. Pure: tested in test/unit/bench/report.test.ts.

export function quantile(xs: readonly number[], q: number): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  // Nearest rank: the value at or below which a share q of the samples lie.
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
export const p95 = (xs: readonly number[]): number => quantile(xs, 0.95);

/** Growth from the first sample to the last, in % of the first. */
export function growthPct(samples: readonly number[]): number {
  if (samples.length < 2 || !(samples[0]! > 0)) return NaN;
  return ((samples[samples.length - 1]! - samples[0]!) / samples[0]!) * 100;
}

/** How much samples taken once a loop grow per loop: the median of the slopes between every
 *  two samples (Theil–Sen). A heap that keeps something from every loop shows its whole growth;
 *  one read that a GC left high (100 KB over its neighbours, once, seen in a jitless soak here)
 *  does not tilt the line as a least-squares fit lets it. */
export function slopePerLoop(samples: readonly number[]): number {
  const n = samples.length;
  if (n < 2 || !samples.every(Number.isFinite)) return NaN;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) slopes.push((samples[j]! - samples[i]!) / (j - i));
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}

export interface Figure {
  /** Key in bench-results.json. */
  key: string;
  label: string;
  value: number;
  unit: string;
  /** The figure must stay below this, or null when there is no target. */
  below: number | null;
  /** The figure must reach at least this (PD's Disconnected vs the map's kill). */
  atLeast?: number | null;
  note?: string;
}

export type Verdict = 'pass' | 'FAIL' | '' | 'n/a';

export function verdict(f: Figure): Verdict {
  if (!Number.isFinite(f.value)) return 'n/a';
  if (f.below !== null) return f.value < f.below ? 'pass' : 'FAIL';
  if (f.atLeast !== undefined && f.atLeast !== null) return f.value >= f.atLeast ? 'pass' : 'FAIL';
  return '';
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 100 ? x.toFixed(1) : a >= 10 ? x.toFixed(2) : x.toFixed(3);
}

function target(f: Figure): string {
  if (f.below !== null) return `< ${f.below} ${f.unit}`;
  if (f.atLeast !== undefined && f.atLeast !== null) return `>= ${f.atLeast} ${f.unit}`;
  return '';
}

/** The one table the bench prints. */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.label, `${fmt(f.value)} ${f.unit}`, target(f), verdict(f), f.note ?? '']);
  const head = ['figure', 'value', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Bytes that arrived in [from, from + windowMs), per window, less the idle rate's share. */
export function bytesPerWindow(frames: readonly { at: number; bytes: number }[], starts: readonly number[], windowMs: number, idleBytesPerSec: number): number {
  if (starts.length === 0) return NaN;
  let total = 0;
  for (const s of starts) for (const f of frames) if (f.at >= s && f.at < s + windowMs) total += f.bytes;
  return Math.max(0, total / starts.length - (idleBytesPerSec * windowMs) / 1000);
}
