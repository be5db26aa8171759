// Browser mode: a Node server on 127.0.0.1 that serves the built renderer, carries the
// contract over a WebSocket (/ws) and answers GET /api/state for scripts and health checks.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_VIEW_PARAM, ackOf, stateEvents, viewWants, wsClientFrame, type AppState, type EventName, type EventPayloads, type ViewName, type WsServerFrame } from '../../shared/contract';
import { createClientQueue, type ClientQueue, type ClientQueueOptions } from './client-queue';
import { contentSecurityPolicy, contentType } from '../page-headers';
import { isInside } from '../paths';
import { DECK_ASSET_MAX_BYTES, DECK_ASSET_PREFIX, deckAssetHeaders, resolveDeckAsset } from '../show/deck-assets';
import { openRegularFile, refusalStatus } from '../file-read';
import { dispatch, type Handlers } from './dispatch';


// One policy for both entry points' pages (src/main/page-headers.ts): nothing may leave the machine.
const CSP = contentSecurityPolicy('web');

/** Single-page routes that serve index.html. */
const PAGES = new Set(['/', '/index.html', '/presenter']);

export interface WebServerOptions {
  host?: string;
  port: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  handlers: Handlers;
  state: () => AppState;
  log?: (line: string) => void;
  /** Limits for clients that do not keep up (defaults suit a show; tests use smaller ones). */
  backpressure?: Omit<ClientQueueOptions, 'log'>;
}

export interface WebServer {
  url: string;
  port: number;
  broadcast<E extends EventName>(event: E, payload: EventPayloads[E]): void;
  clients(): number;
  /** Per client: what waits to be sent (for tests and diagnostics). */
  clientStats(): ReturnType<ClientQueue['stats']>[];
  close(): Promise<void>;
}

