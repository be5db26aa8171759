// PD's max-replicas comes from /config/replicate, read beside the rounds: at first, then every
// half minute (sooner again after a failure), keeping the last good value; it never slows or
// breaks the store poll. The poller's clock here is a fake one that each sleep moves on.
import { describe, expect, it } from 'vitest';
import { createPdPoller, replicasAfter, type PdPoller, type PdPollerOptions } from '../../../src/main/cluster/poller';
import type { PdView } from '../../../src/main/cluster/types';
import { PD, healthyScript, closedAfterEach, waitFor, type Reply, type ScriptedPd } from './helpers';

const STORES = `${PD}/stores`;
const REPLICATE = `${PD}/config/replicate`;

const replicate = (n: number | string): Reply => ({ body: `{"max-replicas":${n},"location-labels":"","strictly-match-label":"false","enable-placement-rules":"true"}` });

describe('replicasAfter', () => {
  it('takes a good answer, and keeps the last good value beside why a later one was not used', () => {
    expect(replicasAfter({ maxReplicas: null }, { ok: true, value: 5 })).toEqual({ maxReplicas: 5, maxReplicasError: null });
    const failed = { ok: false as const, error: { kind: 'bad-body' as const, message: 'max-replicas: below 1 (0)' } };
    expect(replicasAfter({ maxReplicas: 5 }, failed)).toEqual({ maxReplicas: 5, maxReplicasError: 'max-replicas: below 1 (0)' });
    expect(replicasAfter({ maxReplicas: null }, failed)).toEqual({ maxReplicas: null, maxReplicasError: 'max-replicas: below 1 (0)' });
  });
});

