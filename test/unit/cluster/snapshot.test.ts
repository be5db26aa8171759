import { describe, expect, it } from 'vitest';
import type { ContainerState, WorkloadSeries } from '../../../src/shared/cluster';
import { parseHealth, parseMembers, parseStores, mergeHealth } from '../../../src/main/cluster/pd-parse';
import { buildSnapshot, DEFAULT_CONTAINER_NOTE, type ContainerInfo } from '../../../src/main/cluster/snapshot';
import type { PdView } from '../../../src/main/cluster/types';
import { fixture } from './helpers';

const PD_URL = 'http://127.0.0.1:2379';
const TAKEN = 1_787_220_030_000;

function pdView(over: Partial<PdView> = {}): PdView {
  const stores = parseStores(fixture('stores.json'));
  const members = parseMembers(fixture('members.json'));
  const health = parseHealth(fixture('health.json'));
  if (!stores.ok || !members.ok || !health.ok) throw new Error('fixtures');
  return {
    pdUrl: PD_URL,
    takenAt: TAKEN,
    stale: false,
    error: null,
    clusterId: members.value.clusterId,
    leader: members.value.leader,
    regionCount: 36,
    maxReplicas: 3,
    maxReplicasError: null,
    stores: stores.value,
    members: mergeHealth(members.value.members, health.value),
    ...over
  };
}

const neverPolled: PdView = {
  pdUrl: PD_URL,
  takenAt: 0,
  stale: true,
  error: `PD at ${PD_URL} is not answering: connection refused`,
  clusterId: null,
  leader: null,
  regionCount: null,
  maxReplicas: null,
  maxReplicasError: null,
  stores: [],
  members: []
};

function docker(entries: [string, ContainerState, boolean?][]): Map<string, ContainerInfo> {
  return new Map(entries.map(([name, state, partitioned]) => [name, { state, partitioned: partitioned ?? false }]));
}

const allRunning = docker([
  ['pd0', 'running'],
  ['pd1', 'running'],
  ['pd2', 'exited'],
  ['tikv0', 'running'],
  ['tikv1', 'exited'],
  ['tikv2', 'running', true]
]);

