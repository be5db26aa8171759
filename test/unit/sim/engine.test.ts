// The simulator's functional core, driven by a fake clock: every rule at PD's real timings
// (speed 1), checked at the edges of its window.
import { describe, expect, it } from 'vitest';
import { SimEngine } from '../../../src/main/sim/core/engine';
import { TIMINGS, type StoreState } from '../../../src/main/sim/core/model';
import type { SimProcess } from '../../../src/main/sim/types';
import { formatYcsbLines } from '../../../src/main/sim/core/workload';
import { membersJson, storeInfoJson } from '../../../src/main/sim/pd-api/pdjson';

const T0 = Date.UTC(2026, 7, 20, 10, 0, 0);
const S = 1000;

function engine(seed = 1, speed = 1): SimEngine {
  return new SimEngine({ speed, now: T0, seed });
}

function store(e: SimEngine, name: string): StoreState {
  const s = e.stores.find((x) => x.name === name);
  if (!s) throw new Error(name);
  return s;
}

function leaders(e: SimEngine): Record<string, number> {
  const counts = e.leaderCounts();
  return Object.fromEntries(e.stores.map((s) => [s.name, counts[s.index] ?? 0]));
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

/** Advance in steps, calling `check` after each. */
function walk(e: SimEngine, from: number, to: number, step: number, check: (t: number) => void): void {
  for (let t = from; t <= to; t += step) {
    e.advance(t);
    check(t);
  }
}

describe('initial cluster', () => {
  it('has 3 PD members, 3 stores (1, 4, 5) and 36 regions spread 12/12/12', () => {
    const e = engine();
    expect(e.stores.map((s) => [s.id, s.address])).toEqual([
      [1, 'tikv0:20160'],
      [4, 'tikv1:20160'],
      [5, 'tikv2:20160']
    ]);
    expect(e.regions).toHaveLength(36);
    expect(e.regions.every((r) => r.peers.length === 3)).toBe(true);
    expect(leaders(e)).toEqual({ tikv0: 12, tikv1: 12, tikv2: 12 });
    expect(e.pdLeaderName()).toMatch(/^pd[0-2]$/);
    expect(e.processes().map((p) => `${p.name}:${p.state}`)).toEqual([
      'pd0:running',
      'pd1:running',
      'pd2:running',
      'tikv0:running',
      'tikv1:running',
      'tikv2:running'
    ]);
  });

  it('keeps stores Up while they heartbeat every 10 s', () => {
    const e = engine();
    walk(e, T0, T0 + 120 * S, 500, () => {
      for (const s of e.stores) expect(e.storeStateName(s)).toBe('Up');
    });
    // Heartbeats landed within the last 10 s.
    for (const s of e.stores) expect(e.now - e.lastHeartbeatMs(s)).toBeLessThanOrEqual(10 * S);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number): string => {
      const e = engine(seed);
      e.advance(T0 + 5 * S);
      e.kill('tikv1');
      e.advance(T0 + 60 * S);
      return JSON.stringify(e.regions.map((r) => r.leader));
    };
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(43));
  });
});

