// One PD member as its own process (the simulator in containers): PD's HTTP API over a
// heartbeat-driven SimEngine. What this process knows about TiKV it learns from the TiKV
// processes' links (GET /sim/v1/link, upgraded to a newline-delimited JSON stream):
// - a link that closes without a goodbye is a process that died (docker kill: the kernel
//   closes its sockets, so peers see the reset at once): its regions elect new leaders after
//   U[10, 20) s;
// - a link that goes silent (docker pause, network disconnect) is noticed after a timeout, and
//   the election is counted from the last message: U[15, 35) s;
// - "ping" messages (every ~1 s) carry that liveness; "hb" messages are the 10 s store
//   heartbeats that PD's state_name comes from.
// PD leadership among the PD processes is the Membership state machine, fed by pings to the
// other members (GET /sim/v1/member); the leader's answer carries its region cache, which the
// followers mirror. Requests for the leader are proxied to it, as PD does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SimEngine, STORE_DEFS, type EngineReplica } from './engine';
import { Membership, type MemberView } from './membership';
import {
  LINK_PATH,
  LINK_PROTOCOL,
  NODE_TIMINGS,
  every,
  fetchJson,
  isRecord,
  logger,
  readLines,
  scaled,
  sendLine,
  type Json
} from './node-util';
import { Rng } from './rng';
import { PROXIED_HEADER, startPdServer, type PdServer, type RawReply } from './server';

export interface PdNodeOptions {
  name: string;
  /** Every member (self included), with the address its PD API answers on. */
  members: { name: string; host: string; port: number }[];
  host: string;
  port: number;
  speed: number;
  seed: number;
  log?: (msg: string) => void;
}

interface StoreLink {
  socket: Socket;
  store: string | null;
  boot: string;
  start: number;
  bye: 'exit' | 'reconnect' | null;
}

interface StoreView {
  link: StoreLink | null;
  /** Boot id of the TiKV process last linked (null: never linked to this PD). */
  boot: string | null;
  lastSeen: number;
  /** The engine was told the store is gone (link reset, timeout or goodbye). */
  lost: boolean;
}

export interface PdNode {
  server: PdServer;
  engine: SimEngine;
  membership: Membership;
  close(): Promise<void>;
}