describe('buildSnapshot', () => {
  it('merges PD and Docker by node name', () => {
    const workload: WorkloadSeries = { running: true, source: 'sim', current: { t: TAKEN, ops: 900, errors: 0, p99Ms: 4 }, history: [] };
    const s = buildSnapshot({
      mode: 'live',
      pd: pdView(),
      containers: allRunning,
      containerNote: null,
      workload,
      perStoreOps: { tikv0: 450, tikv2: 450 },
      now: TAKEN + 1_250
    });
    expect(s).toMatchObject({
      mode: 'live',
      pdUrl: PD_URL,
      takenAt: TAKEN,
      stale: false,
      ageMs: 1_250,
      now: TAKEN + 1_250,
      pdError: null,
      containerNote: null,
      clusterId: '7452180154224557728',
      pdLeader: 'pd1',
      regionCount: 36,
      workload
    });
    expect(s.tikv).toEqual([
      {
        kind: 'tikv',
        storeId: '1',
        name: 'tikv0',
        address: 'tikv0:20160',
        state: 'up',
        container: 'running',
        partitioned: false,
        leaderCount: 6,
        regionCount: 12,
        lastHeartbeatMs: 1787220027418,
        opsPerSec: 450
      },
      expect.objectContaining({ storeId: '4', name: 'tikv1', state: 'disconnected', container: 'exited', leaderCount: 0, opsPerSec: null }),
      expect.objectContaining({ storeId: '5', name: 'tikv2', state: 'up', container: 'running', partitioned: true, opsPerSec: 450 })
    ]);
    expect(s.pd).toEqual([
      { kind: 'pd', memberId: '3474484975246189105', name: 'pd0', health: true, isLeader: false, container: 'running', partitioned: false },
      { kind: 'pd', memberId: '12818309996638325969', name: 'pd1', health: true, isLeader: true, container: 'running', partitioned: false },
      { kind: 'pd', memberId: '9624541275104361583', name: 'pd2', health: false, isLeader: false, container: 'exited', partitioned: false }
    ]);
  });

  it("carries PD's max-replicas as the poller last read it (null: unknown)", () => {
    const at = (maxReplicas: number | null): ReturnType<typeof buildSnapshot> =>
      buildSnapshot({ mode: 'live', pd: pdView({ maxReplicas }), containers: allRunning, containerNote: null, workload: null, now: TAKEN });
    expect(at(5).maxReplicas).toBe(5);
    expect(at(null).maxReplicas).toBeNull();
  });

  it('no Docker: every container is unknown and the note says why', () => {
    const s = buildSnapshot({ mode: 'live', pd: pdView(), containers: null, containerNote: 'Docker is not running', workload: null, now: TAKEN });
    expect([...s.tikv, ...s.pd].every((n) => n.container === 'unknown' && !n.partitioned)).toBe(true);
    expect(s.containerNote).toBe('Docker is not running');
    expect(s.tikv).toHaveLength(3);
    const d = buildSnapshot({ mode: 'live', pd: pdView(), containers: null, containerNote: null, workload: null, now: TAKEN });
    expect(d.containerNote).toBe(DEFAULT_CONTAINER_NOTE);
  });

  it('PD never answered: Docker still fills the map with unknown PD state', () => {
    const s = buildSnapshot({ mode: 'live', pd: neverPolled, containers: allRunning, containerNote: null, workload: null, now: TAKEN });
    expect(s).toMatchObject({ takenAt: 0, stale: true, ageMs: 0, pdError: neverPolled.error, pdLeader: null, regionCount: null, maxReplicas: null });
    expect(s.tikv.map((n) => [n.name, n.storeId, n.state, n.container, n.leaderCount, n.regionCount])).toEqual([
      ['tikv0', '', 'unknown', 'running', 0, 0],
      ['tikv1', '', 'unknown', 'exited', 0, 0],
      ['tikv2', '', 'unknown', 'running', 0, 0]
    ]);
    expect(s.tikv[2]?.partitioned).toBe(true);
    expect(s.pd.map((n) => [n.name, n.memberId, n.health, n.isLeader, n.container])).toEqual([
      ['pd0', '', null, false, 'running'],
      ['pd1', '', null, false, 'running'],
      ['pd2', '', null, false, 'exited']
    ]);
  });

  it('nothing known at all: an empty map', () => {
    const s = buildSnapshot({ mode: 'sim', pd: neverPolled, containers: null, containerNote: null, workload: null, now: TAKEN });
    expect(s.tikv).toEqual([]);
    expect(s.pd).toEqual([]);
  });

  it('PD knows a node Docker does not: container missing; Docker-only nodes are added; other containers ignored', () => {
    const s = buildSnapshot({
      mode: 'live',
      pd: pdView(),
      containers: docker([
        ['tikv0', 'running'],
        ['tikv2', 'running'],
        ['tikv3', 'running'],
        ['pd0', 'running'],
        ['pd1', 'running'],
        ['pd2', 'running'],
        ['ycsb', 'running']
      ]),
      containerNote: null,
      workload: null,
      now: TAKEN
    });
    expect(s.tikv.map((n) => [n.name, n.storeId, n.container])).toEqual([
      ['tikv0', '1', 'running'],
      ['tikv1', '4', 'missing'],
      ['tikv2', '5', 'running'],
      ['tikv3', '', 'running']
    ]);
    expect(s.pd.map((n) => n.name)).toEqual(['pd0', 'pd1', 'pd2']);
  });

  it('keeps tombstones PD returned, orders by name then store id, ops by name or id', () => {
    const stores = parseStores(fixture('stores-mixed.json'));
    if (!stores.ok) throw new Error(stores.error);
    const s = buildSnapshot({
      mode: 'live',
      pd: pdView({ stores: stores.value }),
      containers: null,
      containerNote: null,
      workload: null,
      perStoreOps: { tikv0: 10, '4': 7 },
      now: TAKEN
    });
    expect(s.tikv.map((n) => [n.name, n.state])).toEqual([
      ['10.0.3.7', 'unknown'],
      ['fd00::12', 'up'],
      ['tikv0', 'up'],
      ['tikv1', 'down'],
      ['tikv3', 'offline'],
      ['tikv5', 'offline'],
      ['tikv9', 'tombstone']
    ]);
    expect(s.tikv.find((n) => n.name === 'tikv0')?.opsPerSec).toBe(10);
    expect(s.tikv.find((n) => n.name === 'tikv1')?.opsPerSec).toBe(7);
  });

  it('a tombstoned store and its re-created successor share a name: both shown, older first', () => {
    const base = pdView();
    const s = buildSnapshot({
      mode: 'live',
      pd: pdView({
        stores: [
          ...base.stores,
          { storeId: '2', name: 'tikv1', address: 'tikv1:20160', state: 'tombstone', leaderCount: 0, regionCount: 0, lastHeartbeatMs: null }
        ]
      }),
      containers: allRunning,
      containerNote: null,
      workload: null,
      now: TAKEN
    });
    expect(s.tikv.map((n) => [n.name, n.storeId, n.state, n.container])).toEqual([
      ['tikv0', '1', 'up', 'running'],
      ['tikv1', '2', 'tombstone', 'exited'],
      ['tikv1', '4', 'disconnected', 'exited'],
      ['tikv2', '5', 'up', 'running']
    ]);
  });

  it('stale view: ageMs grows, error passes through, ageMs never negative', () => {
    const pd = pdView({ stale: true, error: 'PD has no leader (election in progress)' });
    const s = buildSnapshot({ mode: 'live', pd, containers: allRunning, containerNote: null, workload: null, now: TAKEN + 9_000 });
    expect(s).toMatchObject({ stale: true, ageMs: 9_000, pdError: 'PD has no leader (election in progress)' });
    expect(s.tikv).toHaveLength(3);
    expect(buildSnapshot({ mode: 'live', pd, containers: null, containerNote: null, workload: null, now: TAKEN - 5 }).ageMs).toBe(0);
  });

  it('a store id that is not decimal (a damaged recording) sorts after the real ones instead of throwing', () => {
    const tikv1 = pdView().stores[1]!;
    const pd = pdView({
      stores: [
        { ...tikv1, storeId: 'x' },
        { ...tikv1, storeId: '4' },
        { ...tikv1, storeId: '' },
        { ...tikv1, storeId: 'b' },
        { ...tikv1, storeId: '12' }
      ]
    });
    const s = buildSnapshot({ mode: 'replay', pd, containers: null, containerNote: null, workload: null, now: TAKEN });
    expect(s.tikv.map((n) => n.storeId)).toEqual(['4', '12', 'b', 'x', '']);
  });

  it('does not share arrays with the input view', () => {
    const pd = pdView();
    const s = buildSnapshot({ mode: 'live', pd, containers: null, containerNote: null, workload: null, now: TAKEN });
    s.tikv.pop();
    expect(pd.stores).toHaveLength(3);
  });
});