describe('store state derivation', () => {
  it('turns Disconnected 20 s after the last heartbeat, not before', () => {
    const e = engine();
    e.advance(T0 + 3 * S);
    e.kill('tikv1');
    const s = store(e, 'tikv1');
    const last = e.lastHeartbeatMs(s);
    e.advance(last + 19_990);
    expect(e.storeStateName(s)).toBe('Up');
    e.advance(last + 20_010);
    expect(e.storeStateName(s)).toBe('Disconnected');
    // The other stores keep heartbeating.
    expect(e.storeStateName(store(e, 'tikv0'))).toBe('Up');
  });

  it('turns Down after max-store-down-time (30m by default, settable)', () => {
    const e = engine();
    e.advance(T0 + S);
    e.kill('tikv2');
    const s = store(e, 'tikv2');
    const last = e.lastHeartbeatMs(s);
    e.advance(last + 29 * 60 * S + 59 * S);
    expect(e.storeStateName(s)).toBe('Disconnected');
    e.advance(last + 30 * 60 * S + 10);
    expect(e.storeStateName(s)).toBe('Down');

    const f = engine();
    f.setMaxStoreDownTime(60 * S);
    f.advance(T0 + S);
    f.kill('tikv0');
    const t = store(f, 'tikv0');
    const lastF = f.lastHeartbeatMs(t);
    f.advance(lastF + 59 * S);
    expect(f.storeStateName(t)).toBe('Disconnected');
    f.advance(lastF + 60 * S + 10);
    expect(f.storeStateName(t)).toBe('Down');
  });

  it('scales every duration by speed', () => {
    const e = engine(1, 10);
    e.advance(T0 + 100);
    e.kill('tikv1');
    const s = store(e, 'tikv1');
    const last = e.lastHeartbeatMs(s);
    e.advance(last + 1990);
    expect(e.storeStateName(s)).toBe('Up');
    e.advance(last + 2010);
    expect(e.storeStateName(s)).toBe('Disconnected');
  });

  it('freezes uptime while dead, and keeps region_count', () => {
    const e = engine();
    e.advance(T0 + S);
    e.kill('tikv1');
    e.advance(T0 + 30 * S);
    const a = storeInfoJson(e, store(e, 'tikv1'));
    e.advance(T0 + 90 * S);
    const b = storeInfoJson(e, store(e, 'tikv1'));
    const status = (v: typeof a): Record<string, unknown> => (v as { status: Record<string, unknown> }).status;
    expect(status(b).uptime).toBe(status(a).uptime);
    expect(status(b).region_count).toBe(36);
    expect(status(b).leader_count).toBe(0);
  });
});