export async function startPdNode(opts: PdNodeOptions): Promise<PdNode> {
  const log = opts.log ?? logger(opts.name);
  const speed = opts.speed;
  const bootAt = Date.now();
  const rng = new Rng((opts.seed ^ hashName(opts.name)) >>> 0);
  // The same seed on every member: a fresh cluster starts with the same regions everywhere.
  const engine = new SimEngine({ speed, now: bootAt, seed: opts.seed, external: true });
  const peerUrl = new Map(opts.members.map((m) => [m.name, `http://${m.host.includes(':') ? `[${m.host}]` : m.host}:${m.port}`]));
  const peers = opts.members.map((m) => m.name).filter((n) => n !== opts.name);

  const memberPingMs = scaled(speed, NODE_TIMINGS.memberPing, 50, 1000);
  // Floors in wall ms: a busy laptop (or CI box) must not turn scheduling hiccups into faults.
  const memberDeadMs = scaled(speed, NODE_TIMINGS.memberDead, 1000);
  const pingTimeoutMs = scaled(speed, NODE_TIMINGS.memberPing, 500, 1000);
  const linkTimeoutMs = scaled(speed, NODE_TIMINGS.linkTimeout, 1000);
  const bootGraceMs = Math.max(8000, NODE_TIMINGS.bootGrace / speed);
  const healthTimeoutMs = scaled(speed, 3000, 100, 1000);
  const proxyTimeoutMs = scaled(speed, 3000, 300, 3000);
  const tickMs = Math.min(100, Math.max(10, 250 / speed));

  const membership = new Membership({
    self: opts.name,
    members: opts.members.map((m) => m.name),
    speed,
    now: bootAt,
    rng: rng.fork(1),
    deadAfterMs: memberDeadMs,
    bootDelayMs: Math.max(memberPingMs * 3, scaled(speed, 1500))
  });
  /** Mirrored the leader's region cache at least once (not a fresh cluster any more). */
  let synced = false;
  let closed = false;

  const stores = new Map<string, StoreView>(
    STORE_DEFS.map((d) => [d.name, { link: null, boot: null, lastSeen: bootAt + bootGraceMs - linkTimeoutMs, lost: false }])
  );

  const applyMembership = (now: number): void => {
    engine.advance(now);
    const before = engine.pdLeaderName();
    membership.tick(now);
    engine.setPdLeader(membership.leader);
    engine.scheduling = membership.isLeader();
    for (const m of membership.members) engine.setMemberAlive(m, membership.alive(m, now));
    const after = engine.pdLeaderName();
    if (after !== before) log(`PD leader: ${after ?? 'none'} (term ${membership.term})`);
  };

  // --- TiKV links --------------------------------------------------------------------------

  const touch = (view: StoreView, name: string, link: StoreLink, now: number): void => {
    view.lastSeen = now;
    if (view.lost && view.link === link) {
      view.lost = false;
      engine.storeLinked(name, link.start, false);
      log(`${name} reachable again`);
    }
  };

  const onLinkMessage = (link: StoreLink, msg: Record<string, unknown>): void => {
    const now = Date.now();
    engine.advance(now);
    if (msg.t === 'hello') {
      const name = typeof msg.store === 'string' ? msg.store : '';
      const view = stores.get(name);
      const boot = typeof msg.boot === 'string' ? msg.boot : '';
      const start = typeof msg.start === 'number' && Number.isFinite(msg.start) ? Math.floor(msg.start) : Math.floor(now / 1000);
      if (!view || !boot) {
        link.socket.destroy();
        return;
      }
      const old = view.link;
      view.link = link;
      if (old && old !== link) old.socket.destroy();
      link.store = name;
      link.boot = boot;
      link.start = start;
      const prevBoot = view.boot;
      view.boot = boot;
      view.lastSeen = now;
      const state = engine.describe(name);
      // Bootstrap: a fresh cluster's stores are running from the start; their first heartbeat
      // comes at once. A store that (re)starts later heartbeats ~10 s after its start.
      const fresh = prevBoot === null && !synced && state.state === 'running' && !state.partitioned;
      const restarted = prevBoot !== null && prevBoot !== boot;
      engine.storeLinked(name, start, restarted);
      const how = restarted ? 'a restarted process' : prevBoot === null ? (fresh ? 'bootstrap' : 'first link') : 'same process';
      if (view.lost || restarted || prevBoot === null) log(`${name} linked (${how})`);
      view.lost = false;
      sendLine(link.socket, { t: 'welcome', fresh });
      return;
    }
    const name = link.store;
    const view = name ? stores.get(name) : undefined;
    if (!name || !view || view.link !== link) return;
    switch (msg.t) {
      case 'ping':
        touch(view, name, link, now);
        sendLine(link.socket, { t: 'pong', leaders: engine.storeLeaderCount(name), pdLeader: membership.isLeader() });
        break;
      case 'hb':
        touch(view, name, link, now);
        engine.storeHeartbeat(name);
        break;
      case 'stopping':
        touch(view, name, link, now);
        log(`${name} is stopping: draining its leaders`);
        engine.stop(name);
        break;
      case 'bye':
        link.bye = msg.exit === true ? 'exit' : 'reconnect';
        if (link.bye === 'exit') {
          view.lost = true;
          engine.storeLinkLost(name, 'exit');
          log(`${name} exited`);
        }
        break;
      default:
        break;
    }
  };

  const onLinkClose = (link: StoreLink): void => {
    const name = link.store;
    const view = name ? stores.get(name) : undefined;
    if (!name || !view || view.link !== link) return;
    view.link = null;
    if (link.bye !== null) return; // an announced exit (handled) or a reconnect
    engine.advance(Date.now());
    if (!view.lost) {
      view.lost = true;
      engine.storeLinkLost(name, 'exit');
      log(`${name}: link reset (the process died)`);
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://pd').pathname;
    if (closed || path !== LINK_PATH || String(req.headers.upgrade ?? '').toLowerCase() !== LINK_PROTOCOL) {
      socket.destroy();
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${LINK_PROTOCOL}\r\nConnection: Upgrade\r\n\r\n`);
    socket.setNoDelay(true);
    const link: StoreLink = { socket, store: null, boot: '', start: 0, bye: null };
    socket.on('error', () => undefined);
    socket.on('close', () => onLinkClose(link));
    readLines(socket, head, (msg) => onLinkMessage(link, msg));
  };

  const checkStores = (now: number, lateBy: number): void => {
    engine.advance(now);
    if (lateBy > linkTimeoutMs / 2) {
      // This process was frozen: the silence was ours. Give every link a fresh chance.
      for (const v of stores.values()) if (!v.lost) v.lastSeen = Math.max(v.lastSeen, now);
      return;
    }
    for (const [name, v] of stores) {
      if (v.lost || now - v.lastSeen <= linkTimeoutMs) continue;
      v.lost = true;
      if (v.boot === null) {
        // Never linked since this PD started: the process is not running.
        engine.storeLinkLost(name, 'exit');
        log(`${name} never linked: not running`);
      } else {
        engine.storeLinkLost(name, 'timeout', v.lastSeen);
        log(`${name} silent for ${Math.round(now - v.lastSeen)} ms: unreachable`);
      }
    }
  };

  // --- members -----------------------------------------------------------------------------

  const inflight = new Set<string>();
  const pingMember = async (peer: string): Promise<void> => {
    if (inflight.has(peer)) return;
    inflight.add(peer);
    try {
      const result = await fetchJson(`${peerUrl.get(peer)}/sim/v1/member`, pingTimeoutMs);
      if (closed) return;
      const now = Date.now();
      const data = result.ok ? result.data : null;
      const parsed = parseMemberView(data);
      const view = parsed && parsed.name === peer ? parsed : null;
      engine.advance(now);
      membership.observe(peer, view, now, !result.ok && result.refused);
      if (view && isRecord(data) && membership.leader === peer && !membership.isLeader()) {
        const replica = parseReplica(data.replica);
        if (replica) {
          engine.applyReplica(replica);
          if (!synced) log(`mirroring ${peer}'s region cache`);
          synced = true;
        }
      }
      applyMembership(now);
    } finally {
      inflight.delete(peer);
    }
  };

  const healthOf = async (name: string): Promise<boolean> => {
    if (name === opts.name) return true;
    try {
      const res = await fetch(`${peerUrl.get(name)}/pd/api/v1/ping`, { signal: AbortSignal.timeout(Math.round(healthTimeoutMs)) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  };

  const forward = async (leader: string, req: IncomingMessage, body: string): Promise<RawReply | null> => {
    const base = peerUrl.get(leader);
    if (!base) return null;
    try {
      const headers: Record<string, string> = { [PROXIED_HEADER]: opts.name };
      const ct = req.headers['content-type'];
      if (typeof ct === 'string') headers['content-type'] = ct;
      const res = await fetch(`${base}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        body: req.method === 'POST' ? body : undefined,
        signal: AbortSignal.timeout(Math.round(proxyTimeoutMs))
      });
      const out: Record<string, string> = {};
      for (const h of ['content-type', 'x-content-type-options']) {
        const v = res.headers.get(h);
        if (v !== null) out[h] = v;
      }
      return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
    } catch {
      return null;
    }
  };

  const intercept = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (!url.pathname.startsWith('/sim/v1/')) return false;
    const now = Date.now();
    engine.advance(now);
    let body: Json;
    if (url.pathname === '/sim/v1/member' && req.method === 'GET') {
      const v = membership.view();
      body = { name: v.name, leader: v.leader, term: v.term, replica: membership.isLeader() ? replicaJson(engine.exportReplica()) : null };
    } else if (url.pathname === '/sim/v1/route' && req.method === 'GET') {
      body = {
        member: opts.name,
        pdLeader: membership.leader,
        stores: engine.stores.filter((s) => !s.tombstone).map((s) => s.name),
        regions: engine.route().map((r) => ({ leader: r.leader, serving: r.serving, since: r.since }))
      };
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return true;
    }
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return true;
  };

  const server = await startPdServer(engine, {
    host: opts.host,
    port: opts.port,
    seed: opts.seed ^ hashName(opts.name),
    maxWaitMs: 1000,
    self: opts.name,
    health: (m) => healthOf(m.name),
    intercept,
    forward,
    onUpgrade
  });

  const stopTick = every(tickMs, (now) => applyMembership(now));
  const stopLinks = every(Math.min(scaled(speed, NODE_TIMINGS.linkPing, 50, 1000), 250), checkStores);
  const stopPings = every(memberPingMs, () => {
    for (const p of peers) void pingMember(p);
  });
  for (const p of peers) void pingMember(p);
  log(`PD ${opts.name} on ${server.url} (sim speed ${speed}, members ${opts.members.map((m) => m.name).join(',')})`);

  return {
    server,
    engine,
    membership,
    close: async () => {
      closed = true;
      stopTick();
      stopLinks();
      stopPings();
      for (const v of stores.values()) v.link?.socket.destroy();
      await server.close();
    }
  };
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

function parseMemberView(data: unknown): MemberView | null {
  if (!isRecord(data)) return null;
  const { name, leader, term } = data;
  if (typeof name !== 'string' || typeof term !== 'number' || !Number.isInteger(term)) return null;
  if (leader !== null && typeof leader !== 'string') return null;
  return { name, leader, term };
}

function replicaJson(r: EngineReplica): Json {
  return {
    stores: r.stores.map((s) => ({ ...s })),
    regions: r.regions.map((x) => ({ ...x })),
    maxStoreDownTimeMs: r.maxStoreDownTimeMs,
    scheduleConfig: { ...r.scheduleConfig }
  };
}

function parseReplica(data: unknown): EngineReplica | null {
  if (!isRecord(data) || !Array.isArray(data.stores) || !Array.isArray(data.regions)) return null;
  const stores: EngineReplica['stores'] = [];
  for (const s of data.stores) {
    if (!isRecord(s)) return null;
    const { name, startTimestamp, lastHeartbeatNs, usedBytes, availableBytes } = s;
    if (
      typeof name !== 'string' ||
      typeof startTimestamp !== 'number' ||
      typeof lastHeartbeatNs !== 'string' ||
      !/^\d+$/.test(lastHeartbeatNs) ||
      typeof usedBytes !== 'number' ||
      typeof availableBytes !== 'number'
    ) {
      return null;
    }
    stores.push({ name, startTimestamp, lastHeartbeatNs, usedBytes, availableBytes });
  }
  const regions: EngineReplica['regions'] = [];
  for (const r of data.regions) {
    if (!isRecord(r)) return null;
    const { id, leader, leaderLost } = r;
    if (typeof id !== 'number' || typeof leader !== 'string' || typeof leaderLost !== 'boolean') return null;
    regions.push({ id, leader, leaderLost });
  }
  const scheduleConfig: EngineReplica['scheduleConfig'] = {};
  if (isRecord(data.scheduleConfig)) {
    for (const [k, v] of Object.entries(data.scheduleConfig)) {
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') scheduleConfig[k] = v;
    }
  }
  const maxStoreDownTimeMs = typeof data.maxStoreDownTimeMs === 'number' ? data.maxStoreDownTimeMs : 0;
  return { stores, regions, maxStoreDownTimeMs, scheduleConfig };
}
