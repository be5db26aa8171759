// PD v8.5's response shapes, built from the engine's state as GoJson values (field order as PD
// writes them, omitempty fields left out, ids and nanosecond times as bigints).
import type { EngineCore } from '../core/engine-core';
import { NS_PER_MS, NS_PER_S, goBytesSize, goDuration, hexKey, rfc3339Nano, type GoJson } from '../core/format';
import { CLUSTER_ID, wallStampNs, wallStampSec, type MemberState, type PeerState, type RegionState, type StoreState } from '../core/model';

export const TIKV_VERSION = '8.5.5';
export const TIKV_GIT_HASH = 'a0234aad114258b60e0ec23c17486c79845299be';
export const PD_VERSION = 'v8.5.5';
export const PD_GIT_HASH = '9c9a8c8a25684b3516e11bc92922df99302c9c46';
export const PD_BUILD_TS = '2025-12-18 08:12:41';

/** region_score per MiB of region_size, as in the reference capture. */
const REGION_SCORE_PER_MIB = 372.1487302651279 / 48;

export function storeInfoJson(e: EngineCore, s: StoreState): GoJson {
  let leaderCount = 0;
  let regionCount = 0;
  let leaderSize = 0;
  let regionSize = 0;
  for (const r of e.regions) {
    const size = Math.max(1, r.sizeMiB);
    if (r.leader === s.index) {
      leaderCount++;
      leaderSize += size;
    }
    if (r.peers.some((p) => p.store === s.index)) {
      regionCount++;
      regionSize += size;
    }
  }
  // Engine times as the wall clock reads them now (EngineCore.wallOffsetMs); uptime is theirs.
  // Whole seconds, as PD keeps a store's start (start_ts and start_timestamp agree).
  const startSec = wallStampSec(s.startTimestamp, e.wallOffsetMs);
  const startNs = BigInt(startSec) * NS_PER_S;
  const lastHeartbeatNs = wallStampNs(s.lastHeartbeatNs, e.wallOffsetMs);
  const uptime = lastHeartbeatNs - startNs;
  return {
    store: {
      id: s.id,
      address: s.address,
      state: s.tombstone ? 2 : undefined,
      version: TIKV_VERSION,
      peer_address: s.address,
      status_address: s.statusAddress,
      git_hash: TIKV_GIT_HASH,
      start_timestamp: startSec,
      deploy_path: '/',
      last_heartbeat: lastHeartbeatNs,
      node_state: s.tombstone ? 3 : 1,
      state_name: e.storeStateName(s)
    },
    status: {
      capacity: goBytesSize(s.capacityBytes),
      available: goBytesSize(s.availableBytes),
      used_size: goBytesSize(s.usedBytes),
      leader_count: leaderCount,
      leader_weight: 1,
      leader_score: leaderCount,
      leader_size: leaderSize,
      region_count: regionCount,
      region_weight: 1,
      region_score: regionSize * REGION_SCORE_PER_MIB,
      region_size: regionSize,
      slow_score: s.tombstone ? undefined : 1,
      slow_trend: s.tombstone
        ? undefined
        : { cause_value: 250041.3 + s.index * 127.9, cause_rate: 0, result_value: 310 + s.index * 7, result_rate: 0 },
      start_ts: rfc3339Nano(startNs),
      last_heartbeat_ts: rfc3339Nano(lastHeartbeatNs),
      uptime: uptime > 0n ? goDuration(uptime) : undefined
    }
  };
}

export function storesJson(e: EngineCore, stores: readonly StoreState[]): GoJson {
  return { count: stores.length, stores: stores.map((s) => storeInfoJson(e, s)) };
}

export function memberJson(m: MemberState): GoJson {
  return {
    name: m.name,
    member_id: m.memberId,
    peer_urls: [`http://${m.name}:2380`],
    client_urls: [`http://${m.name}:2379`],
    deploy_path: '/',
    binary_version: PD_VERSION,
    git_hash: PD_GIT_HASH
  };
}

export function membersJson(e: EngineCore): GoJson {
  const leader = e.pdLeader === null ? undefined : e.members[e.pdLeader];
  return {
    header: { cluster_id: CLUSTER_ID },
    members: e.members.map(memberJson),
    leader: leader ? memberJson(leader) : undefined,
    etcd_leader: leader ? memberJson(leader) : undefined
  };
}

export function leaderJson(e: EngineCore): GoJson {
  const leader = e.pdLeader === null ? undefined : e.members[e.pdLeader];
  return leader ? memberJson(leader) : null;
}

export function healthEntryJson(m: MemberState, healthy: boolean): GoJson {
  return { name: m.name, member_id: m.memberId, client_urls: [`http://${m.name}:2379`], health: healthy };
}