describe('leader movement', () => {
  it('re-elects the leaders of a killed store within 10-20 s; the sum stays 36', () => {
    const e = engine(7);
    e.advance(T0 + 2 * S);
    const kill = e.now;
    e.kill('tikv1');
    let firstMove: number | null = null;
    walk(e, kill, kill + 25 * S, 100, (t) => {
      const l = leaders(e);
      expect(sum(l)).toBe(36);
      if (firstMove === null && (l.tikv1 ?? 0) < 12) firstMove = t - kill;
    });
    expect(firstMove).not.toBeNull();
    expect(firstMove ?? 0).toBeGreaterThanOrEqual(10 * S);
    e.advance(kill + 20 * S);
    expect(leaders(e).tikv1).toBe(0);
    expect(store(e, 'tikv1').proc).toBe('exited');
    // Before 10 s nothing moved.
    const f = engine(7);
    f.advance(T0 + 2 * S);
    f.kill('tikv1');
    f.advance(T0 + 2 * S + 9_900);
    expect(leaders(f).tikv1).toBe(12);
  });

  it('a restarted store comes back Up with 0 leaders, then balance-leader evens them out in small batches', () => {
    const e = engine(3);
    e.advance(T0 + S);
    e.kill('tikv0');
    e.advance(T0 + 60 * S);
    expect(e.storeStateName(store(e, 'tikv0'))).toBe('Disconnected');
    const start = e.now;
    e.start('tikv0');
    const s = store(e, 'tikv0');
    // PutStore at boot moved start_timestamp: uptime (last heartbeat - start) is <= 0, omitted.
    const info = storeInfoJson(e, s) as { status: Record<string, unknown> };
    expect(info.status.uptime).toBeUndefined();
    let upAt: number | null = null;
    let prev = leaders(e);
    walk(e, start, start + 90 * S, 10, (t) => {
      const l = leaders(e);
      expect(sum(l)).toBe(36);
      if (upAt === null && e.storeStateName(s) === 'Up') {
        upAt = t;
        expect(l.tikv0).toBe(0);
      }
      // balance-leader moves at most a small batch at a time.
      expect(Math.abs((l.tikv0 ?? 0) - (prev.tikv0 ?? 0))).toBeLessThanOrEqual(TIMINGS.balanceBatch);
      prev = l;
    });
    expect(upAt).not.toBeNull();
    const upDelay = (upAt ?? 0) - start;
    expect(upDelay).toBeGreaterThanOrEqual(10 * S);
    expect(upDelay).toBeLessThanOrEqual(11.1 * S);
    expect(leaders(e)).toEqual({ tikv0: 12, tikv1: 12, tikv2: 12 });
  });

  it('a graceful stop drains the leaders first, then exits', async () => {
    const e = engine(5);
    e.advance(T0 + S);
    const events: SimProcess[] = [];
    e.onProcessChange((p) => events.push(p));
    const stopAt = e.now;
    e.stop('tikv2');
    let exitedAt: number | null = null;
    let leadersAtExit = -1;
    walk(e, stopAt, stopAt + 30 * S, 50, (t) => {
      expect(sum(leaders(e))).toBe(36);
      if (exitedAt === null && store(e, 'tikv2').proc === 'exited') {
        exitedAt = t;
        leadersAtExit = leaders(e).tikv2 ?? -1;
      }
      // No region is ever without a serving leader, during the drain or after the exit.
      expect(e.regions.every((r) => e.regionServing(r))).toBe(true);
    });
    expect(exitedAt).not.toBeNull();
    expect(leadersAtExit).toBe(0);
    expect((exitedAt ?? 0) - stopAt).toBeLessThanOrEqual(5 * S);
    expect(events).toEqual([{ name: 'tikv2', kind: 'tikv', state: 'exited', partitioned: false }]);
    expect(e.regions.every((r) => !r.leaderLost)).toBe(true);
    expect(leaders(e)).toEqual({ tikv0: 18, tikv1: 18, tikv2: 0 });
  });

  it('pause: peers notice by timeouts, leaders move later (15-35 s)', () => {
    const e = engine(11);
    e.advance(T0 + S);
    const at = e.now;
    e.pause('tikv0');
    expect(store(e, 'tikv0').proc).toBe('paused');
    let firstMove: number | null = null;
    walk(e, at, at + 36 * S, 100, (t) => {
      expect(sum(leaders(e))).toBe(36);
      if (firstMove === null && (leaders(e).tikv0 ?? 0) < 12) firstMove = t - at;
    });
    expect(firstMove ?? 0).toBeGreaterThanOrEqual(15 * S);
    expect(leaders(e).tikv0).toBe(0);
  });

  it('unpause or heal before the timeout keeps the leaders where they are', () => {
    const e = engine(11);
    e.advance(T0 + S);
    e.pause('tikv0');
    e.advance(T0 + 10 * S);
    e.unpause('tikv0');
    e.partition('tikv1');
    e.advance(T0 + 20 * S);
    e.heal('tikv1');
    e.advance(T0 + 60 * S);
    expect(leaders(e)).toEqual({ tikv0: 12, tikv1: 12, tikv2: 12 });
    for (const s of e.stores) expect(e.storeStateName(s)).toBe('Up');
  });

  it('a partitioned store stops heartbeating and loses its leaders', () => {
    const e = engine(2);
    e.advance(T0 + S);
    e.partition('tikv2');
    e.advance(T0 + 40 * S);
    expect(e.describe('tikv2')).toEqual({ name: 'tikv2', kind: 'tikv', state: 'running', partitioned: true });
    expect(e.storeStateName(store(e, 'tikv2'))).toBe('Disconnected');
    expect(leaders(e).tikv2).toBe(0);
  });

  it('with two stores dead there is no quorum: leaders stay put until one returns', () => {
    const e = engine(4);
    e.advance(T0 + S);
    e.kill('tikv0');
    e.kill('tikv1');
    e.advance(T0 + 60 * S);
    expect(leaders(e).tikv2).toBe(12);
    expect(e.regions.filter((r) => e.regionServing(r))).toHaveLength(0);
    e.start('tikv1');
    e.advance(T0 + 100 * S);
    expect(sum(leaders(e))).toBe(36);
    expect(leaders(e).tikv0).toBe(0);
  });
});

