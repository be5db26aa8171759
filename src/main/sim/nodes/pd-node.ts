// One PD member as its own process (the simulator in containers): PD's HTTP API over a
// heartbeat-driven LinkedEngine. What this process knows about TiKV it learns from the TiKV
// processes' links (pd-links.ts). PD leadership among the PD processes is the Membership state
// machine, fed by pings to the other members (pd-peers.ts); the leader's answer carries its
// region cache, which the followers mirror. Requests for the leader are proxied to it, as PD does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LinkedEngine } from '../core/linked-engine';
import { Membership } from '../core/membership';
import { Rng } from '../core/rng';
import { startPdServer, type PdServer } from '../pd-api/server';
import { NODE_TIMINGS, every, logger, scaled, type Json } from './node-util';
import { createStoreLinks } from './pd-links';
import { createPeerClient, replicaJson } from './pd-peers';

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

export interface PdNode {
  server: PdServer;
  engine: LinkedEngine;
  membership: Membership;
  close(): Promise<void>;
}

export async function startPdNode(opts: PdNodeOptions): Promise<PdNode> {
  const log = opts.log ?? logger(opts.name);
  const speed = opts.speed;
  const bootAt = Date.now();
  const rng = new Rng((opts.seed ^ hashName(opts.name)) >>> 0);
  // The same seed on every member: a fresh cluster starts with the same regions everywhere.
  const engine = new LinkedEngine({ speed, now: bootAt, seed: opts.seed });
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

  const links = createStoreLinks({
    engine,
    log,
    bootAt,
    linkTimeoutMs,
    bootGraceMs,
    closed: () => closed,
    synced: () => synced,
    isLeader: () => membership.isLeader()
  });
  const peerClient = createPeerClient({
    self: opts.name,
    engine,
    membership,
    peerUrl,
    pingTimeoutMs,
    healthTimeoutMs,
    proxyTimeoutMs,
    log,
    closed: () => closed,
    onMirrored: (leader) => {
      if (!synced) log(`mirroring ${leader}'s region cache`);
      synced = true;
    },
    applyMembership: (now) => applyMembership(now)
  });

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
    self: opts.name,
    health: (m) => peerClient.healthOf(m.name),
    intercept,
    forward: (leader, req, body) => peerClient.forward(leader, req, body),
    onUpgrade: (req, socket, head) => links.onUpgrade(req, socket, head)
  });

  const stopTick = every(tickMs, (now) => applyMembership(now));
  const stopLinks = every(Math.min(scaled(speed, NODE_TIMINGS.linkPing, 50, 1000), 250), (now, lateBy) =>
    links.checkStores(now, lateBy)
  );
  const stopPings = every(memberPingMs, () => {
    for (const p of peers) void peerClient.pingMember(p);
  });
  for (const p of peers) void peerClient.pingMember(p);
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
      links.closeAll();
      await server.close();
    }
  };
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}
