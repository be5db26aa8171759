// The in-process engine follows Date.now, which jumps: a laptop that slept with the app open, an
// NTP step. A jump forward must not replay the gap rule by rule (hours of 100 ms workload ticks
// blocked the main process for seconds); a lag under the catch-up bound is still replayed exactly.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SimEngine } from '../../../src/main/sim/core/engine';
import { Rng } from '../../../src/main/sim/core/rng';
import { Workload, formatYcsbLines, type WorkloadCluster } from '../../../src/main/sim/core/workload';
import { runDueTicks } from '../../../src/main/sim/nodes/ycsb-node';

const T0 = Date.UTC(2026, 7, 20, 10, 0, 0);
const S = 1000;
const HOUR = 3600 * S;
const SPEED = 10;
/** The in-process driver's timer period at speed 10 (inproc/cluster.ts: 250 ms / speed). */
const STEP = 25;

type Sample = NonNullable<SimEngine['workload']['current']>;

function engine(seed = 1, speed = SPEED): SimEngine {
  return new SimEngine({ speed, now: T0, seed });
}

/** Advance in the driver's steps up to `to` (wall ms); the 1 s windows completed on the way. */
function drive(e: SimEngine, to: number, step = STEP): Sample[] {
  const out: Sample[] = [];
  let last = e.workload.current;
  for (let t = e.now + step; t <= to; t += step) {
    e.advance(t);
    const c = e.workload.current;
    if (c && c !== last) out.push(c);
    last = c;
  }
  e.advance(to);
  return out;
}

/**
 * Counts the calls of obj[method]; past `cap` it throws, so replaying the whole gap (millions of
 * calls) fails at once instead of running for half a minute.
 */
function counted<T extends object>(obj: T, method: keyof T & string, cap: number): { calls: number } {
  const orig = obj[method] as (...args: unknown[]) => unknown;
  const c = { calls: 0 };
  Object.assign(obj, {
    [method](this: unknown, ...args: unknown[]): unknown {
      if (++c.calls > cap) throw new Error(`${method} ran more than ${cap} times: the gap was replayed`);
      return orig.apply(this, args);
    }
  });
  return c;
}

/** Events the engine runs (its queue is private: reached here only to count them). */
function eventsRun(e: SimEngine, cap: number): { calls: number } {
  return counted((e as unknown as { queue: { pop(): void } }).queue, 'pop', cap);
}

const leaders = (e: SimEngine): Record<string, number> => Object.fromEntries(e.stores.map((s) => [s.name, e.storeLeaderCount(s.name)]));
const states = (e: SimEngine): string[] => e.stores.map((s) => `${s.name}:${e.storeStateName(s)}`);
const total = (e: SimEngine): { count: number; takesSec: number } => {
  const t = e.ycsbTotals().find((x) => x.name === 'TOTAL');
  return { count: t?.count ?? 0, takesSec: t?.takesSec ?? 0 };
};

/** The whole observable state, for equality between runs. */
function fingerprint(e: SimEngine): string {
  return JSON.stringify({
    now: e.now,
    current: e.workload.current,
    perStore: e.workload.perStoreOps,
    ycsb: formatYcsbLines(e.ycsbTotals()),
    route: e.route(),
    pd: e.pdLeaderName(),
    stores: e.stores.map((s) => [s.lastHeartbeatNs.toString(), e.storeStateName(s), s.usedBytes]),
    flow: e.regions.map((r) => [r.readKeys, r.writtenKeys])
  });
}

