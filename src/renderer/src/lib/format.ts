// Plain-words formatting for the stage: "12 s ago", "+12 s", "in 3 s", "4,124".
// Pure functions, no DOM: tested in test/unit/renderer/format.test.ts.

const MINUS = '\u2212'; // a real minus sign, as wide as "+"

/** "just now", "12 s ago", "3 min ago", "2 h ago". `null` (never heard of) gives "never". */
export function agoText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'never';
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 1) return 'just now';
  if (s < 120) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min ago`;
  return `${Math.floor(min / 60)} h ago`;
}

/** "in 3 s", "in 2 min", "now". Rounds up so a countdown never shows "in 0 s" early. */
export function inText(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'now';
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `in ${s} s`;
  return `in ${Math.ceil(s / 60)} min`;
}

/** A signed offset from a reference moment: "+12 s", "−3 s", "+1 min 05 s". */
export function offsetText(ms: number): string {
  const sign = ms < 0 ? MINUS : '+';
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${sign}${s} s`;
  const min = Math.floor(s / 60);
  const rest = s % 60;
  return `${sign}${min} min ${String(rest).padStart(2, '0')} s`;
}

/** Elapsed time as a clock: "4:07", "12:30", "1:02:03". Negative counts as zero. */
export function elapsedText(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Wall clock "14:05:33" (24 h) in the local time zone. */
export function wallClockText(unixMs: number): string {
  const d = new Date(unixMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "4,124" (rounded, grouped). */
export function intText(n: number): string {
  return Number.isFinite(n) ? intFmt.format(n) : '—';
}

/** Operations per second for a big figure: "4,124", or "12.5" below 100. */
export function opsText(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.abs(n) < 100 && n % 1 !== 0 ? oneFmt.format(n) : intFmt.format(n);
}

/** p99 latency: "8.4 ms", "120 ms", "1.2 s"; null gives "—". */
export function latencyText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${oneFmt.format(ms / 1000)} s`;
  if (ms < 10) return `${oneFmt.format(ms)} ms`;
  return `${intFmt.format(ms)} ms`;
}

/** Errors per second: "0", "3.5", "1,200". */
export function rateText(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  return Math.abs(n) < 10 ? oneFmt.format(n) : intFmt.format(n);
}

/** A plain machine-readable number for data attributes: 4123.5 (at most one decimal, no grouping). */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  return String(Math.round(n * 10) / 10);
}

/** A leader-count change as a badge: "+3", "−3". */
export function deltaText(d: number): string {
  return d > 0 ? `+${intText(d)}` : `${MINUS}${intText(Math.abs(d))}`;
}

/** "3 / 8" from a 0-based index. */
export function chapterIndexText(index: number, total: number): string {
  return `${index + 1} / ${total}`;
}

/** A per-store rate, short for the map: "820", "1.4k", "14k", "1.2M" (ops/s). */
export function compactOpsText(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000) return intFmt.format(n);
  if (a < 10_000) return `${oneFmt.format(n / 1000)}k`;
  if (a < 1_000_000) return `${intFmt.format(n / 1000)}k`;
  return `${oneFmt.format(n / 1_000_000)}M`;
}

/** Wall clock without seconds, for a corner: "14:05". */
export function shortClockText(unixMs: number): string {
  const d = new Date(unixMs);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
