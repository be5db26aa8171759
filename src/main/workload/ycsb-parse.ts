// go-ycsb's periodic status lines, parsed generically, and live rates derived from them.
// Every value go-ycsb prints is cumulative since that operation's first sample, so rates come
// from the change between two lines of the same operation. The columns changed over time
// (TOTAL and the 50th/90th/95th columns date from 2023-01), so pairs are read by name.

export interface YcsbRecord {
  /** READ, UPDATE, TOTAL, READ_ERROR, ... */
  op: string;
  /** Every "Key: value" pair as a number: Takes(s), Count, OPS, Avg(us), 99th(us), ... */
  fields: Record<string, number>;
}

const PLAIN = /^([A-Z][A-Z0-9_]*)\s+-\s+(.*)$/;

/**
 * One output line → the records it holds: one for a plain line
 * (`READ   - Takes(s): 10.0, Count: 48211, OPS: 4821.1, ...`), several for a JSON line
 * (`-p outputstyle=json`: an array of objects whose values are all strings), none otherwise.
 */
export function parseYcsbLine(raw: string): YcsbRecord[] {
  // Docker log lines may carry a timestamp or a carriage return.
  const line = raw.replace(/\r$/, '').trim();
  if (line.startsWith('[')) return parseJsonLine(line);
  const m = PLAIN.exec(line);
  if (!m) return [];
  const fields: Record<string, number> = {};
  for (const pair of m[2]!.split(',')) {
    const i = pair.lastIndexOf(':');
    if (i <= 0) continue;
    const key = pair.slice(0, i).trim();
    const value = Number(pair.slice(i + 1).trim());
    if (key && Number.isFinite(value)) fields[key] = value;
  }
  if (fields.Count === undefined) return [];
  return [{ op: m[1]!, fields }];
}

function parseJsonLine(line: string): YcsbRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const out: YcsbRecord[] = [];
  for (const row of data) {
    if (!row || typeof row !== 'object') continue;
    const entries = Object.entries(row as Record<string, unknown>);
    // The operation's column is "Operation"; fall back to the one value that is an op name.
    const opEntry =
      entries.find(([k]) => k === 'Operation') ??
      entries.find(([, v]) => typeof v === 'string' && /^[A-Z][A-Z0-9_]*$/.test(v));
    if (!opEntry || typeof opEntry[1] !== 'string') continue;
    const fields: Record<string, number> = {};
    for (const [k, v] of entries) {
      if (k === opEntry[0]) continue;
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
      if (Number.isFinite(n)) fields[k] = n;
    }
    if (fields.Count !== undefined) out.push({ op: opEntry[1], fields });
  }
  return out;
}

/** One status line of one operation, as kept for the latency window. */
export interface LineSample {
  /** When the line was seen, on a monotonic clock (ms): a stepped wall clock would skew rates and staleness. */
  at: number;
  /** Takes(s), or null when the column is missing. */
  takes: number | null;
  count: number;
  /** Avg(us): go-ycsb prints int64(mean), so the true mean lies in [avg, avg + 1). */
  avgUs: number | null;
}

export interface OpRate {
  count: number;
  /** Takes(s) of the last line, or null when the column is missing. */
  takes: number | null;
  /** When the last line was seen, on the same monotonic clock (ms). */
  at: number;
  /** Operations per second between the last two lines. */
  rate: number;
  /** The lines of the last KEEP_S seconds, oldest first (the newest is this line). */
  samples: LineSample[];
}

export type RateState = Record<string, OpRate>;

/** How much line history each operation keeps: enough for any latency window we show. */
export const KEEP_S = 30;
/** The latency window: long enough that Avg's truncation to whole µs stays small against ΔCount. */
export const LATENCY_WINDOW_S = 5;

/** go-ycsb's own clock when both lines have it, else when we saw the lines. */
function clockS(x: LineSample, ref: LineSample): number {
  return x.takes !== null && ref.takes !== null ? x.takes : x.at / 1000;
}

/**
 * Folds one record into the per-operation state, seen at `at` (monotonic ms). A counter that goes down (a restarted
 * workload) starts a new baseline instead of producing a negative rate. Pure.
 */
