// The HTTP shell: node:http on 127.0.0.1 speaking the PD API subset a poller uses, over a
// SimEngine. Every request first moves the engine to the clock's now, so state (state_name,
// leaders, the PD leader) is computed per request, like PD's BuildStoreInfo.
//
// The one URL stands for "a client that reaches some live PD member": local endpoints
// (/health, /ping, /status, /version, GET /config) are answered by the first live member;
// everything else is proxied to the PD leader, and with no leader the request waits (PD's 3 s
// proxy wait, scaled and capped) and then gets PD's 503 text. With no live member at all the
// connection is reset, as a connection to a dead PD would be refused.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MemberState, type SimEngine, memberAlive } from './engine';
import { goJson, parseGoDuration, NS_PER_MS, type GoJson } from './format';
import {
  configJson,
  healthEntryJson,
  leaderJson,
  membersJson,
  regionStatsJson,
  regionsJson,
  scheduleConfigJson,
  statusJson,
  storeInfoJson,
  storesJson
} from './pdjson';
import { Rng } from './rng';

export const NO_LEADER_TEXT = '[PD:apiutil:ErrRedirectNoLeader]redirect finds no leader';
const API = '/pd/api/v1';
/** PD's proxy waits up to 3 s for a leader; a paused member costs /health its 3 s timeout. */
const PD_WAIT_MS = 3000;

export interface PdServerOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Wall clock for the engine (ms). */
  clock?: () => number;
  /** Cap on the scaled 3 s waits (proxy without leader, /health on a frozen member), wall ms. */
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

interface Ctx {
  engine: SimEngine;
  url: URL;
  req: IncomingMessage;
  entry: MemberState;
  body: string;
}

interface Reply {
  status: number;
  /** JSON value, or raw text with its content type. */
  json?: GoJson;
  text?: string;
}

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Served by whichever member is hit (not proxied to the leader). */
  local: boolean;
  handler: Handler;
}

const ok = (json: GoJson): Reply => ({ status: 200, json });
const err = (status: number, message: string): Reply => ({ status, json: message });

