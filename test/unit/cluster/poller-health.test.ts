// PD members' health comes from /health, asked beside the rounds: an old answer must not be shown
// beside a fresh map for as long as /health keeps failing, or while it hangs on a paused PD.
import { describe, expect, it } from 'vitest';
import { createPdPoller, healthNow, type HealthReading, type PdPoller, type PdPollerOptions } from '../../../src/main/cluster/poller';
import type { PdView } from '../../../src/main/cluster/types';
import { PD, fixture, healthyScript, closedAfterEach, waitFor } from './helpers';

const HEALTH = `${PD}/health`;

describe('healthNow', () => {
  const reading: HealthReading = { at: 10_000, entries: [{ name: 'pd0', memberId: '1', health: true }] };

  it('is the last answer while it is young enough, then unknown', () => {
    expect(healthNow(reading, 10_000, 5_000)).toBe(reading.entries);
    expect(healthNow(reading, 15_000, 5_000)).toBe(reading.entries);
    expect(healthNow(reading, 15_001, 5_000)).toBeNull();
    expect(healthNow(null, 10_000, 5_000)).toBeNull();
  });

  it('is unknown when the clock went back past the answer', () => {
    expect(healthNow(reading, 9_000, 5_000)).toBeNull();
  });
});

describe('the poller and an old /health answer', () => {
  const { server, later } = closedAfterEach();

  function poll(pdUrl: string, opts: Partial<PdPollerOptions> = {}): { poller: PdPoller; last: () => PdView } {
    const poller = createPdPoller({ pdUrl, intervalMs: 20, healthEveryMs: 40, requestTimeoutMs: 1_000, healthTimeoutMs: 5_000, random: () => 0.5, onView: () => undefined, ...opts });
    later(() => poller.stop());
    poller.start();
    return { poller, last: () => poller.current() };
  }

  const fresh = (v: PdView): boolean => v.takenAt > 0 && !v.stale;
  const health = (v: PdView): (boolean | null)[] => v.members.map((m) => m.health);

  it('a /health that keeps failing leaves every member unknown once its last answer is too old', async () => {
    let failing = false;
    const pd = await server((path, req) => (failing && path === HEALTH ? { status: 500, body: '"boom"' } : healthyScript(path, req)));
    const h = poll(pd.url, { healthMaxAgeMs: 200 });
    await waitFor(() => fresh(h.last()) && health(h.last()).every((x) => x !== null), 2_000, 'health');
    expect(health(h.last())).toEqual([true, true, false]);
    failing = true;
    await waitFor(() => fresh(h.last()) && health(h.last()).every((x) => x === null), 2_000, 'health unknown beside a fresh map');
    failing = false;
    await waitFor(() => health(h.last()).every((x) => x !== null), 2_000, 'health back');
  });

  it('after a failover, health comes from the next member at once, not after the paused one times out', async () => {
    let mode: 'ok' | 'health-hangs' | 'paused' = 'ok';
    const pd0 = await server((path, req) => (mode === 'paused' || (mode === 'health-hangs' && path === HEALTH) ? { hang: true } : healthyScript(path, req)));
    // The next member's /health knows better: here it says pd1 is unhealthy.
    const pd1 = await server((path, req) => (path === HEALTH ? { body: fixture('health-pd-leader-unhealthy.json') } : healthyScript(path, req)));
    const h = poll(pd0.url, { fallbackUrls: [pd1.url], pingTimeoutMs: 200, healthEveryMs: 100, healthTimeoutMs: 5_000 });
    await waitFor(() => fresh(h.last()) && health(h.last()).every((x) => x !== null), 2_000, 'health from the first member');
    expect(health(h.last())).toEqual([true, true, false]);
    // A /health waits on the first member when it is paused (as PD's /health does then).
    mode = 'health-hangs';
    await waitFor(() => (pd0.inFlight.get(HEALTH) ?? 0) === 1, 2_000, 'a /health in flight');
    mode = 'paused';
    await waitFor(() => h.last().pdUrl === pd1.url && fresh(h.last()), 3_000, 'failed over');
    await waitFor(() => health(h.last()).join() === 'true,false,true', 2_000, "the next member's health");
    expect(fresh(h.last())).toBe(true);
    expect(pd1.total(HEALTH)).toBeGreaterThanOrEqual(1);
  });
});
