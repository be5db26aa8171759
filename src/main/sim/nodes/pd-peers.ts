// A PD process's traffic with the other PD members: the member pings that feed PD leadership
// (GET /sim/v1/member; the leader's answer carries its region cache, which followers mirror),
// /health's pings, and proxying a request to the leader, as PD does.
import type { IncomingMessage } from 'node:http';
import type { LinkedEngine } from '../core/linked-engine';
import type { Membership, MemberView } from '../core/membership';
import type { EngineReplica } from '../core/model';
import { fetchJson, isRecord, type Json } from './node-util';
import { PROXIED_HEADER, type RawReply } from '../pd-api/server';

export interface PeerClientOptions {
  /** This member's name. */
  self: string;
  engine: LinkedEngine;
  membership: Membership;
  /** Base URL of every member's PD API, by name. */
  peerUrl: Map<string, string>;
  pingTimeoutMs: number;
  healthTimeoutMs: number;
  proxyTimeoutMs: number;
  log: (msg: string) => void;
  closed: () => boolean;
  /** A follower mirrored the leader's region cache (from then on not a fresh cluster). */
  onMirrored: (leader: string) => void;
  /** Re-derive the engine's PD leader from the membership. */
  applyMembership: (now: number) => void;
}

export interface PeerClient {
  pingMember(peer: string): Promise<void>;
  healthOf(name: string): Promise<boolean>;
  forward(leader: string, req: IncomingMessage, body: string): Promise<RawReply | null>;
}

export function createPeerClient(opts: PeerClientOptions): PeerClient {
  const { engine, membership, peerUrl, pingTimeoutMs, healthTimeoutMs, proxyTimeoutMs } = opts;

  const inflight = new Set<string>();
  const pingMember = async (peer: string): Promise<void> => {
    if (inflight.has(peer)) return;
    inflight.add(peer);
    try {
      const result = await fetchJson(`${peerUrl.get(peer)}/sim/v1/member`, pingTimeoutMs);
      if (opts.closed()) return;
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
          opts.onMirrored(peer);
        }
      }
      opts.applyMembership(now);
    } finally {
      inflight.delete(peer);
    }
  };

  const healthOf = async (name: string): Promise<boolean> => {
    if (name === opts.self) return true;
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
      const headers: Record<string, string> = { [PROXIED_HEADER]: opts.self };
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

  return { pingMember, healthOf, forward };
}

function parseMemberView(data: unknown): MemberView | null {
  if (!isRecord(data)) return null;
  const { name, leader, term } = data;
  if (typeof name !== 'string' || typeof term !== 'number' || !Number.isInteger(term)) return null;
  if (leader !== null && typeof leader !== 'string') return null;
  return { name, leader, term };
}

export function replicaJson(r: EngineReplica): Json {
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