describe('PD members', () => {
  it('killing a follower only turns its health false', () => {
    const e = engine(9);
    const leader = e.pdLeaderName();
    const follower = e.members.find((m) => m.name !== leader);
    if (!follower) throw new Error('no follower');
    e.advance(T0 + S);
    e.kill(follower.name);
    e.advance(T0 + 30 * S);
    expect(e.pdLeaderName()).toBe(leader);
    expect(e.memberHealthy(follower)).toBe(false);
    expect(e.members.filter((m) => e.memberHealthy(m))).toHaveLength(2);
    expect(e.members).toHaveLength(3);
  });

  it('killing the leader leaves no leader for 3-7 s, then a live member leads', () => {
    const e = engine(9);
    e.advance(T0 + S);
    const old = e.pdLeaderName() ?? '';
    const at = e.now;
    e.kill(old);
    expect(e.pdLeaderName()).toBeNull();
    expect((membersJson(e) as Record<string, unknown>).leader).toBeUndefined();
    let electedAfter: number | null = null;
    walk(e, at, at + 10 * S, 50, (t) => {
      if (electedAfter === null && e.pdLeaderName() !== null) electedAfter = t - at;
    });
    expect(electedAfter ?? 0).toBeGreaterThanOrEqual(3 * S);
    expect(electedAfter ?? 0).toBeLessThanOrEqual(7 * S);
    expect(e.pdLeaderName()).not.toBe(old);
    // The killed member restarts as a follower.
    const now = e.pdLeaderName();
    e.start(old);
    e.advance(at + 30 * S);
    expect(e.pdLeaderName()).toBe(now);
  });

  it('killing 2 of 3 loses quorum until one returns', () => {
    const e = engine(9);
    e.advance(T0 + S);
    e.kill('pd0');
    e.kill('pd1');
    e.advance(T0 + 60 * S);
    expect(e.pdLeaderName()).toBeNull();
    // Without a PD leader no heartbeat lands: stores look Disconnected.
    expect(e.storeStateName(store(e, 'tikv0'))).toBe('Disconnected');
    e.start('pd1');
    e.advance(T0 + 68 * S);
    expect(e.pdLeaderName()).toMatch(/^pd[12]$/);
    e.advance(T0 + 80 * S);
    expect(e.storeStateName(store(e, 'tikv0'))).toBe('Up');
  });

  it('process commands are idempotent and report like Docker', () => {
    const e = engine();
    const events: string[] = [];
    const off = e.onProcessChange((p) => events.push(`${p.name}:${p.state}${p.partitioned ? '+cut' : ''}`));
    e.kill('tikv0');
    e.kill('tikv0');
    e.start('tikv0');
    e.start('tikv0');
    e.pause('pd1');
    e.pause('pd1');
    e.start('pd1'); // not exited: nothing
    e.unpause('pd1');
    e.unpause('pd1');
    e.partition('tikv1');
    e.partition('tikv1');
    e.heal('tikv1');
    e.heal('tikv1');
    off();
    e.kill('tikv2');
    expect(events).toEqual(['tikv0:exited', 'tikv0:running', 'pd1:paused', 'pd1:running', 'tikv1:running+cut', 'tikv1:running']);
    expect(() => e.kill('tikv9')).toThrow(/no such/);
  });
});