describe('the poller and /config/replicate', () => {
  const { server, later } = closedAfterEach();

  interface Harness {
    poller: PdPoller;
    views: PdView[];
    last(): PdView;
    /** Lets the rounds run until the fake clock reads `ms` past the start, and that round is over. */
    to(ms: number): Promise<void>;
  }

  /** A poller on a fake clock: a round each second, run only as far as the test lets it (to). */
  function poll(pd: ScriptedPd, opts: Partial<PdPollerOptions> = {}): Harness {
    const base = 1_000_000;
    let clock = base;
    let limit = base;
    let parkedAt: number | null = null;
    const views: PdView[] = [];
    const poller = createPdPoller({
      pdUrl: pd.url,
      intervalMs: 1_000,
      healthEveryMs: 1_000_000,
      regionCountEveryMs: 1_000_000,
      requestTimeoutMs: 1_000,
      random: () => 0.5,
      now: () => clock,
      sleep: async (ms, signal) => {
        parkedAt = clock;
        while (clock + ms > limit && !signal.aborted) await new Promise((r) => setTimeout(r, 2));
        parkedAt = null;
        clock += ms;
      },
      onView: (v) => views.push(v),
      ...opts
    });
    later(() => poller.stop());
    poller.start();
    return {
      poller,
      views,
      last: () => poller.current(),
      async to(ms) {
        limit = base + ms;
        await waitFor(() => parkedAt === limit, 10_000, `the round at +${ms} ms`);
        // What that round asked beside it has been answered, and the answer taken.
        await new Promise((r) => setTimeout(r, 20));
        await waitFor(() => (pd.inFlight.get(REPLICATE) ?? 0) === 0, 2_000, '/config/replicate answered');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
  }

  it('reads max-replicas at first and then every 30 s, not every round; the view and every fresh round carry it', async () => {
    const pd = await server((path, req) => (path === REPLICATE ? replicate(5) : healthyScript(path, req)));
    const h = poll(pd);
    expect(h.last().maxReplicas).toBeNull();
    await h.to(0);
    expect(h.last()).toMatchObject({ stale: false, error: null, maxReplicas: 5, maxReplicasError: null });
    await h.to(75_000);
    // Asked at +0, +30 s and +60 s, while /stores was asked every second.
    expect(pd.total(REPLICATE)).toBe(3);
    expect(pd.total(STORES)).toBe(76);
    expect(pd.maxInFlight.get(REPLICATE)).toBe(1);
    expect(h.last()).toMatchObject({ stale: false, error: null, maxReplicas: 5, maxReplicasError: null });
    // Once known, no view went out without it.
    const first = h.views.findIndex((v) => v.maxReplicas === 5);
    expect(h.views.slice(first).every((v) => v.maxReplicas === 5)).toBe(true);
  });

  it('keeps the last good value when PD answers something unusable, says why, and asks again sooner', async () => {
    let answer: Reply = replicate(5);
    const pd = await server((path, req) => (path === REPLICATE ? answer : healthyScript(path, req)));
    const h = poll(pd, { replicasEveryMs: 30_000, replicasRetryMs: 5_000 });
    await h.to(29_000);
    expect(h.last().maxReplicas).toBe(5);
    expect(pd.total(REPLICATE)).toBe(1);

    answer = replicate(0);
    await h.to(30_000);
    expect(h.last()).toMatchObject({ stale: false, error: null, maxReplicas: 5 });
    expect(h.last().maxReplicasError).toBe("PD's answer to /config/replicate has an unexpected shape (max-replicas: below 1 (0))");

    // After a failure it is asked again every 5 s, not every 30 s.
    answer = { status: 500, body: '"[PD:cluster:ErrNotBootstrapped]TiKV cluster not bootstrapped"' };
    await h.to(50_000);
    expect(pd.total(REPLICATE)).toBe(2 + 4); // and at +35, +40, +45, +50 s
    expect(h.last().maxReplicas).toBe(5);
    expect(h.last().maxReplicasError).toMatch(/not bootstrapped/);

    let at = 50_000;
    for (const bad of ['"3"', '1000', `1${'0'.repeat(400)}`, 'null']) {
      answer = replicate(bad);
      await h.to((at += 5_000));
      expect(h.last().maxReplicasError).toContain(`(${bad.slice(0, 10)}`);
      expect(h.last()).toMatchObject({ stale: false, error: null, maxReplicas: 5 });
    }

    // A good answer again: taken, and the pace is back to every 30 s.
    answer = replicate(3);
    await h.to((at += 5_000));
    expect(h.last()).toMatchObject({ maxReplicas: 3, maxReplicasError: null });
    const asked = pd.total(REPLICATE);
    await h.to(at + 29_000);
    expect(pd.total(REPLICATE)).toBe(asked);
    await h.to(at + 30_000);
    expect(pd.total(REPLICATE)).toBe(asked + 1);
  });

  it('unknown (null) until PD has answered well once, with the reason', async () => {
    const pd = await server((path, req) => (path === REPLICATE ? { status: 404, body: '404 page not found', contentType: 'text/plain' } : healthyScript(path, req)));
    const h = poll(pd);
    await h.to(0);
    expect(h.last()).toMatchObject({ stale: false, error: null, maxReplicas: null });
    expect(h.last().maxReplicasError).toBe(`PD at ${pd.url} answered 404 Not Found for /config/replicate: "404 page not found"`);
  });

  it('a /config/replicate that hangs neither slows nor breaks the rounds, and is bounded by the request budget', async () => {
    const pd = await server((path, req) => (path === REPLICATE ? { hang: true } : healthyScript(path, req)));
    // Real time here: the rounds must go on while the read hangs.
    const views: PdView[] = [];
    const poller = createPdPoller({
      pdUrl: pd.url,
      intervalMs: 20,
      requestTimeoutMs: 1_000,
      replicasRetryMs: 0,
      random: () => 0.5,
      onView: (v) => views.push(v)
    });
    later(() => poller.stop());
    poller.start();
    await waitFor(() => (pd.inFlight.get(REPLICATE) ?? 0) === 1, 2_000, 'a /config/replicate in flight');
    const t0 = Date.now();
    const before = pd.total(STORES);
    await waitFor(() => pd.total(STORES) >= before + 8, 1_000, 'rounds while /config/replicate hangs');
    // Held up by it, 8 rounds would take 8 s.
    expect(Date.now() - t0).toBeLessThan(800);
    expect(poller.current()).toMatchObject({ stale: false, error: null, maxReplicas: null });
    await waitFor(() => poller.current().maxReplicasError !== null, 3_000, 'the read timed out');
    expect(poller.current().maxReplicasError).toBe(`PD at ${pd.url} is not answering: no answer within 1 s`);
    expect(poller.current()).toMatchObject({ stale: false, error: null });
    await waitFor(() => pd.total(REPLICATE) >= 2, 3_000, 'asked again');
    expect(pd.maxInFlight.get(REPLICATE)).toBe(1);
    // stop() cancels it at once.
    const s0 = Date.now();
    await poller.stop();
    expect(Date.now() - s0).toBeLessThan(200);
  });
});
