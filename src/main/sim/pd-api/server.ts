// The HTTP shell: node:http on 127.0.0.1 speaking the PD API subset a poller uses (routes.ts),
// over an engine. Every request first moves the engine to the clock's now, so state
// (state_name, leaders, the PD leader) is computed per request, like PD's BuildStoreInfo.
//
// The one URL stands for "a client that reaches some live PD member": local endpoints
// (/health, /ping, /status, /version, GET /config) are answered by the first live member;
// everything else is proxied to the PD leader, and with no leader the request waits (PD's 3 s
// proxy wait, scaled and capped) and then gets PD's 503 text. With no live member at all the
// connection is reset, as a connection to a dead PD would be refused.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineCore } from '../core/engine-core';
import { goJson } from '../core/format';
import { memberAlive, type MemberState } from '../core/model';
import { Rng } from '../core/rng';
import { API, err, pdRoutes, type Reply } from './routes';

export const NO_LEADER_TEXT = '[PD:apiutil:ErrRedirectNoLeader]redirect finds no leader';
/** PD's proxy waits up to 3 s for a leader; a paused member costs /health its 3 s timeout. */
const PD_WAIT_MS = 3000;

export interface PdServerOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** The engine's clock (ms). Default: the wall clock. */
  clock?: () => number;
  /** The wall clock, for the stamps answers carry (EngineCore.wallOffsetMs). Default: `clock`. */
  wall?: () => number;
  /** Cap on the scaled 3 s waits (proxy without leader, /health on a frozen member), wall ms. Default: none (3000). */
  maxWaitMs?: number;
  /** Seed for the random store order. */
  seed?: number;
  // --- one PD member per process (the simulator in containers) ---------------------------
  /** This process is the member of that name: it answers the local endpoints. */
  self?: string;
  /** /health: ping a member over the network (sequentially, as CheckHealth does). */
  health?: (member: MemberState) => Promise<boolean>;
  /** Requests this process handles itself (internal endpoints); true when answered. */
  intercept?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  /**
   * Proxy a request for the leader to the member `leader` (another process). null when it
   * could not be reached: the client gets the no-leader 503.
   */
  forward?: (leader: string, req: IncomingMessage, body: string) => Promise<RawReply | null>;
  /** HTTP upgrade requests (internal links). */
  onUpgrade?: (req: IncomingMessage, socket: Socket, head: Buffer) => void;
}

/** A proxied answer, passed through as it came. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Set on a proxied request: the member that gets it answers it itself. */
export const PROXIED_HEADER = 'x-tikv-stage-proxied';

export interface PdServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startPdServer(engine: EngineCore, opts: PdServerOptions = {}): Promise<PdServer> {
  const clock = opts.clock ?? Date.now;
  const wall = opts.wall ?? clock;
  const sync = (): void => engine.advance(clock(), wall());
  // PD's 3 s, in cluster time: a client with a shorter budget sees what it would see on a real PD.
  const waitMs = Math.min(PD_WAIT_MS / engine.speed, opts.maxWaitMs ?? PD_WAIT_MS);
  const orderRng = new Rng(((opts.seed ?? Date.now()) ^ 0x51ed) >>> 0);
  let closed = false;

  const routes = pdRoutes(engine, { orderRng, waitMs, health: opts.health });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    sync();
    const url = new URL(req.url ?? '/', 'http://pd');
    if (opts.intercept && (await opts.intercept(req, res, url))) return;
    const entry = opts.self ? engine.members.find((m) => m.name === opts.self) : engine.members.find(memberAlive);
    if (!entry) {
      // Every PD is down: nothing listens.
      req.socket.destroy();
      return;
    }
    const sub = url.pathname.startsWith(`${API}/`) ? url.pathname.slice(API.length) : null;
    const matching = sub === null ? [] : routes.filter((r) => r.pattern.test(sub));
    if (matching.length === 0) return send(res, { status: 404, text: '404 page not found\n' });
    const route = matching.find((r) => r.method === req.method);
    if (!route) return send(res, { status: 405, text: '' });
    const body = req.method === 'POST' ? await readBody(req) : '';

    const followerHandle = (req.headers['pd-allow-follower-handle'] ?? '').length > 0;
    if (!route.local && !followerHandle && engine.pdLeader === null) {
      const deadline = performance.now() + waitMs;
      while (!closed && engine.pdLeader === null && performance.now() < deadline) {
        await sleep(Math.min(20, Math.max(1, deadline - performance.now())));
        sync();
      }
      if (engine.pdLeader === null) return send(res, { status: 503, text: `${NO_LEADER_TEXT}\n` });
    }
    // One member per process: a follower proxies to the leader, as PD does.
    const leader = engine.pdLeaderName();
    if (
      !route.local &&
      !followerHandle &&
      opts.forward &&
      opts.self &&
      leader &&
      leader !== opts.self &&
      req.headers[PROXIED_HEADER] === undefined
    ) {
      const reply = await opts.forward(leader, req, body);
      if (!reply) return send(res, { status: 503, text: `${NO_LEADER_TEXT}\n` });
      res.writeHead(reply.status, { ...reply.headers, 'Content-Length': reply.body.length });
      res.end(reply.body);
      return;
    }
    send(res, await route.handler({ engine, url, req, entry, body }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, err(500, e instanceof Error ? e.message : String(e)));
      else res.destroy();
    });
  });
  if (opts.onUpgrade) server.on('upgrade', opts.onUpgrade);
  // Internal links are long-lived requests: no request timeout.
  if (opts.onUpgrade) server.requestTimeout = 0;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: async () => {
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.json !== undefined) {
    const body = goJson(reply.json);
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': Buffer.byteLength(body)
    });
    res.end(body);
    return;
  }
  const text = reply.text ?? '';
  const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(text) };
  if (text !== '') {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    headers['X-Content-Type-Options'] = 'nosniff';
  }
  res.writeHead(reply.status, headers);
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > 1 << 20) throw new Error('request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