describe('a clock that jumps forward', () => {
  it('8 h at speed 10 runs a handful of events, not the gap tick by tick', () => {
    const e = engine();
    e.startWorkload();
    drive(e, T0 + 10 * S);
    // The gap (80 h of sim time) holds 2,880,000 workload ticks and ~150,000 heartbeats and
    // scheduler runs.
    const ticks = counted(e.workload, 'tick', 1000);
    const events = eventsRun(e, 1000);
    e.advance(e.now + 8 * HOUR);
    expect(ticks.calls).toBeLessThanOrEqual(3);
    expect(events.calls).toBeLessThan(40);
    // Then ordinary steps again: one tick per 100 ms of sim time (10 ms of wall time).
    drive(e, e.now + S);
    expect(ticks.calls).toBeGreaterThanOrEqual(100);
    expect(ticks.calls).toBeLessThanOrEqual(103);
  });

  it('the workload resumes with whole, ordinary seconds; the totals leave the gap out', () => {
    const e = engine(3);
    e.startWorkload();
    const warm = drive(e, T0 + 10 * S).slice(2);
    const baseline = warm.reduce((a, p) => a + p.ops, 0) / warm.length;
    expect(baseline).toBeGreaterThan(2000);
    const before = e.workload.current;
    const totalBefore = total(e);
    const sleptAt = e.now;

    e.advance(sleptAt + 8 * HOUR);
    // Until a whole second has run after the gap, the last figure stays (no zero, no burst).
    expect(e.workload.current).toBe(before);

    const after = drive(e, e.now + S); // 10 s of sim time
    expect(after.length).toBeGreaterThanOrEqual(9);
    for (const p of after) {
      expect(p.t).toBeGreaterThan(sleptAt + 8 * HOUR);
      expect(p.ops).toBeGreaterThan(0.8 * baseline);
      expect(p.ops).toBeLessThan(1.2 * baseline);
      expect(p.errors).toBe(0);
    }
    const perStore = e.workload.perStoreOps;
    expect(Object.keys(perStore).sort()).toEqual(['tikv0', 'tikv1', 'tikv2']);
    const lastOps = after[after.length - 1]?.ops ?? 0;
    expect(Math.abs(Object.values(perStore).reduce((a, b) => a + b, 0) - lastOps)).toBeLessThanOrEqual(3);

    // go-ycsb's cumulative lines: the gap adds no ops and no run time (Takes(s) ~ 100 + 10 s).
    const t = total(e);
    expect(t.count - totalBefore.count).toBeGreaterThan(9 * 0.8 * baseline);
    expect(t.count - totalBefore.count).toBeLessThan(11 * 1.2 * baseline);
    expect(t.takesSec).toBeGreaterThan(105);
    expect(t.takesSec).toBeLessThan(115);
    expect(t.count / t.takesSec).toBeGreaterThan(0.8 * baseline);
  });

  it("leaves PD's view consistent: stores Up with recent heartbeats, leaders where they were", () => {
    const e = engine(5);
    e.startWorkload();
    drive(e, T0 + 10 * S);
    e.advance(e.now + 8 * HOUR);
    expect(states(e)).toEqual(['tikv0:Up', 'tikv1:Up', 'tikv2:Up']);
    for (const s of e.stores) expect(e.now - e.lastHeartbeatMs(s)).toBeLessThanOrEqual(10 * S / SPEED);
    expect(e.pdLeaderName()).toMatch(/^pd[0-2]$/);
    expect(leaders(e)).toEqual({ tikv0: 12, tikv1: 12, tikv2: 12 });
    expect(e.route().every((r) => r.serving)).toBe(true);
  });

  it('a store killed before the sleep: its regions were re-elected, it is Down, and it comes back', () => {
    const e = engine(6);
    e.startWorkload();
    drive(e, T0 + 10 * S);
    e.kill('tikv1');
    const events = eventsRun(e, 1000);
    e.advance(e.now + 8 * HOUR);
    expect(events.calls).toBeLessThan(100);
    expect(states(e)).toEqual(['tikv0:Up', 'tikv1:Down', 'tikv2:Up']);
    expect(leaders(e)).toEqual(expect.objectContaining({ tikv1: 0 }));
    expect(e.route().every((r) => r.serving)).toBe(true);
    expect(e.stores.map((s) => e.storeLeaderCount(s.name)).reduce((a, b) => a + b, 0)).toBe(36);

    e.start('tikv1');
    const back = drive(e, e.now + 60 * S / SPEED);
    expect(states(e)).toEqual(['tikv0:Up', 'tikv1:Up', 'tikv2:Up']);
    expect(leaders(e)).toEqual({ tikv0: 12, tikv1: 12, tikv2: 12 });
    expect(back.slice(-3).every((p) => p.errors === 0 && p.ops > 2000)).toBe(true);
  });

  it('no quorum overnight: raft campaigns do not replay every 10-20 s either', () => {
    const e = engine(7);
    e.startWorkload();
    drive(e, T0 + 10 * S);
    e.kill('tikv1');
    e.kill('tikv2');
    const events = eventsRun(e, 5000);
    e.advance(e.now + 8 * HOUR);
    // 36 regions each campaign once more near the target, not ~1,900 times.
    expect(events.calls).toBeLessThan(150);
    expect(e.route().some((r) => r.serving)).toBe(false);
    e.start('tikv1');
    e.start('tikv2');
    drive(e, e.now + 30 * S / SPEED);
    expect(e.route().every((r) => r.serving)).toBe(true);
  });

  it('is deterministic, and a lag under the bound (50 s of sim time) is replayed exactly', () => {
    const jumped = (): string => {
      const e = engine(9);
      e.startWorkload();
      drive(e, T0 + 10 * S);
      e.advance(e.now + 8 * HOUR);
      drive(e, e.now + 2 * S);
      return fingerprint(e);
    };
    expect(jumped()).toBe(jumped());

    const a = engine(9);
    const b = engine(9);
    for (const e of [a, b]) {
      e.startWorkload();
      drive(e, T0 + 5 * S);
      e.kill('tikv2');
    }
    a.advance(T0 + 10 * S); // 50 s of sim time in one step
    drive(b, T0 + 10 * S);
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it('leaves the normal path (a step every 100 ms) as it was before the bound existed', () => {
    // Recorded with the engine before the catch-up bound: a rule change updates it on purpose.
    const e = engine(7, 1);
    e.startWorkload();
    const h = createHash('sha256');
    for (let i = 1; i <= 600; i++) {
      e.advance(T0 + i * 100);
      if (i === 100) e.kill('tikv1');
      if (i === 400) e.start('tikv1');
      h.update(fingerprint(e));
    }
    expect(h.digest('hex').slice(0, 16)).toBe('1cbcb56bf11aba3e');
  });
});

describe('a clock stepped back', () => {
  // The engine's own rule; the in-process cluster keeps it off a stepped wall clock by driving it
  // on a steady clock (inproc/steady-clock.ts, wall-step.test.ts).
  it('stalls the engine until the clock is past where it was (time never goes backwards)', () => {
    const e = engine(4, 1);
    e.startWorkload();
    e.advance(T0 + 10 * S);
    const at = e.now;
    const before = fingerprint(e);
    const events = eventsRun(e, 100_000);
    e.advance(at - 60 * S);
    expect(e.now).toBe(at);
    expect(fingerprint(e)).toBe(before);
    // A kill still lands, but nothing follows from it (elections 10-20 s later) until the
    // clock is past `at` again: 25 s of the clock without a single event.
    e.kill('tikv1');
    e.advance(at - 35 * S);
    expect(events.calls).toBe(0);
    expect(e.route().every((r) => r.serving)).toBe(false);
    e.advance(at + 25 * S);
    expect(e.route().every((r) => r.serving)).toBe(true);
  });
});

describe('the containerized workload (ycsb-node) after a clock jump', () => {
  const serving: WorkloadCluster = {
    regionCount: 4,
    regionServing: () => true,
    regionServingSince: () => T0 - HOUR,
    regionLeaderName: (i) => `tikv${i % 3}`,
    storeNames: () => ['tikv0', 'tikv1', 'tikv2']
  };

  it('catches a late timer up tick by tick, but skips a gap instead of replaying it', () => {
    const w = new Workload(1, new Rng(5));
    w.start(T0);
    const ticks = counted(w, 'tick', 1_000);
    // Two seconds of 100 ms timer calls: every tick runs, in order.
    let next = T0;
    for (let now = T0 + 100; now <= T0 + 2 * S; now += 100) next = runDueTicks(w, serving, next, now, 1);
    expect(ticks.calls).toBe(20);
    expect(next).toBe(T0 + 2 * S);
    const normal = w.current!.ops;
    expect(normal).toBeGreaterThan(1_000);
    // A timer 5 s late (under the catch-up bound) is replayed exactly.
    next = runDueTicks(w, serving, next, T0 + 7 * S, 1);
    expect(ticks.calls).toBe(70);
    // 8 hours asleep: before, 10,000 ticks a timer call until all 288,000 were replayed.
    const woke = T0 + 7 * S + 8 * HOUR;
    next = runDueTicks(w, serving, next, woke, 1);
    expect(ticks.calls).toBeLessThanOrEqual(71);
    expect(woke - next).toBeLessThan(100);
    // The next whole second is a second of normal work: no zero, no burst.
    for (let now = woke + 100; now <= woke + 1_200; now += 100) next = runDueTicks(w, serving, next, now, 1);
    expect(w.current!.t).toBeGreaterThan(woke);
    expect(w.current!.ops).toBeGreaterThan(normal * 0.8);
    expect(w.current!.ops).toBeLessThan(normal * 1.2);
  });
});