/** The request target's path, decoded; null when it is not a valid URL path or encoding. */
export function requestPath(target: string | undefined): string | null {
  const raw = target ?? '/';
  // Only origin-form targets ("/x?y"): "//[" or "http://..." are not ours to interpret.
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  let pathname: string;
  try {
    pathname = new URL(raw, 'http://localhost').pathname;
  } catch {
    return null;
  }
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

async function serveFile(res: ServerResponse, file: string): Promise<void> {
  const s = await stat(file).catch(() => null);
  if (!s || !s.isFile()) return plain(res, 404, 'not found');
  res.writeHead(200, {
    'content-type': contentType(file),
    'content-length': s.size,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': file.endsWith('.html') ? 'no-store' : 'public, max-age=3600'
  });
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** An image beside the deck, only when resolveDeckAsset allows it (checked at every request). */
async function serveDeckAsset(res: ServerResponse, deckFile: string, urlPath: string, head: boolean): Promise<void> {
  const a = await resolveDeckAsset(deckFile, urlPath);
  if (!a.ok) return plain(res, a.status, a.reason);
  // Sent from one handle checked to be the file resolveDeckAsset saw: not a FIFO, a symlink or a
  // bigger file swapped in since, and never more than the size checked.
  const o = await openRegularFile(a.file, 'deck image', DECK_ASSET_MAX_BYTES, { dev: a.dev, ino: a.ino }).catch(() => null);
  if (!o) return plain(res, 404, 'not found (the file went away as it was read)');
  if (!o.ok) return plain(res, refusalStatus(o), `not served: ${o.reason}`);
  res.writeHead(200, deckAssetHeaders(a.contentType, o.size));
  if (head || o.size === 0) {
    await o.fh.close().catch(() => undefined);
    return void res.end();
  }
  const stream = o.fh.createReadStream({ start: 0, end: o.size - 1, autoClose: true });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${text}\n`);
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/** One request frame's reply, as text; never throws. */
async function answerFrame(handlers: Handlers, data: string): Promise<string | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return JSON.stringify({ type: 'reply', id: -1, reply: { ok: false, error: 'frame is not JSON' } } satisfies WsServerFrame);
  }
  const frame = wsClientFrame.safeParse(raw);
  if (!frame.success) {
    const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : -1;
    return JSON.stringify({ type: 'reply', id, reply: { ok: false, error: 'frame must be {id, request, args[]}' } } satisfies WsServerFrame);
  }
  const full = await dispatch(handlers, frame.data.request, frame.data.args);
  const reply = frame.data.ack ? ackOf(full) : full;
  try {
    return JSON.stringify({ type: 'reply', id: frame.data.id, reply } satisfies WsServerFrame);
  } catch (e) {
    return JSON.stringify({ type: 'reply', id: frame.data.id, reply: { ok: false, error: `reply could not be sent: ${(e as Error).message}` } } satisfies WsServerFrame);
  }
}

/** What a WebSocket's request target says it is (`/ws?view=audience`); anything else gets every event. */
export function viewOfTarget(target: string | undefined): ViewName {
  try {
    return new URL(target ?? '/', 'http://localhost').searchParams.get(WS_VIEW_PARAM) === 'audience' ? 'audience' : 'presenter';
  } catch {
    return 'presenter';
  }
}

/** One view's WebSocket: its requests and events go through a bounded queue. */
function serveClient(ws: WebSocket, view: ViewName, opts: WebServerOptions, log: (line: string) => void): ClientQueue {
  const queue = createClientQueue(
    {
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      send: (text) => ws.send(text),
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      terminate: () => ws.terminate(),
      isOpen: () => ws.readyState === ws.OPEN
    },
    (data) => answerFrame(opts.handlers, data),
    { ...opts.backpressure, log }
  );
  ws.on('message', (data, isBinary) => {
    try {
      queue.request(isBinary ? '\u0000binary' : String(data));
    } catch (e) {
      log(`web: frame failed: ${(e as Error).message}`);
    }
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', () => queue.close());
  // A fresh view gets everything at once, then events.
  try {
    for (const e of stateEvents(opts.state()))
      if (viewWants(view, e.event)) queue.event(e.event, JSON.stringify({ type: 'event', event: e.event, payload: e.payload } satisfies WsServerFrame));
  } catch (e) {
    log(`web: first state for a new view failed: ${(e as Error).message}`);
  }
  return queue;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  const root = resolve(opts.rendererDir);
  let port = opts.port;
  const log = (line: string): void => {
    try {
      opts.log?.(line);
    } catch {
      // a broken logger must not take a request down with it
    }
  };

  // DNS rebinding and cross-site pages: only our own host names may talk to us.
  const allowedHost = (h: string | undefined): boolean =>
    h !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(h.toLowerCase());
  // A browser always sends Origin on cross-site requests and upgrades: it must be ours.
  // Scripts without Origin are local processes.
  const allowedOrigin = (o: string | undefined): boolean => o === undefined || (/^https?:\/\//i.test(o) && allowedHost(o.replace(/^https?:\/\//i, '')));
  /** The first check of every path: null when the caller may go on, else why not. */
  const refusal = (req: IncomingMessage): string | null => {
    if (!allowedHost(req.headers.host)) return 'this server only answers to 127.0.0.1 and localhost';
    if (!allowedOrigin(req.headers.origin)) return 'cross-origin requests are not allowed';
    // A no-cors GET (an <img>, a <script>) from another page carries no Origin, but a browser
    // says where it came from here: another site, or another port of this machine, is refused.
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'requests from other sites are not answered';
    return null;
  };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const no = refusal(req);
    if (no) return plain(res, allowedHost(req.headers.host) ? 403 : 421, no);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'only GET and HEAD', { allow: 'GET, HEAD' });
    // Deck images: the raw (still %-encoded) path, so resolveDeckAsset decodes once and sees `%2e%2e`.
    const rawPath = (req.url ?? '/').split(/[?#]/)[0] ?? '/';
    if (rawPath.startsWith(DECK_ASSET_PREFIX)) return serveDeckAsset(res, opts.state().show.deckFile, rawPath.slice(DECK_ASSET_PREFIX.length), req.method === 'HEAD');
    const path = requestPath(req.url);
    if (path === null) return plain(res, 400, 'bad request: the path is not a valid URL path (check its %-encoding)');
    if (path === '/api/state') {
      const body = JSON.stringify(opts.state());
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (PAGES.has(path)) return serveFile(res, join(root, 'index.html'));
    if (path.includes('\0')) return plain(res, 400, 'bad request');
    const file = normalize(join(root, path));
    if (!isInside(root, file)) return plain(res, 404, 'not found');
    return serveFile(res, file);
  }

  const server: Server = createServer((req, res) => {
    const fail = (e: unknown): void => {
      log(`web: ${req.method ?? '?'} ${String(req.url).slice(0, 200)}: ${e instanceof Error ? e.message : String(e)}`);
      try {
        if (!res.headersSent) plain(res, 500, 'internal error');
        else res.destroy();
      } catch {
        res.destroy();
      }
    };
    try {
      onRequest(req, res).catch(fail);
    } catch (e) {
      fail(e);
    }
  });
  // A malformed request line or headers: answer 400 and drop it, never throw.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 12\r\n\r\nbad request\n');
    else socket.destroy();
  });

  // One frame per task: an answer that waits on nothing leaves before the next frame of a chunk
  // runs, so a getState answer is never older than an event already sent (ws's default runs
  // them back to back, and a "next" slipped its event ahead of the answer).
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, allowSynchronousEvents: false });
  wss.on('error', (e) => log(`web: websocket server: ${e.message}`));
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const no = refusal(req) ?? (requestPath(req.url) === '/ws' ? null : 'no such endpoint');
      if (no) {
        socket.end(`HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${no.length + 1}\r\n\r\n${no}\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (e) {
      log(`web: upgrade failed: ${(e as Error).message}`);
      socket.destroy();
    }
  });

  const queues = new Map<WebSocket, { q: ClientQueue; view: ViewName }>();

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const view = viewOfTarget(req.url);
    queues.set(ws, { q: serveClient(ws, view, opts, log), view });
    ws.on('close', () => queues.delete(ws));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    broadcast(event, payload) {
      let text: string;
      try {
        text = JSON.stringify({ type: 'event', event, payload } satisfies WsServerFrame);
      } catch (e) {
        return log(`web: ${event} could not be sent: ${(e as Error).message}`);
      }
      // An appended log line cannot be coalesced (a replaced one would be lost): a client that
      // is behind gets the whole (bounded) log instead, which replaces its copy. It is written
      // out when sent, not per line: a burst of lines while behind once cost the whole log each.
      const whole = (): string => JSON.stringify({ type: 'event', event: 'log', payload: opts.state().log } satisfies WsServerFrame);
      for (const { q, view } of queues.values()) {
        if (!viewWants(view, event)) continue;
        if (event !== 'logEntry' || !q.behind()) q.event(event, text);
        else q.event('log', whole);
      }
    },
    clients: () => wss.clients.size,
    clientStats: () => [...queues.values()].map(({ q }) => q.stats()),
    async close() {
      for (const { q } of queues.values()) q.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  };
}
