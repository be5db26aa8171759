// Go-compatible text formats used by PD's HTTP API, as pure functions:
// - JSON the way PD writes it (unrolled/render with IndentJSON: two-space indent, Go escaping),
//   with bigint values written textually so ids and nanosecond timestamps above 2^53 keep every
//   digit;
// - go-units sizes ("312.5MiB"), Go durations ("36m20.48s"), RFC3339Nano times.

/** A JSON value as PD emits it. `undefined` members are left out (Go's omitempty). */
export type GoJson =
  | null
  | boolean
  | number
  | string
  | bigint
  | GoJson[]
  | { [key: string]: GoJson | undefined };

/** json.MarshalIndent(v, "", "  "), bigints written as plain integers. */
export function goJson(value: GoJson, indent = '  '): string {
  const out: string[] = [];
  write(value, indent, '', out);
  return out.join('');
}

// Appends to one array joined once: the simulated PD writes every answer it serves this way,
// several a second, and building each nested level as its own string was a tenth of the idle
// app's CPU.
function write(v: GoJson, indent: string, pad: string, out: string[]): void {
  if (v === null) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(v.toString());
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
      // Go and JS agree on the shortest round-trip form and on when to switch to exponents
      // (< 1e-6 or >= 1e21); Go writes a two-digit exponent as e-07 and then trims it to e-7.
      out.push(Object.is(v, -0) ? '-0' : String(v));
      return;
    case 'string':
      out.push(goString(v));
      return;
    default:
      break;
  }
  const inner = pad + indent;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[\n');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',\n');
      out.push(inner);
      write(v[i] as GoJson, indent, inner, out);
    }
    out.push('\n', pad, ']');
    return;
  }
  let first = true;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const x = v[k];
    if (x === undefined) continue;
    out.push(first ? '{\n' : ',\n', inner, goString(k), ': ');
    first = false;
    write(x, indent, inner, out);
  }
  out.push(first ? '{}' : `\n${pad}}`);
}

/** What Go escapes that JSON.stringify leaves as it is. */
const GO_ONLY_ESCAPES = /[<>&\u2028\u2029]/;

/** Go's encoding/json string escaping (HTML-safe: <, > and & become \u003c, \u003e, \u0026). */
export function goString(s: string): string {
  const json = JSON.stringify(s);
  if (!GO_ONLY_ESCAPES.test(json)) return json;
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** go-units BytesSize: `%.4g` in binary units, e.g. "0B", "312.5MiB", "58.37GiB". */
export function goBytesSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < BINARY_UNITS.length - 1) {
    size /= 1024;
    i++;
  }
  return `${formatG4(size)}${BINARY_UNITS[i] ?? 'B'}`;
}

/** printf("%.4g") for 0 <= x < 10000 (what go-units ever passes). */
function formatG4(x: number): string {
  if (x === 0) return '0';
  let s = x.toPrecision(4);
  if (s.includes('e')) {
    // Only reachable for tiny values, which sizes never are; keep Go's look anyway.
    s = Number(s).toString();
  }
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;

/** time.Duration.String(): "0s", "1.5ms", "36m20.48s", "1h0m0s". */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < NS_PER_S) {
    let unit: string;
    let prec: number;
    if (u < 1000n) {
      unit = 'ns';
      prec = 0;
    } else if (u < NS_PER_MS) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const { intPart, frac } = splitFrac(u, prec);
    out = `${intPart}${frac}${unit}`;
  } else {
    const { intPart, frac } = splitFrac(u, 9);
    u = intPart;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Go's fmtFrac: the value's last `prec` digits as a fraction without trailing zeros. */
function splitFrac(v: bigint, prec: number): { intPart: bigint; frac: string } {
  if (prec === 0) return { intPart: v, frac: '' };
  const div = 10n ** BigInt(prec);
  const digits = (v % div).toString().padStart(prec, '0').replace(/0+$/, '');
  return { intPart: v / div, frac: digits ? `.${digits}` : '' };
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5
  'μs': 1000n, // U+03BC
  ms: NS_PER_MS,
  s: NS_PER_S,
  m: 60n * NS_PER_S,
  h: 3600n * NS_PER_S
};

/** time.ParseDuration; throws Go's error text, e.g. `time: invalid duration "abc"`. */
export function parseGoDuration(input: string): bigint {
  const quoted = `"${input}"`;
  let s = input;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    const intDigits = m?.[1] ?? '';
    const fracDigits = m?.[2] ?? '';
    if (!m || (intDigits === '' && fracDigits === '')) throw new Error(`time: invalid duration ${quoted}`);
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) throw new Error(`time: missing unit in duration ${quoted}`);
    const unit = DURATION_UNITS[u[0]];
    if (unit === undefined) throw new Error(`time: unknown unit "${u[0]}" in duration ${quoted}`);
    s = s.slice(u[0].length);
    total += BigInt(intDigits || '0') * unit;
    if (fracDigits !== '') {
      const scale = 10n ** BigInt(fracDigits.length);
      total += (BigInt(fracDigits) * unit) / scale;
    }
  }
  return neg ? -total : total;
}

/** time.Time in UTC formatted as RFC3339Nano (trailing zeros of the fraction dropped). */
export function rfc3339Nano(unixNs: bigint): string {
  const secs = unixNs / NS_PER_S;
  const fracNs = unixNs % NS_PER_S;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  const frac = fracNs === 0n ? '' : `.${fracNs.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${frac}Z`;
}

/** Hex of a raw key, upper case, the way PD's API prints region keys. */
export function hexKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('hex').toUpperCase();
}
