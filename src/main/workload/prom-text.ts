// The sample lines of Prometheus' text exposition format (name{label="v",...} value [ts]).
// parse-prometheus-text-format was tried first: it folds a labelled histogram's series into
// one entry and drops `_count`, the very series we need (tikv_grpc_msg_duration_seconds_count),
// so this reads the sample lines directly. Pure.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g;

export function parsePromText(text: string, keep?: (name: string) => boolean): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const name = m[1]!;
    if (keep && !keep(name)) continue;
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (Number.isNaN(value) && m[4] !== 'NaN') continue;
    const labels: Record<string, string> = {};
    if (m[3]) for (const l of m[3].matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name, labels, value });
  }
  return out;
}

/** Requests served by one TiKV so far: the sum of tikv_grpc_msg_duration_seconds_count over types. */
export function tikvRequestCount(text: string): number | null {
  const samples = parsePromText(text, (n) => n === 'tikv_grpc_msg_duration_seconds_count');
  if (samples.length === 0) return null;
  return samples.reduce((s, x) => s + (Number.isFinite(x.value) ? x.value : 0), 0);
}

/**
 * Requests this TiKV failed to serve so far: the sum of tikv_grpc_msg_fail_total over types
 * (a gRPC handler that ended in an error). Region errors (not leader, epoch) are answers, not
 * failures: clients retry them. null when the series is absent.
 */
export function tikvFailureCount(text: string): number | null {
  const samples = parsePromText(text, (n) => n === 'tikv_grpc_msg_fail_total');
  if (samples.length === 0) return null;
  return samples.reduce((s, x) => s + (Number.isFinite(x.value) ? x.value : 0), 0);
}
