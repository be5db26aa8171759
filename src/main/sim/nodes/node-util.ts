// Small helpers for the simulator's per-process roles (nodes/node-main.ts): time
// scaling with wall-clock floors, newline-delimited JSON over sockets, JSON over HTTP with a
// deadline, addresses. Node built-ins only (the roles are bundled into one file).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

/** The HTTP Upgrade token of a TiKV -> PD link (`GET /sim/v1/link`). */
export const LINK_PROTOCOL = 'tikv-stage-link';
export const LINK_PATH = '/sim/v1/link';

/** Liveness timings of the process roles, sim ms (floors and caps in wall ms are applied). */
export const NODE_TIMINGS = {
  /** TiKV -> PD link ping (raft liveness). */
  linkPing: 1_000,
  /** A link silent this long is a frozen / cut-off process. */
  linkTimeout: 3_000,
  /** PD -> PD member ping. */
  memberPing: 1_000,
  /** A member that did not answer this long is dead. */
  memberDead: 2_500,
  /** A TiKV that never linked to a fresh PD this long after its boot is not running. */
  bootGrace: 8_000
} as const;

/**
 * Sim ms -> wall ms at `speed`, never below `floorMs` (network round trips and process
 * scheduling do not get faster with the time scale) nor above `capMs`.
 */
export function scaled(speed: number, simMs: number, floorMs = 0, capMs = Number.POSITIVE_INFINITY): number {
  return Math.min(capMs, Math.max(floorMs, simMs / speed));
}

export function randomId(): string {
  return randomBytes(8).toString('hex');
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads newline-delimited JSON objects from a socket; bad lines are skipped. */
export function readLines(socket: Socket, head: Buffer | null, onMessage: (msg: Record<string, unknown>) => void): void {
  let buffer = '';
  const feed = (chunk: Buffer | string): void => {
    buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (buffer.length > 1 << 20) {
      socket.destroy();
      return;
    }
    let i = buffer.indexOf('\n');
    while (i >= 0) {
      const line = buffer.slice(0, i).trim();
      buffer = buffer.slice(i + 1);
      if (line) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          parsed = null;
        }
        if (isRecord(parsed)) onMessage(parsed);
      }
      i = buffer.indexOf('\n');
    }
  };
  if (head && head.length) feed(head);
  socket.on('data', feed);
  // Upgraded HTTP sockets are half-open: the peer's FIN only ends the readable side. A link
  // whose peer is gone is closed.
  socket.on('end', () => socket.destroy());
}

/** Writes one message; false when the socket is gone. */
export function sendLine(socket: Socket, msg: Record<string, Json>): boolean {
  if (socket.destroyed || !socket.writable) return false;
  socket.write(`${JSON.stringify(msg)}\n`);
  return true;
}

export type FetchResult = { ok: true; data: unknown } | { ok: false; refused: boolean };

/** Errors that mean "nothing listens there" (a dead or removed process), not "no answer yet". */
const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_NONAME']);

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, i = 0; cur && i < 5; i++) {
    if (isRecord(cur) && typeof cur.code === 'string') return cur.code;
    cur = isRecord(cur) || cur instanceof Error ? (cur as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

/**
 * GET a JSON document with a deadline that covers DNS, connect and body. A failure says
 * whether it was refused (connection refused or reset, name unknown) rather than timed out.
 */
export async function fetchJson(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<FetchResult> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(Math.max(1, Math.round(timeoutMs))) });
    if (res.status !== 200) {
      await res.arrayBuffer().catch(() => undefined);
      return { ok: false, refused: false };
    }
    return { ok: true, data: (await res.json()) as unknown };
  } catch (e) {
    const code = errorCode(e);
    return { ok: false, refused: code !== undefined && REFUSED.has(code) };
  }
}

/** GET a JSON document with a deadline; null on any failure. */
export async function getJson(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<unknown> {
  const r = await fetchJson(url, timeoutMs, headers);
  return r.ok ? r.data : null;
}

/** "host:port" -> parts; the port defaults to `defaultPort`. */
export function splitHostPort(addr: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(addr.trim());
  if (!m?.[1]) throw new Error(`not a host[:port] address: ${addr}`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port in ${addr}`);
  return { host: m[1], port };
}

/** `name` or `name=host:port` entries, comma separated. */
export function parseNamedAddrs(list: string, defaultPort: number): { name: string; host: string; port: number }[] {
  return list
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf('=');
      const name = eq < 0 ? entry : entry.slice(0, eq);
      const addr = eq < 0 ? entry : entry.slice(eq + 1);
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`bad member name: ${name}`);
      return { name, ...splitHostPort(addr, defaultPort) };
    });
}

/** A line on stderr with the role's name (docker logs shows it next to the go-ycsb output). */
export function logger(role: string): (msg: string) => void {
  return (msg) => process.stderr.write(`[${new Date().toISOString()}] [${role}] ${msg}\n`);
}

/** Calls `fn` every `ms`, and tells it how late it runs (a frozen process wakes up late). */
export function every(ms: number, fn: (now: number, lateBy: number) => void): () => void {
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const late = now - last - ms;
    last = now;
    try {
      fn(now, late);
    } catch (e) {
      process.stderr.write(`timer: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  }, ms);
  return () => clearInterval(timer);
}