export async function startPdServer(engine: SimEngine, opts: PdServerOptions = {}): Promise<PdServer> {
  const clock = opts.clock ?? Date.now;
  const waitMs = Math.min(PD_WAIT_MS / engine.speed, opts.maxWaitMs ?? 1000);
  const orderRng = new Rng(((opts.seed ?? Date.now()) ^ 0x51ed) >>> 0);
  let closed = false;

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/stores$/,
      local: false,
      handler: ({ url }) => {
        const raw = url.searchParams.getAll('state');
        let accept: number[] = [0, 1];
        if (url.searchParams.has('state')) {
          accept = [];
          for (const v of raw) {
            if (!/^[+-]?\d+$/.test(v)) return err(500, `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
            const n = Number.parseInt(v, 10);
            if (n !== 0 && n !== 1 && n !== 2) return err(500, `unknown StoreState: ${n}`);
            accept.push(n);
          }
        }
        const stores = engine.stores.filter((s) => accept.includes(s.tombstone ? 2 : 0));
        return ok(storesJson(engine, orderRng.shuffle([...stores])));
      }
    },
    {
      method: 'GET',
      pattern: /^\/stores\/check$/,
      local: false,
      handler: ({ url }) => {
        const names = ['down', 'disconnected', 'up', 'offline', 'tombstone'];
        const want: string[] = [];
        for (const v of url.searchParams.getAll('state')) {
          const lower = v.toLowerCase();
          if (lower !== '' && !names.includes(lower)) return err(400, `unknown StoreState: ${v}`);
          if (lower !== '') want.push(lower);
        }
        const stores = engine.stores.filter(
          (s) => want.length === 0 || want.includes(engine.storeStateName(s).toLowerCase())
        );
        return ok(storesJson(engine, orderRng.shuffle([...stores])));
      }
    },
    {
      method: 'GET',
      pattern: /^\/store\/([^/]+)$/,
      local: false,
      handler: ({ url }) => {
        const raw = decodeURIComponent(url.pathname.slice(`${API}/store/`.length));
        if (!/^\d+$/.test(raw)) return err(400, `strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
        const store = engine.stores.find((s) => String(s.id) === raw.replace(/^0+(?=\d)/, ''));
        if (!store) return err(404, `[PD:core:ErrStoreNotFound]store id ${raw} not found`);
        return ok(storeInfoJson(engine, store));
      }
    },
    {
      method: 'GET',
      pattern: /^\/health$/,
      local: true,
      handler: async () => {
        // CheckHealth pings each member in turn; a frozen member costs its timeout.
        const out: GoJson[] = [];
        for (const m of engine.members) {
          if (opts.health) {
            out.push(healthEntryJson(m, await opts.health(m)));
            continue;
          }
          const healthy = memberAlive(m);
          if (!healthy && m.proc !== 'exited' && waitMs > 0) await sleep(waitMs);
          out.push(healthEntryJson(m, healthy));
        }
        return ok(out);
      }
    },
    { method: 'GET', pattern: /^\/ping$/, local: true, handler: () => ({ status: 200, text: '' }) },
    { method: 'GET', pattern: /^\/status$/, local: true, handler: ({ entry }) => ok(statusJson(entry)) },
    { method: 'GET', pattern: /^\/version$/, local: true, handler: () => ok({ version: 'v8.5.5' }) },
    { method: 'GET', pattern: /^\/members$/, local: false, handler: () => ok(membersJson(engine)) },
    { method: 'GET', pattern: /^\/leader$/, local: false, handler: () => ok(leaderJson(engine)) },
    { method: 'GET', pattern: /^\/config$/, local: true, handler: ({ entry }) => ok(configJson(engine, entry)) },
    { method: 'POST', pattern: /^\/config$/, local: false, handler: (ctx) => postConfig(engine, ctx.body) },
    { method: 'GET', pattern: /^\/config\/schedule$/, local: false, handler: () => ok(scheduleConfigJson(engine)) },
    { method: 'GET', pattern: /^\/regions$/, local: false, handler: () => ok(regionsJson(engine, engine.regions)) },
    {
      method: 'GET',
      pattern: /^\/regions\/count$/,
      local: false,
      handler: () => ok({ count: engine.regions.length, regions: null })
    },
    {
      method: 'GET',
      pattern: /^\/regions\/store\/([^/]+)$/,
      local: false,
      handler: ({ url }) => {
        const raw = url.pathname.slice(`${API}/regions/store/`.length);
        if (!/^\d+$/.test(raw)) return err(400, `strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
        const store = engine.stores.find((s) => String(s.id) === raw);
        const regions = store ? engine.regions.filter((r) => r.peers.some((p) => p.store === store.index)) : [];
        return ok(regionsJson(engine, regions));
      }
    },
    { method: 'GET', pattern: /^\/stats\/region$/, local: false, handler: () => ok(regionStatsJson(engine)) }
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    engine.advance(clock());
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
        engine.advance(clock());
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

/** POST /config: PD's SetConfig for the keys the simulator knows. */
function postConfig(engine: SimEngine, body: string): Reply {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch (e) {
    return err(400, e instanceof Error ? e.message : 'invalid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return err(400, 'json: cannot unmarshal into Go value of type map[string]interface {}');
  }
  for (const [k, v] of Object.entries(input)) {
    const key = k.startsWith('schedule.') ? k.slice('schedule.'.length) : k;
    if (key === 'max-store-down-time') {
      if (typeof v !== 'string') return err(400, `json: cannot unmarshal ${typeof v} into Go value of type string`);
      let ns: bigint;
      try {
        ns = parseGoDuration(v);
      } catch (e) {
        return err(400, e instanceof Error ? e.message : String(e));
      }
      engine.setMaxStoreDownTime(Number(ns / NS_PER_MS));
    } else if (key in engine.scheduleConfig) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        return err(400, `config item ${k} has an invalid value`);
      }
      engine.scheduleConfig[key] = v;
    } else {
      return err(400, `config item ${k} not found`);
    }
  }
  return ok('The config is updated.');
}