describe('workload', () => {
  /** Ops of every completed 1 s window, with its sim time relative to `base`. */
  function sample(e: SimEngine, from: number, to: number, base: number): { t: number; ops: number; errors: number }[] {
    const out: { t: number; ops: number; errors: number }[] = [];
    let last = e.workload.current?.t ?? 0;
    walk(e, from, to, 100, () => {
      const c = e.workload.current;
      if (c && c.t !== last) {
        last = c.t;
        out.push({ t: c.t - base, ops: c.ops, errors: c.errors });
      }
    });
    return out;
  }

  it('dips below 80 % while leaders move and recovers above 80 % afterwards', () => {
    const e = engine(21);
    e.startWorkload();
    const warm = sample(e, T0, T0 + 10 * S, T0);
    const baseline = warm.slice(2).reduce((a, p) => a + p.ops, 0) / (warm.length - 2);
    expect(baseline).toBeGreaterThan(2000);
    expect(baseline).toBeLessThan(8000);
    const w = e.workload.perStoreOps;
    expect(Object.keys(w).sort()).toEqual(['tikv0', 'tikv1', 'tikv2']);

    const kill = T0 + 10 * S;
    e.kill('tikv1');
    const during = sample(e, kill, kill + 30 * S, kill);
    const dip = during.filter((p) => p.t > 1 * S && p.t <= 10 * S);
    expect(Math.max(...dip.map((p) => p.ops))).toBeLessThan(0.8 * baseline);
    const after = during.filter((p) => p.t > 22 * S);
    expect(after.length).toBeGreaterThan(3);
    for (const p of after) expect(p.ops).toBeGreaterThan(0.8 * baseline);
    expect(e.workload.perStoreOps.tikv1).toBe(0);

    // After the restart, throughput stays normal while leaders move back.
    e.start('tikv1');
    const back = sample(e, kill + 30 * S, kill + 90 * S, kill);
    for (const p of back) expect(p.ops).toBeGreaterThan(0.8 * baseline);
    expect(leaders(e)).toEqual({ tikv0: 12, tikv1: 12, tikv2: 12 });
    expect(e.workload.perStoreOps.tikv1 ?? 0).toBeGreaterThan(0);
  });

  it('counts errors when the client backoff (20 s) expires first, e.g. after a pause', () => {
    const e = engine(8);
    e.startWorkload();
    e.advance(T0 + 5 * S);
    e.pause('tikv2');
    const points = sample(e, T0 + 5 * S, T0 + 45 * S, T0);
    expect(points.reduce((a, p) => a + p.errors, 0)).toBeGreaterThan(0);
    const totals = e.ycsbTotals();
    expect(totals.map((x) => x.name).filter((n) => n.endsWith('_ERROR')).length).toBeGreaterThan(0);
  });

  it('renders cumulative go-ycsb status lines, sorted by op name', () => {
    const e = engine(8);
    e.startWorkload();
    e.advance(T0 + 10 * S);
    const lines = formatYcsbLines(e.ycsbTotals());
    expect(lines.map((l) => l.split(' - ')[0])).toEqual(['READ  ', 'TOTAL ', 'UPDATE']);
    const re =
      /^(READ|TOTAL|UPDATE) +- Takes\(s\): \d+\.\d, Count: \d+, OPS: \d+\.\d, Avg\(us\): \d+, Min\(us\): \d+, Max\(us\): \d+, 50th\(us\): \d+, 90th\(us\): \d+, 95th\(us\): \d+, 99th\(us\): \d+, 99\.9th\(us\): \d+, 99\.99th\(us\): \d+$/;
    for (const l of lines) expect(l).toMatch(re);
    const read = lines[0] ?? '';
    expect(read.startsWith('READ   - Takes(s): 10.0, Count: ')).toBe(true);
    const count = (l: string): number => Number(/Count: (\d+)/.exec(l)?.[1]);
    expect(count(lines[1] ?? '')).toBe(count(lines[0] ?? '') + count(lines[2] ?? ''));
    // Cumulative: counts only grow.
    e.advance(T0 + 20 * S);
    const later = formatYcsbLines(e.ycsbTotals());
    expect(count(later[0] ?? '')).toBeGreaterThan(count(read));
    expect(later[0]).toMatch(/^READ   - Takes\(s\): 20\.0, /);

    // Exact formatting of one line.
    expect(
      formatYcsbLines([
        {
          name: 'READ',
          takesSec: 10,
          count: 48211,
          avgUs: 1581,
          minUs: 402,
          maxUs: 30527,
          p50: 1379,
          p90: 2437,
          p95: 2917,
          p99: 4555,
          p999: 10895,
          p9999: 22463
        },
        { ...{ takesSec: 5, count: 3, avgUs: 20000000, minUs: 1, maxUs: 2, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, p9999: 1 }, name: 'READ_ERROR' }
      ])
    ).toEqual([
      'READ   - Takes(s): 10.0, Count: 48211, OPS: 4821.1, Avg(us): 1581, Min(us): 402, Max(us): 30527, 50th(us): 1379, 90th(us): 2437, 95th(us): 2917, 99th(us): 4555, 99.9th(us): 10895, 99.99th(us): 22463',
      'READ_ERROR - Takes(s): 5.0, Count: 3, OPS: 0.6, Avg(us): 20000000, Min(us): 1, Max(us): 2, 50th(us): 1, 90th(us): 1, 95th(us): 1, 99th(us): 1, 99.9th(us): 1, 99.99th(us): 1'
    ]);
  });

  it('stops and restarts with fresh counters', () => {
    const e = engine(8);
    e.startWorkload();
    e.advance(T0 + 3 * S);
    e.stopWorkload();
    expect(e.workload.running).toBe(false);
    const last = e.workload.current;
    e.advance(T0 + 6 * S);
    expect(e.workload.current).toBe(last);
    e.startWorkload();
    e.advance(T0 + 8 * S);
    expect(formatYcsbLines(e.ycsbTotals())[0]).toMatch(/Takes\(s\): 2\.0/);
  });
});