function peerJson(e: EngineCore, p: PeerState): GoJson {
  return { role_name: 'Voter', id: p.id, store_id: e.stores[p.store]?.id ?? 0 };
}

export function regionJson(e: EngineCore, r: RegionState): GoJson {
  const leaderPeer = r.peers.find((p) => p.store === r.leader);
  const down = e.downPeers(r);
  return {
    id: r.id,
    start_key: hexKey(r.startKey),
    end_key: hexKey(r.endKey),
    epoch: { conf_ver: r.confVer, version: r.version },
    peers: r.peers.map((p) => peerJson(e, p)),
    leader: leaderPeer ? peerJson(e, leaderPeer) : undefined,
    down_peers: down.length ? down.map((d) => ({ peer: peerJson(e, d.peer), down_seconds: d.downSeconds })) : undefined,
    cpu_usage: 0,
    written_bytes: r.writtenBytes,
    read_bytes: r.readBytes,
    written_keys: r.writtenKeys,
    read_keys: r.readKeys,
    approximate_size: r.sizeMiB,
    approximate_keys: r.keys
  };
}

export function regionsJson(e: EngineCore, regions: readonly RegionState[]): GoJson {
  return { count: regions.length, regions: regions.map((r) => regionJson(e, r)) };
}

/** GET /stats/region. Map keys are store ids as strings, sorted as Go sorts them. */
export function regionStatsJson(e: EngineCore): GoJson {
  const leaderCount = new Map<number, number>();
  const peerCount = new Map<number, number>();
  const leaderSize = new Map<number, number>();
  const leaderKeys = new Map<number, number>();
  const peerSize = new Map<number, number>();
  const peerKeys = new Map<number, number>();
  const add = (m: Map<number, number>, k: number, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v);
  };
  let storageSize = 0;
  let storageKeys = 0;
  let empty = 0;
  for (const r of e.regions) {
    storageSize += r.sizeMiB;
    storageKeys += r.keys;
    if (r.sizeMiB <= 1) empty++;
    const leaderId = e.stores[r.leader]?.id;
    if (leaderId !== undefined) {
      add(leaderCount, leaderId, 1);
      add(leaderSize, leaderId, r.sizeMiB);
      add(leaderKeys, leaderId, r.keys);
    }
    for (const p of r.peers) {
      const id = e.stores[p.store]?.id;
      if (id === undefined) continue;
      add(peerCount, id, 1);
      add(peerSize, id, r.sizeMiB);
      add(peerKeys, id, r.keys);
    }
  }
  const obj = (m: Map<number, number>): GoJson => {
    const keys = [...m.keys()].map(String).sort();
    const out: Record<string, GoJson> = {};
    for (const k of keys) out[k] = m.get(Number(k)) ?? 0;
    return out;
  };
  return {
    count: e.regions.length,
    empty_count: empty,
    storage_size: storageSize,
    user_storage_size: Math.round(storageSize * 0.83),
    storage_keys: storageKeys,
    store_leader_count: obj(leaderCount),
    store_peer_count: obj(peerCount),
    store_leader_size: obj(leaderSize),
    store_leader_keys: obj(leaderKeys),
    store_peer_size: obj(peerSize),
    store_peer_keys: obj(peerKeys)
  };
}

export function statusJson(e: EngineCore, m: MemberState): GoJson {
  return { build_ts: PD_BUILD_TS, version: PD_VERSION, git_hash: PD_GIT_HASH, start_timestamp: wallStampSec(m.startTimestamp, e.wallOffsetMs) };
}

export function scheduleConfigJson(e: EngineCore): GoJson {
  const out: Record<string, GoJson> = {
    'max-store-down-time': goDuration(BigInt(Math.round(e.maxStoreDownTimeMs)) * NS_PER_MS)
  };
  for (const [k, v] of Object.entries(e.scheduleConfig)) out[k] = v;
  return out;
}

/** GET /config: the subset of PD's config the simulator knows about. */
export function configJson(e: EngineCore, m: MemberState): GoJson {
  return {
    name: m.name,
    'client-urls': 'http://0.0.0.0:2379',
    'advertise-client-urls': `http://${m.name}:2379`,
    schedule: scheduleConfigJson(e),
    replication: replicationConfigJson(e)
  };
}

/** GET /config/replicate (and /config's replication section): PD's ReplicationConfig, the subset PD v8.5 shows. */
export function replicationConfigJson(e: EngineCore): GoJson {
  return { 'max-replicas': e.maxReplicas, 'location-labels': '', 'strictly-match-label': 'false', 'enable-placement-rules': 'true' };
}
