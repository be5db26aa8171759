// The cluster a simulation starts from: three TiKV stores that have run for half an hour (each
// heartbeating with its own phase), optionally a Tombstone store, regions split over go-ycsb's
// key space with one peer per live store, and three PD members. Pure: all randomness comes
// from the `setup` generator, in a fixed order.
import {
  PD_DEFS,
  STORE_DEFS,
  TIMINGS,
  wallNs,
  type EngineOptions,
  type MemberState,
  type RegionState,
  type StoreState
} from './model';
import type { Rng } from './rng';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface InitialLayout {
  stores: StoreState[];
  regions: RegionState[];
  members: MemberState[];
  /** Wall ms of each live store's last heartbeat before the start (by store index). */
  lastHeartbeatAt: number[];
  /** Index of the member that leads at the start. */
  pdLeader: number;
}

export function initialLayout(opts: EngineOptions, speed: number, setup: Rng): InitialLayout {
  const nowSec = Math.floor(opts.now / 1000);
  const stores: StoreState[] = [];
  const lastHeartbeatAt: number[] = [];
  STORE_DEFS.forEach((def, index) => {
    const phase = setup.uniform(0, TIMINGS.storeHeartbeat) / speed;
    const lastHb = opts.now - phase;
    lastHeartbeatAt.push(lastHb);
    stores.push({
      index,
      id: def.id,
      name: def.name,
      address: `${def.name}:20160`,
      statusAddress: `${def.name}:20180`,
      tombstone: false,
      proc: 'running',
      partitioned: false,
      stopping: false,
      startTimestamp: nowSec - 1800 - index,
      lastHeartbeatNs: wallNs(lastHb, setup),
      capacityBytes: 58.37 * GIB,
      availableBytes: 0,
      usedBytes: 0,
      hbToken: 0,
      stopDeadline: 0
    });
  });
  if (opts.tombstoneStore) {
    stores.push({
      index: stores.length,
      id: 2,
      name: 'tikv3',
      address: 'tikv3:20160',
      statusAddress: 'tikv3:20180',
      tombstone: true,
      proc: 'exited',
      partitioned: false,
      stopping: false,
      startTimestamp: nowSec - 86400,
      lastHeartbeatNs: wallNs(opts.now - 7200_000, setup),
      capacityBytes: 58.37 * GIB,
      availableBytes: 41.2 * GIB,
      usedBytes: 0,
      hbToken: 0,
      stopDeadline: 0
    });
  }
  const regions = initialRegions(opts, stores, setup);
  const members: MemberState[] = PD_DEFS.map((def, index) => ({
    index,
    name: def.name,
    memberId: def.memberId,
    proc: 'running',
    partitioned: false,
    stopping: false,
    startTimestamp: nowSec - 1805 + index
  }));
  const pdLeader = setup.int(members.length);
  return { stores, regions, members, lastHeartbeatAt, pdLeader };
}

/** Split points spread over go-ycsb's raw key space; one peer per live store. */
function initialRegions(opts: EngineOptions, stores: StoreState[], setup: Rng): RegionState[] {
  const live = stores.filter((s) => !s.tombstone);
  const count = opts.regionCount ?? 36;
  const splitKey = (i: number): string =>
    i <= 0 || i >= count ? '' : `usertable:user${String(10 + Math.floor((i * 90) / count)).padStart(2, '0')}`;
  const regions: RegionState[] = [];
  let nextId = 6;
  for (let i = 0; i < count; i++) {
    const id = i === 0 ? 2 : nextId++;
    const peers = live.map((s) => ({ id: i === 0 && s.index === 0 ? 3 : nextId++, store: s.index }));
    const sizeMiB = 3 + setup.int(2);
    regions.push({
      id,
      startKey: splitKey(i),
      endKey: splitKey(i + 1),
      confVer: 5,
      version: 3 + i,
      peers,
      leader: live[i % live.length]?.index ?? 0,
      leaderLost: false,
      servingSince: opts.now,
      electionAt: null,
      electionToken: 0,
      sizeMiB,
      keys: Math.round((sizeMiB * MIB) / 1100) + setup.int(200),
      writtenBytes: 0,
      readBytes: 0,
      writtenKeys: 0,
      readKeys: 0
    });
  }
  return regions;
}