export function trackRecord(state: RateState, r: YcsbRecord, at: number): RateState {
  const count = r.fields.Count ?? 0;
  const takes = r.fields['Takes(s)'] ?? null;
  const sample: LineSample = { at, takes, count, avgUs: r.fields['Avg(us)'] ?? null };
  const prev = state[r.op];
  let rate = 0;
  const continues = prev !== undefined && count >= prev.count && (takes === null || prev.takes === null || takes >= prev.takes);
  if (prev && continues) {
    // Prefer go-ycsb's own clock; fall back to when we saw the lines.
    const dt = takes !== null && prev.takes !== null && takes > prev.takes ? takes - prev.takes : (at - prev.at) / 1000;
    rate = dt > 0 ? (count - prev.count) / dt : prev.rate;
  } else if (!prev && r.fields.OPS !== undefined && takes !== null && takes <= 2) {
    // The first line of a fresh run covers only its first interval: its average is a rate.
    rate = r.fields.OPS;
  }
  const kept = continues && prev ? prev.samples.filter((x) => clockS(x, sample) >= clockS(sample, x) - KEEP_S) : [];
  kept.push(sample);
  return { ...state, [r.op]: { count, takes, at, rate, samples: kept } };
}

/**
 * The mean latency of the operations that completed in the last `windowS` seconds, from
 * go-ycsb's cumulative counters: Σ latency = Avg × Count, so the window's mean is
 * ΔΣ / ΔCount between the newest line and the one `windowS` earlier. go-ycsb's own 99th(us)
 * cannot be windowed this way: its histogram is never reset, a since-start figure. Pure.
 */
export function windowedMean(
  state: RateState,
  now: number,
  windowS = LATENCY_WINDOW_S,
  staleMs = 5000
): { ms: number; spanS: number } | null {
  let dSum = 0;
  let dCount = 0;
  let span = 0;
  for (const [op, s] of Object.entries(state)) {
    if (op === 'TOTAL' || op.endsWith('_ERROR') || now - s.at > staleMs) continue;
    const newest = s.samples[s.samples.length - 1];
    if (!newest || newest.avgUs === null) continue;
    let base: LineSample | null = null;
    for (const x of s.samples) if (x !== newest && clockS(x, newest) <= clockS(newest, x) - windowS) base = x;
    base ??= s.samples.length > 1 ? s.samples[0]! : null;
    // A fresh run's first line covers everything since its start.
    if (base === null && newest.takes !== null && newest.takes <= windowS) base = { at: newest.at - newest.takes * 1000, takes: 0, count: 0, avgUs: 0 };
    if (base === null || base.avgUs === null || newest.count <= base.count) continue;
    // int64(mean) truncates: +0.5 µs takes the bias out of both sums.
    const sum = (x: LineSample): number => (x.count === 0 ? 0 : ((x.avgUs ?? 0) + 0.5) * x.count);
    dSum += sum(newest) - sum(base);
    dCount += newest.count - base.count;
    span = Math.max(span, clockS(newest, base) - clockS(base, newest));
  }
  if (dCount <= 0) return null;
  return { ms: Math.max(0, dSum / dCount) / 1000, spanS: span };
}

export interface WorkloadFigures {
  ops: number;
  errors: number;
  /** Always null for go-ycsb: its 99th(us) is since the run began, not live. */
  p99Ms: number | null;
  latency: { ms: number; label: string } | null;
}

/** The label of a windowed mean: "mean, last 5 s". Pure. */
export function meanLabel(spanS: number): string {
  return `mean, last ${Math.max(1, Math.round(spanS))} s`;
}

/** Sums the live rates: successful operations (TOTAL when it is all there is), and errors. `now` is on the lines' monotonic clock. */
export function summarize(state: RateState, now: number, staleMs = 5000): WorkloadFigures {
  let ops = 0;
  let errors = 0;
  let total: number | null = null;
  let sawOp = false;
  for (const [op, s] of Object.entries(state)) {
    // An operation that stopped printing has stopped happening.
    const rate = now - s.at > staleMs ? 0 : s.rate;
    if (op.endsWith('_ERROR')) {
      errors += rate;
      continue;
    }
    if (op === 'TOTAL') {
      total = rate;
      continue;
    }
    sawOp = true;
    ops += rate;
  }
  if (!sawOp && total !== null) ops = total;
  const mean = windowedMean(state, now, LATENCY_WINDOW_S, staleMs);
  return {
    ops: round1(ops),
    errors: round1(errors),
    p99Ms: null,
    latency: mean === null ? null : { ms: round2(mean.ms), label: meanLabel(mean.spanS) }
  };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round2 = (x: number): number => Math.round(x * 100) / 100;
