// Test helpers for the cluster folder: PD fixture payloads, and a scriptable PD HTTP server on
// 127.0.0.1 that counts connections, requests and in-flight requests per path.
import { afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const FIXTURES = new URL('./fixtures/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export interface Reply {
  status?: number;
  body?: string;
  contentType?: string;
  /** Delay before answering. */
  delayMs?: number;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
  /** Drop the connection without answering (a reset). */
  destroy?: boolean;
}

export type Script = (path: string, req: IncomingMessage) => Reply | Promise<Reply>;

export interface ScriptedPd {
  url: string;
  port: number;
  server: Server;
  /** Replace the behaviour at any time. */
  script: Script;
  /** TCP connections accepted so far. */
  connections: number;
  /** Currently open sockets. */
  openSockets(): number;
  requests: Map<string, number>;
  inFlight: Map<string, number>;
  maxInFlight: Map<string, number>;
  /** Requests whose client went away before we answered (aborted by the poller). */
  aborted: number;
  total(path: string): number;
  close(): Promise<void>;
}

export const PD = '/pd/api/v1';

/** A healthy 3 PD + 3 TiKV cluster, as in the reference fixtures. */
export const healthyScript: Script = (path) => {
  switch (path) {
    case `${PD}/stores`:
      return { body: fixture('stores.json') };
    case `${PD}/members`:
      return { body: fixture('members.json') };
    case `${PD}/health`:
      return { body: fixture('health.json') };
    case `${PD}/regions/count`:
      return { body: fixture('regions-count.json') };
    case `${PD}/config/replicate`:
      return { body: fixture('config-replicate.json') };
    default:
      return { status: 404, body: '404 page not found', contentType: 'text/plain' };
  }
};

export async function startScriptedPd(script: Script = healthyScript, port = 0): Promise<ScriptedPd> {
  const sockets = new Set<Socket>();
  const pd: ScriptedPd = {
    url: '',
    port: 0,
    server: undefined as unknown as Server,
    script,
    connections: 0,
    openSockets: () => sockets.size,
    requests: new Map(),
    inFlight: new Map(),
    maxInFlight: new Map(),
    aborted: 0,
    total: (path) => pd.requests.get(path) ?? 0,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    }
  };

  const bump = (m: Map<string, number>, k: string, d: number): number => {
    const v = (m.get(k) ?? 0) + d;
    m.set(k, v);
    return v;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    bump(pd.requests, path, 1);
    const now = bump(pd.inFlight, path, 1);
    if (now > (pd.maxInFlight.get(path) ?? 0)) pd.maxInFlight.set(path, now);
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      bump(pd.inFlight, path, -1);
    };
    res.on('close', () => {
      if (!res.writableFinished) pd.aborted += 1;
      done();
    });
    void (async () => {
      const reply = await pd.script(path, req);
      if (reply.hang) return; // the client's timeout (or server close) ends it
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      const body = reply.body ?? '';
      res.writeHead(reply.status ?? 200, {
        'content-type': reply.contentType ?? 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body)
      });
      res.end(body);
    })();
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    pd.connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  pd.server = server;
  pd.port = addr.port;
  pd.url = `http://127.0.0.1:${addr.port}`;
  return pd;
}

// One copy of freePort for tests and scripts alike; importers of this file keep their import.
export { freePort } from '../../../src/main/free-port';

/** Polls `cond` until it holds or `timeoutMs` passes. */
export async function waitFor(cond: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * For a describe block: scripted PDs and anything else to close after each test, closed in
 * reverse order. Call at the top of the block (it registers an afterEach).
 */
export function closedAfterEach(): { server(script: Script): Promise<ScriptedPd>; later(close: () => Promise<void>): void } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    async server(script) {
      const pd = await startScriptedPd(script);
      cleanups.push(() => pd.close());
      return pd;
    },
    later: (close) => void cleanups.push(close)
  };
}
