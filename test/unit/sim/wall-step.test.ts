// The in-process simulator runs on a steady clock and stamps with the wall clock, as PD's timers
// run on Go's monotonic clock: a wall clock stepped back (NTP, a laptop's clock corrected on
// stage) must not freeze the cluster and its workload until the wall clock is past where it was,
// and a step forward must not replay the gap. The stamps PD answers with follow the wall clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimEngine } from '../../../src/main/sim/core/engine';
import { wallOffsetAfter, wallStampNs, wallStampSec } from '../../../src/main/sim/core/model';
import { startSimCluster, type SimClusterHandle } from '../../../src/main/sim/inproc/cluster';
import { steadyClock } from '../../../src/main/sim/inproc/steady-clock';

const T0 = Date.UTC(2026, 7, 20, 10, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('the stamps offset (pure)', () => {
  it('moves with a step of the wall clock, not with the clocks’ jitter', () => {
    expect(wallOffsetAfter(0, 0.7)).toBe(0);
    expect(wallOffsetAfter(0, -249)).toBe(0);
    expect(wallOffsetAfter(0, -30_000.4)).toBe(-30_000);
    expect(wallOffsetAfter(-30_000, -30_001)).toBe(-30_000);
    expect(wallOffsetAfter(-30_000, 8 * HOUR)).toBe(8 * HOUR);
    expect(wallOffsetAfter(5, NaN)).toBe(5);
    expect(wallOffsetAfter(5, Infinity)).toBe(5);
  });

  it('shifts nanosecond and second stamps by it', () => {
    expect(wallStampNs(1_000_000_123n, 0)).toBe(1_000_000_123n);
    expect(wallStampNs(1_000_000_123n, -1)).toBe(999_000_123n);
    expect(wallStampNs(5_000_000_000n, 2500)).toBe(7_500_000_000n);
    expect(wallStampSec(100, 0)).toBe(100);
    expect(wallStampSec(100, -30_000)).toBe(70);
    expect(wallStampSec(100, 1_500)).toBe(101);
  });
});

describe('steadyClock', () => {
  it('starts at the wall clock and then follows the monotonic clock only', () => {
    let wall = T0;
    let mono = 5_000;
    const clock = steadyClock(
      () => wall,
      () => mono
    );
    expect(clock()).toBe(T0);
    mono += 1_000;
    wall -= 30_000; // stepped back
    expect(clock()).toBe(T0 + 1_000);
    mono += 500;
    wall += 8 * HOUR; // stepped forward
    expect(clock()).toBe(T0 + 1_500);
  });
});

describe('an engine on a steady clock', () => {
  it('keeps its store heartbeats going through a wall clock stepped back, and stamps them with the wall clock', () => {
    const e = new SimEngine({ speed: 10, now: T0, seed: 3 });
    e.startWorkload();
    let steady = T0;
    let wall = T0;
    const run = (ms: number): void => {
      for (let i = 0; i < ms / 25; i++) {
        steady += 25;
        wall += 25;
        e.advance(steady, wall);
      }
    };
    run(3_000);
    wall -= 10 * MIN;
    const before = e.stores.map((s) => s.lastHeartbeatNs);
    const samplesBefore = e.workload.current;
    run(3_000);
    // Heartbeats every 1 s at speed 10: each store has landed new ones, and PD still sees them Up.
    e.stores.forEach((s, i) => expect(s.lastHeartbeatNs).toBeGreaterThan(before[i]!));
    expect(e.stores.map((s) => e.storeStateName(s))).toEqual(['Up', 'Up', 'Up']);
    expect(e.workload.current).not.toBe(samplesBefore);
    expect(e.workload.current!.ops).toBeGreaterThan(0);
    // The stamps as the API shows them read the stepped wall clock.
    expect(e.wallOffsetMs).toBe(-10 * MIN);
    const newest = Math.max(...e.stores.map((s) => Number(wallStampNs(s.lastHeartbeatNs, e.wallOffsetMs) / 1_000_000n)));
    expect(wall - newest).toBeGreaterThanOrEqual(0);
    expect(wall - newest).toBeLessThan(1_100);
  });
});

describe('an engine given a broken clock', () => {
  it('ignores a reading that is not a finite time instead of running every event there will ever be', () => {
    const e = new SimEngine({ speed: 1, now: T0, seed: 3 });
    e.startWorkload();
    e.advance(T0 + 1_000);
    for (const bad of [Infinity, NaN, -Infinity]) e.advance(bad, T0);
    expect(e.now).toBe(T0 + 1_000);
    expect(e.wallOffsetMs).toBe(0);
    e.advance(T0 + 2_000);
    expect(e.now).toBe(T0 + 2_000);
  });
});

describe('the in-process cluster, by default', () => {
  let cluster: SimClusterHandle | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    await cluster?.close();
    cluster = null;
  });

  const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

  async function stores(url: string): Promise<{ state: string; hbMs: number; start: number }[]> {
    const r = await fetch(`${url}/pd/api/v1/stores`);
    const body = (await r.json()) as { stores: { store: { state_name: string; start_timestamp: number }; status: { last_heartbeat_ts: string } }[] };
    return body.stores.map((s) => ({ state: s.store.state_name, hbMs: Date.parse(s.status.last_heartbeat_ts), start: s.store.start_timestamp }));
  }

  it('goes on through a wall clock stepped back 10 minutes, then forward 8 hours, with PD stamps on the wall clock', async () => {
    // Date.now is what the app's clock and the default wall clock read; the monotonic clock runs on.
    const realNow = Date.now.bind(Date);
    let skew = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    cluster = await startSimCluster({ speed: 10, workload: true, seed: 7 });
    const url = cluster.pdUrl;
    await sleep(1_500);
    expect(cluster.control.workload().current?.ops).toBeGreaterThan(0);

    skew = -10 * MIN;
    const engineAt = cluster.engine.now;
    await sleep(2_500);
    // Before the steady clock the engine waited 10 minutes for the wall clock: it stood still.
    expect(cluster.engine.now - engineAt).toBeGreaterThan(2_000);
    const after = cluster.control.workload().current;
    expect(after!.ops).toBeGreaterThan(0);
    // Bounds: a sample is a whole second (1 s old at most), and timers run late on a busy machine.
    expect(Math.abs(Date.now() - after!.t)).toBeLessThan(3_000);
    let s = await stores(url);
    expect(s.map((x) => x.state)).toEqual(['Up', 'Up', 'Up']);
    for (const x of s) expect(Math.abs(Date.now() - x.hbMs)).toBeLessThan(3_000);
    // Uptime stays what it was: start_timestamp moved with the heartbeats.
    for (const x of s) expect(Date.now() / 1000 - x.start).toBeGreaterThan(1_700);

    skew = 8 * HOUR;
    s = await stores(url);
    // Every store still Up, its heartbeat "just now", not 8 hours ago.
    expect(s.map((x) => x.state)).toEqual(['Up', 'Up', 'Up']);
    for (const x of s) expect(Math.abs(Date.now() - x.hbMs)).toBeLessThan(3_000);
    await sleep(1_500);
    const later = cluster.control.workload().current;
    expect(Math.abs(Date.now() - later!.t)).toBeLessThan(3_000);
    expect(later!.ops).toBeGreaterThan(0);
  }, 20_000);
});
