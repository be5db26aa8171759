// The PD HTTP client: undici `request` through one long-lived, injected Agent. Every call
// returns a result (never throws), with failures in plain words for the presenter. Every body
// is consumed (or the socket destroyed), so the keep-alive pool never stalls.
import { Agent, request, type Dispatcher } from 'undici';
import {
  bodyHead,
  excerpt,
  parseHealth,
  parseConfigObject,
  parseMaxReplicas,
  parseMembers,
  parseRegionCount,
  parseStores,
  stripTags,
  tagText,
  type ParseResult,
  type PdHealthEntry,
  type PdMembersInfo
} from './pd-parse';
import type { PdStoreView } from './types';

export const PD_API_PREFIX = '/pd/api/v1';

/** Why a PD call failed. `unreachable` and `timeout` mean PD is not answering at all. */
export type PdFailureKind = 'unreachable' | 'timeout' | 'no-leader' | 'http' | 'bad-body' | 'aborted';

export interface PdFailure {
  kind: PdFailureKind;
  /** Plain words for the presenter. */
  message: string;
  /** HTTP status when PD answered. */
  status?: number;
}

export type PdResult<T> = { ok: true; value: T } | { ok: false; error: PdFailure };

export interface PdCallOptions {
  /** Cancels the call (the poller's stop signal). */
  signal?: AbortSignal;
  /** Overrides the client's per-request timeout. */
  timeoutMs?: number;
}

export interface PdClient {
  readonly pdUrl: string;
  /** GET a path under /pd/api/v1 and return the body text of a 2xx answer. */
  getText(path: string, opts?: PdCallOptions): Promise<PdResult<string>>;
  stores(opts?: PdCallOptions): Promise<PdResult<PdStoreView[]>>;
  members(opts?: PdCallOptions): Promise<PdResult<PdMembersInfo>>;
  health(opts?: PdCallOptions): Promise<PdResult<PdHealthEntry[]>>;
  regionCount(opts?: PdCallOptions): Promise<PdResult<number>>;
  /** GET /ping: answered by the PD asked (never proxied to the leader), so it tells "this PD is up". */
  ping(opts?: PdCallOptions): Promise<PdResult<null>>;
  /** GET /config: the whole config (its schedule and replication sections come from the leader). */
  config(opts?: PdCallOptions): Promise<PdResult<Record<string, unknown>>>;
  /** GET /config/replicate: replication.max-replicas, checked (parseMaxReplicas). */
  maxReplicas(opts?: PdCallOptions): Promise<PdResult<number>>;
  /** POST a JSON body to a path under /pd/api/v1 (proxied to the leader); the answer's text. */
  postJson(path: string, body: unknown, opts?: PdCallOptions): Promise<PdResult<string>>;
  /** Closes the Agent if the client created it; an injected dispatcher is left alone. */
  close(): Promise<void>;
}

export interface PdAgentOptions {
  connections?: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

/** The one Agent for PD polls. undici's defaults (300 s header/body timeouts) suit nothing here. */
export function createPdAgent(opts: PdAgentOptions = {}): Agent {
  return new Agent({
    connections: opts.connections ?? 4,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 10_000,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    headersTimeout: opts.headersTimeoutMs ?? 2_000,
    bodyTimeout: opts.bodyTimeoutMs ?? 2_000
  });
}

export interface PdClientOptions {
  /** e.g. http://127.0.0.1:2379 (a missing scheme means http). */
  pdUrl: string;
  /** Injected Agent; when absent the client creates one and owns it. */
  dispatcher?: Dispatcher;
  /** Whole-request budget (connect + headers + body). Default 1500 ms. */
  timeoutMs?: number;
  /** Bodies larger than this are refused (the socket is destroyed). Default 8 MiB. */
  maxBodyBytes?: number;
}

/** Normalizes a PD URL to `scheme://host:port` (no trailing slash, no path). Throws on garbage. */
export function normalizePdUrl(pdUrl: string): string {
  const raw = pdUrl.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`Not a valid PD URL: "${pdUrl}" (expected something like http://127.0.0.1:2379)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Not a valid PD URL: "${pdUrl}" (only http and https are supported)`);
  }
  return url.origin;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Abort reasons we create ourselves, so a cancelled call is told apart from a timeout. */
class PdTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${formatSeconds(ms)}`);
    this.name = 'PdTimeout';
  }
}

class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`answer larger than ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s.toFixed(0) : String(Number(s.toFixed(2)))} s`;
}

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    if (depth > 4 || e === null || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const rec = e as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof rec.code === 'string') codes.push(rec.code);
    if (typeof rec.name === 'string') codes.push(rec.name);
    visit(rec.cause, depth + 1);
    if (Array.isArray(rec.errors)) for (const inner of rec.errors) visit(inner, depth + 1);
  };
  visit(err, 0);
  return codes;
}

const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

function isSocketReset(err: unknown): boolean {
  return errorCodes(err).some((c) => RESET_CODES.has(c));
}

/** Turns a transport error into plain words: "PD at http://… is not answering: connection refused". */
export function describeTransportError(pdUrl: string, err: unknown, timeoutMs: number): PdFailure {
  const notAnswering = (why: string, kind: PdFailureKind = 'unreachable'): PdFailure => ({
    kind,
    message: `PD at ${pdUrl} is not answering: ${why}`
  });
  if (err instanceof PdTimeout) return notAnswering(err.message, 'timeout');
  if (err instanceof BodyTooLarge) return { kind: 'bad-body', message: `PD at ${pdUrl} sent an ${err.message}` };
  const codes = errorCodes(err);
  const has = (c: string): boolean => codes.includes(c);
  if (has('ECONNREFUSED')) return notAnswering('connection refused');
  if (has('UND_ERR_CONNECT_TIMEOUT')) return notAnswering('could not connect in time', 'timeout');
  if (has('UND_ERR_HEADERS_TIMEOUT') || has('UND_ERR_BODY_TIMEOUT') || has('TimeoutError') || has('ETIMEDOUT')) {
    return notAnswering(`no answer within ${formatSeconds(timeoutMs)}`, 'timeout');
  }
  if (has('ENOTFOUND') || has('EAI_AGAIN')) return notAnswering('host name not found');
  if (has('EHOSTUNREACH') || has('ENETUNREACH') || has('EADDRNOTAVAIL')) return notAnswering('host unreachable');
  if (codes.some((c) => RESET_CODES.has(c))) return notAnswering('the connection was closed before an answer');
  if (has('AbortError') || has('UND_ERR_ABORTED')) return { kind: 'aborted', message: 'the request was cancelled' };
  const msg = err instanceof Error ? err.message : String(err);
  return notAnswering(excerpt(msg, 100) || 'unknown error');
}

const CANCELLED: PdFailure = { kind: 'aborted', message: 'the request was cancelled' };

const NO_LEADER = /ErrRedirectNoLeader|no leader/i;

/** PD's leader-redirect middleware waits up to this long for a leader before its 503. */
export const PD_REDIRECT_WAIT_MS = 3_000;

/** The words for a PD without a leader; the presenter view shows them as they are. */
export function electingMessage(detail: string): string {
  return `PD electing a leader: ${detail}`;
}

function describeStatus(pdUrl: string, path: string, status: number, statusText: string, fullBody: string): PdFailure {
  // Only the head of an error body is read: it may be megabytes, and what it says is at the top.
  const body = bodyHead(fullBody);
  if (status === 503 && NO_LEADER.test(body)) {
    return { kind: 'no-leader', status, message: electingMessage(`PD at ${pdUrl} has no leader to ask (it answered "redirect finds no leader")`) };
  }
  // The leader this PD still knows is gone (its lease has not run out yet): PD's reverse proxy
  // answers 500 "[PD:apiutil:ErrRedirect]redirect failed". An election follows.
  if (status === 500 && /ErrRedirect\]|redirect failed/i.test(body)) {
    return { kind: 'no-leader', status, message: electingMessage(`PD at ${pdUrl} cannot reach its leader (redirect failed)`) };
  }
  let detail = body;
  // PD's handlers answer errors as a JSON string.
  if (/^\s*"/.test(body)) {
    try {
      const v: unknown = JSON.parse(body);
      if (typeof v === 'string') detail = v;
    } catch {
      // keep the raw text
    }
  }
  if (/not bootstrapped/i.test(detail)) {
    return { kind: 'http', status, message: `PD at ${pdUrl} says the TiKV cluster is not bootstrapped yet (no TiKV has joined)` };
  }
  const title = tagText(detail, 'title');
  if (title !== undefined) detail = title;
  else if (/^\s*</.test(detail)) detail = stripTags(detail);
  const short = excerpt(detail, 120);
  const head = `PD at ${pdUrl} answered ${status}${statusText ? ` ${statusText}` : ''} for ${path}`;
  return { kind: 'http', status, message: short ? `${head}: "${short}"` : head };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
};

// ---------------------------------------------------------------------------------------------
// Body reading

async function readBody(body: Dispatcher.ResponseData['body'], limit: number, contentLength: string | undefined): Promise<string> {
  // Errors still reach the loop below; this only keeps a destroy() from being "unhandled".
  body.on('error', () => undefined);
  if (contentLength !== undefined && Number(contentLength) > limit) {
    // Drop it without reading it: destroying the body closes that one socket.
    body.destroy();
    throw new BodyTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new BodyTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

// ---------------------------------------------------------------------------------------------
// The client

export function createPdClient(opts: PdClientOptions): PdClient {
  const pdUrl = normalizePdUrl(opts.pdUrl);
  const owned = opts.dispatcher === undefined ? createPdAgent() : null;
  const dispatcher: Dispatcher = opts.dispatcher ?? (owned as Agent);
  const defaultTimeout = opts.timeoutMs ?? 1_500;
  const maxBodyBytes = opts.maxBodyBytes ?? 8 * 1024 * 1024;

  type Attempt = PdResult<string> | { ok: false; retry: true; error: PdFailure };

  async function once(path: string, timeoutMs: number, outer: AbortSignal | undefined, body?: string): Promise<Attempt> {
    if (outer?.aborted) return { ok: false, error: CANCELLED };
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new PdTimeout(timeoutMs)), timeoutMs);
    const onOuterAbort = (): void => ac.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      const res = await request(`${pdUrl}${PD_API_PREFIX}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        dispatcher,
        signal: ac.signal,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body,
        // The agent's 2 s defaults would cut a longer per-call budget (e.g. /health).
        headersTimeout: timeoutMs + 250,
        bodyTimeout: timeoutMs + 250
      });
      // Always read the body to its end (or destroy it), whatever the status.
      const text = await readBody(res.body, maxBodyBytes, headerValue(res.headers['content-length']));
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, value: text };
      return {
        ok: false,
        error: describeStatus(pdUrl, path, res.statusCode, STATUS_TEXT[res.statusCode] ?? '', text)
      };
    } catch (err) {
      if (outer?.aborted && !(err instanceof PdTimeout)) return { ok: false, error: CANCELLED };
      const error = describeTransportError(pdUrl, err, timeoutMs);
      return isSocketReset(err) ? { ok: false, retry: true, error } : { ok: false, error };
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  async function getText(path: string, callOpts: PdCallOptions = {}, body?: string): Promise<PdResult<string>> {
    const timeoutMs = callOpts.timeoutMs ?? defaultTimeout;
    const first = await once(path, timeoutMs, callOpts.signal, body);
    if (first.ok || !('retry' in first)) return first;
    // A keep-alive socket the server had just closed fails one request spuriously: retry once,
    // on a fresh connection, before calling PD unreachable.
    const second = await once(path, timeoutMs, callOpts.signal, body);
    return second.ok ? second : { ok: false, error: second.error };
  }

  async function parsed<T>(path: string, parse: (body: string) => ParseResult<T>, callOpts?: PdCallOptions): Promise<PdResult<T>> {
    const res = await getText(path, callOpts);
    if (!res.ok) return res;
    const value = parse(res.value);
    if (!value.ok) return { ok: false, error: { kind: 'bad-body', message: value.error } };
    return { ok: true, value: value.value };
  }

  return {
    pdUrl,
    getText,
    stores: (o) => parsed('/stores', parseStores, o),
    members: (o) => parsed('/members', parseMembers, o),
    health: (o) => parsed('/health', parseHealth, o),
    regionCount: (o) => parsed('/regions/count', parseRegionCount, o),
    async ping(o) {
      const res = await getText('/ping', o);
      return res.ok ? { ok: true, value: null } : res;
    },
    config: (o) => parsed('/config', parseConfigObject, o),
    maxReplicas: (o) => parsed('/config/replicate', parseMaxReplicas, o),
    postJson: (path, body, o) => getText(path, o, JSON.stringify(body)),
    async close() {
      if (owned) await owned.destroy();
    }
  };
}
