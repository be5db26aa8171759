// Browser mode: a Node server on 127.0.0.1 that serves the built renderer, carries the
// contract over a WebSocket (/ws) and answers GET /api/state for scripts and health checks.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsClientFrame, type AppState, type EventName, type EventPayloads, type WsServerFrame } from '../../shared/contract';
import { dispatch, type Handlers } from './dispatch';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json'
};

// The same policy as the page's meta tag: nothing may leave the machine.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

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
}

export interface WebServer {
  url: string;
  port: number;
  broadcast<E extends EventName>(event: E, payload: EventPayloads[E]): void;
  clients(): number;
  close(): Promise<void>;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  const root = resolve(opts.rendererDir);
  let port = opts.port;

  // DNS rebinding and cross-site pages: only our own host names may talk to us.
  const allowedHost = (h: string | undefined): boolean =>
    h !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(h.toLowerCase());

  async function serveFile(res: ServerResponse, file: string): Promise<void> {
    const s = await stat(file).catch(() => null);
    if (!s || !s.isFile()) return notFound(res);
    res.writeHead(200, {
      'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': s.size,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'public, max-age=3600'
    });
    createReadStream(file).pipe(res);
  }

  function notFound(res: ServerResponse): void {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('this server only answers to 127.0.0.1 and localhost\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (url.pathname === '/api/state') {
      const body = JSON.stringify(opts.state());
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (PAGES.has(url.pathname)) return serveFile(res, join(root, 'index.html'));
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + sep)) return notFound(res);
    return serveFile(res, file);
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      opts.log?.(`web: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    // A browser always sends Origin: it must be ours. Scripts without Origin are local processes.
    const originOk = origin === undefined || allowedHost(origin.replace(/^https?:\/\//, ''));
    if (url.pathname !== '/ws' || !allowedHost(req.headers.host) || !originOk) {
      socket.write('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, frame: WsServerFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };

  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(data));
      } catch {
        return send(ws, { type: 'reply', id: -1, reply: { ok: false, error: 'frame is not JSON' } });
      }
      const frame = wsClientFrame.safeParse(raw);
      if (!frame.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
        return send(ws, { type: 'reply', id, reply: { ok: false, error: 'frame must be {id, request, args[]}' } });
      }
      void dispatch(opts.handlers, frame.data.request, frame.data.args).then((reply) =>
        send(ws, { type: 'reply', id: frame.data.id, reply })
      );
    });
    ws.on('error', () => ws.terminate());
    // A fresh view gets everything at once, then events.
    const s = opts.state();
    send(ws, { type: 'event', event: 'show', payload: s.show });
    send(ws, { type: 'event', event: 'cluster', payload: s.cluster });
    send(ws, { type: 'event', event: 'log', payload: s.log });
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
      const text = JSON.stringify({ type: 'event', event, payload } satisfies WsServerFrame);
      for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    clients: () => wss.clients.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  };
}
