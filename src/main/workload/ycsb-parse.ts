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

export interface OpRate {
  count: number;
  /** Takes(s) of the last line, or null when the column is missing. */
  takes: number | null;
  /** Wall time (ms) of the last line. */
  at: number;
  /** Operations per second between the last two lines. */
  rate: number;
  p99Us: number | null;
}

export type RateState = Record<string, OpRate>;

/**
 * Folds one record into the per-operation state. A counter that goes down (a restarted
 * workload) starts a new baseline instead of producing a negative rate. Pure.
 */
export function trackRecord(state: RateState, r: YcsbRecord, at: number): RateState {
  const count = r.fields.Count ?? 0;
  const takes = r.fields['Takes(s)'] ?? null;
  const p99Us = r.fields['99th(us)'] ?? null;
  const prev = state[r.op];
  let rate = 0;
  if (prev && count >= prev.count && (takes === null || prev.takes === null || takes >= prev.takes)) {
    // Prefer go-ycsb's own clock; fall back to when we saw the lines.
    const dt = takes !== null && prev.takes !== null && takes > prev.takes ? takes - prev.takes : (at - prev.at) / 1000;
    rate = dt > 0 ? (count - prev.count) / dt : prev.rate;
  } else if (!prev && r.fields.OPS !== undefined && takes !== null && takes <= 2) {
    // The first line of a fresh run covers only its first interval: its average is a rate.
    rate = r.fields.OPS;
  }
  return { ...state, [r.op]: { count, takes, at, rate, p99Us } };
}

export interface WorkloadFigures {
  ops: number;
  errors: number;
  p99Ms: number | null;
}

/** Sums the live rates: successful operations (TOTAL when it is all there is), and errors. */
export function summarize(state: RateState, now: number, staleMs = 5000): WorkloadFigures {
  let ops = 0;
  let errors = 0;
  let p99: number | null = null;
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
    if (s.p99Us !== null) p99 = Math.max(p99 ?? 0, s.p99Us / 1000);
  }
  if (!sawOp && total !== null) ops = total;
  return { ops: round1(ops), errors: round1(errors), p99Ms: p99 === null ? null : round1(p99) };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
