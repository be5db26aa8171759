import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { createPdAgent } from '../../../src/main/cluster/pd-client';
import { createPdPoller, type PdPoller, type PdPollerOptions } from '../../../src/main/cluster/poller';
import type { PdView } from '../../../src/main/cluster/types';
import { PD, fixture, freePort, healthyScript, startScriptedPd, waitFor, type Script, type ScriptedPd } from './helpers';

const STORES = `${PD}/stores`;
const MEMBERS = `${PD}/members`;
const HEALTH = `${PD}/health`;
const REGIONS = `${PD}/regions/count`;

interface Harness {
  poller: PdPoller;
  views: PdView[];
  /** Delays the loop asked to sleep, in order. */
  delays: number[];
  last(): PdView;
}

describe('createPdPoller', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });

  async function server(script: Script = healthyScript, port = 0): Promise<ScriptedPd> {
    const pd = await startScriptedPd(script, port);
    cleanups.push(() => pd.close());
    return pd;
  }

  function agent(): Agent {
    const a = createPdAgent({ connections: 4, connectTimeoutMs: 500, headersTimeoutMs: 500, bodyTimeoutMs: 500 });
    cleanups.push(() => a.close());
    return a;
  }

  function poll(pdUrl: string, opts: Partial<PdPollerOptions> = {}): Harness {
    const views: PdView[] = [];
    const delays: number[] = [];
    const poller = createPdPoller({
      pdUrl,
      intervalMs: 20,
      healthEveryMs: 40,
      regionCountEveryMs: 40,
      requestTimeoutMs: 1_000,
      healthTimeoutMs: 1_000,
      random: () => 0.5, // no jitter unless a test asks for it
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          delays.push(ms);
          const t = setTimeout(resolve, ms);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        }),
      onView: (v) => views.push(v),
      ...opts
    });
    cleanups.push(() => poller.stop());
    poller.start();
    return { poller, views, delays, last: () => poller.current() };
  }

  const fresh = (h: Harness) => (): boolean => h.last().takenAt > 0 && !h.last().stale;

  it('publishes a fresh view from a healthy PD, with health, leader and region count', async () => {
    const pd = await server();
    const h = poll(pd.url, { dispatcher: agent() });
    expect(h.poller.current().takenAt).toBe(0);
    await waitFor(() => fresh(h)() && h.last().members.every((m) => m.health !== null) && h.last().regionCount !== null);
    await waitFor(() => pd.total(STORES) >= 15, 3_000, '15 rounds');
    const v = h.last();
    expect(v).toMatchObject({ pdUrl: pd.url, stale: false, error: null, clusterId: '7452180154224557728', leader: 'pd1', regionCount: 36 });
    expect(v.stores.map((s) => [s.storeId, s.name, s.state, s.leaderCount])).toEqual([
      ['1', 'tikv0', 'up', 6],
      ['4', 'tikv1', 'disconnected', 0],
      ['5', 'tikv2', 'up', 6]
    ]);
    expect(v.members).toEqual([
      { memberId: '3474484975246189105', name: 'pd0', health: true, isLeader: false },
      { memberId: '12818309996638325969', name: 'pd1', health: true, isLeader: true },
      { memberId: '9624541275104361583', name: 'pd2', health: false, isLeader: false }
    ]);
    // /health and /regions/count are asked less often than /stores.
    expect(pd.total(HEALTH)).toBeLessThan(pd.total(STORES));
    expect(pd.total(REGIONS)).toBeLessThan(pd.total(STORES));
    // Never overlapping, per path.
    for (const p of [STORES, MEMBERS, HEALTH, REGIONS]) expect(pd.maxInFlight.get(p)).toBe(1);
    // Keep-alive: a handful of sockets for dozens of requests, and no socket leak.
    expect(pd.connections).toBeLessThanOrEqual(4);
    expect(pd.openSockets()).toBeLessThanOrEqual(4);
    expect(pd.total(STORES) + pd.total(MEMBERS)).toBeGreaterThan(pd.connections * 5);
  });

  it('PD down: plain-words error, exponential backoff with a ceiling, recovery resets it', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const h = poll(url, { intervalMs: 20, backoffMaxMs: 160 });
    await waitFor(() => h.delays.length >= 6, 5_000, 'six backoff steps');
    expect(h.delays.slice(0, 6)).toEqual([20, 40, 80, 160, 160, 160]);
    expect(h.last()).toMatchObject({
      stale: true,
      takenAt: 0,
      stores: [],
      error: `PD at ${url} is not answering: connection refused`
    });

    // PD comes up on that port: the next round succeeds and the pace is back to the interval.
    const pd = await server(healthyScript, port);
    await waitFor(fresh(h), 3_000, 'recovery');
    const n = h.delays.length;
    await waitFor(() => h.delays.length >= n + 3, 2_000, 'three more rounds');
    for (const d of h.delays.slice(n)) expect(d).toBeLessThanOrEqual(20);
    expect(h.last().error).toBeNull();
    expect(pd.total(STORES)).toBeGreaterThanOrEqual(3);
  });

  it('fails over to another PD member when the first stops answering, and back off only when all are gone', async () => {
    const deadPort = await freePort();
    const dead = `http://127.0.0.1:${deadPort}`;
    const pd2 = await server();
    const h = poll(dead, { fallbackUrls: [pd2.url], dispatcher: agent() });
    await waitFor(fresh(h), 3_000, 'a fresh view from the second member');
    expect(h.last().pdUrl).toBe(pd2.url);
    // The switch is immediate: no backoff step was taken.
    expect(h.delays[0]).toBe(5);
    await pd2.close();
    await waitFor(() => h.last().stale, 3_000, 'stale once every member is gone');
    await waitFor(() => h.delays.some((d) => d >= 20), 3_000, 'backoff once both failed');
  });

  it('a member gone while another answers is never shown as "PD not answering"', async () => {
    const deadPort = await freePort();
    const pd2 = await server();
    const h = poll(`http://127.0.0.1:${deadPort}`, { fallbackUrls: [pd2.url], dispatcher: agent() });
    await waitFor(fresh(h), 3_000, 'a fresh view from the second member');
    expect(h.views.filter((v) => /not answering/.test(v.error ?? ''))).toEqual([]);
  });

  it('jitters backoff delays around the exponential step', async () => {
    const port = await freePort();
    const low = poll(`http://127.0.0.1:${port}`, { intervalMs: 50, backoffMaxMs: 400, jitter: 0.2, random: () => 0 });
    const high = poll(`http://127.0.0.1:${port}`, { intervalMs: 50, backoffMaxMs: 400, jitter: 0.2, random: () => 0.9999 });
    await waitFor(() => low.delays.length >= 3 && high.delays.length >= 3, 5_000);
    expect(low.delays.slice(0, 3)).toEqual([40, 80, 160]);
    expect(high.delays.slice(0, 3)).toEqual([60, 120, 240]);
  });

  it('a hung PD times out, keeps the last view, never overlaps requests', async () => {
    let mode: 'ok' | 'hang' = 'ok';
    const pd = await server((path, req) => (mode === 'hang' && path !== HEALTH ? { hang: true } : healthyScript(path, req)));
    const h = poll(pd.url, { requestTimeoutMs: 100, backoffMaxMs: 80 });
    await waitFor(fresh(h));
    const good = h.last();
    mode = 'hang';
    await waitFor(() => h.last().stale, 2_000, 'stale');
    await waitFor(() => h.delays.filter((d) => d === 80).length >= 2, 5_000, 'backed off');
    const v = h.last();
    expect(v.error).toBe(`PD at ${pd.url} is not answering: no answer within 0.1 s`);
    expect(v.stores).toEqual(good.stores);
    expect(v.members.map((m) => m.name)).toEqual(['pd0', 'pd1', 'pd2']);
    expect(v.takenAt).toBe(good.takenAt);
    for (const p of [STORES, MEMBERS, REGIONS]) expect(pd.maxInFlight.get(p)).toBe(1);
    mode = 'ok';
    await waitFor(fresh(h), 3_000, 'recovery');
  });

  it('a slow PD (answers after several intervals) still sees one request per path at a time', async () => {
    const pd = await server((path, req) => ({ ...(healthyScript(path, req) as object), delayMs: 60 }));
    const h = poll(pd.url, { intervalMs: 5, requestTimeoutMs: 500 });
    await waitFor(() => pd.total(STORES) >= 6, 3_000);
    expect(h.last().stale).toBe(false);
    for (const p of [STORES, MEMBERS, REGIONS, HEALTH]) expect(pd.maxInFlight.get(p)).toBe(1);
  });

  it('a slow /health does not hold up the stores rounds', async () => {
    const pd = await server((path, req) => (path === HEALTH ? { ...(healthyScript(path, req) as object), delayMs: 600 } : healthyScript(path, req)));
    const h = poll(pd.url, { healthEveryMs: 10 });
    await waitFor(fresh(h));
    const t0 = Date.now();
    const before = pd.total(STORES);
    await waitFor(() => pd.total(STORES) >= before + 8, 1_000, 'rounds while /health is slow');
    expect(Date.now() - t0).toBeLessThan(600);
    expect(pd.maxInFlight.get(HEALTH)).toBe(1);
    expect(h.last().members.every((m) => m.health === null)).toBe(true);
    await waitFor(() => h.last().members.some((m) => m.health !== null), 2_000, 'health');
  });

  it('503 "no leader" during a PD election keeps the map (stale), no backoff, health still updates', async () => {
    let election = false;
    const pd = await server((path, req) => {
      if (!election) return healthyScript(path, req);
      if (path === HEALTH) return { body: fixture('health-pd-leader-unhealthy.json') };
      return { status: 503, body: fixture('no-leader-503.txt'), contentType: 'text/plain; charset=utf-8' };
    });
    const h = poll(pd.url, { healthEveryMs: 20 });
    await waitFor(() => fresh(h)() && h.last().members.every((m) => m.health !== null));
    const good = h.last();
    election = true;
    const n = h.delays.length;
    await waitFor(() => h.last().stale && h.last().members.find((m) => m.name === 'pd1')?.health === false, 2_000, 'stale with pd1 unhealthy');
    await waitFor(() => h.delays.length >= n + 5, 2_000);
    const v = h.last();
    expect(v.error).toMatch(/^PD electing a leader: /);
    expect(v.electing).toBe(true);
    expect(v.stores).toEqual(good.stores);
    expect(v.leader).toBe('pd1'); // the last known leader, flagged stale
    expect(v.regionCount).toBe(36);
    expect(v.takenAt).toBe(good.takenAt);
    // PD answers: poll at the normal pace, so the map recovers as soon as a leader is elected.
    for (const d of h.delays.slice(n)) expect(d).toBeLessThanOrEqual(20);
    election = false;
    await waitFor(fresh(h), 2_000, 'recovery');
    expect(h.last().takenAt).toBeGreaterThan(good.takenAt);
  });

  it('an HTML error page keeps the last view and says what came back', async () => {
    let broken = false;
    const pd = await server((path, req) =>
      broken && path === STORES ? { status: 502, body: fixture('error-page.html'), contentType: 'text/html' } : healthyScript(path, req)
    );
    const h = poll(pd.url);
    await waitFor(fresh(h));
    broken = true;
    await waitFor(() => h.last().stale, 2_000);
    expect(h.last().error).toBe(`PD at ${pd.url} answered 502 Bad Gateway for /stores: "502 Bad Gateway"`);
    expect(h.last().stores).toHaveLength(3);
    // Error answers are consumed too: the pooled sockets are reused, none leak.
    const before = pd.total(STORES);
    await waitFor(() => pd.total(STORES) >= before + 20, 3_000);
    expect(pd.connections).toBeLessThanOrEqual(4);
    expect(pd.openSockets()).toBeLessThanOrEqual(4);
  });

  it('garbage JSON (200) keeps the last view and says it is not JSON', async () => {
    let broken = false;
    const pd = await server((path, req) => (broken && path === MEMBERS ? { body: '{"header": {"cluster_id": 74521801542' } : healthyScript(path, req)));
    const h = poll(pd.url);
    await waitFor(fresh(h));
    broken = true;
    await waitFor(() => h.last().stale, 2_000);
    expect(h.last().error).toMatch(/^PD's answer to \/members is text that is not JSON/);
    expect(h.last().members).toHaveLength(3);
    expect(h.last().stores).toHaveLength(3);
  });

  it('stop() is prompt during a hung request and aborts it; nothing is published after', async () => {
    const pd = await server(() => ({ hang: true }));
    const h = poll(pd.url, { requestTimeoutMs: 10_000, healthTimeoutMs: 10_000 });
    await waitFor(() => (pd.inFlight.get(STORES) ?? 0) === 1 && (pd.inFlight.get(HEALTH) ?? 0) === 1, 2_000);
    const published = h.views.length;
    const t0 = Date.now();
    await h.poller.stop();
    expect(Date.now() - t0).toBeLessThan(300);
    await waitFor(() => pd.aborted >= 3, 1_000, 'server sees the requests aborted');
    // The poller owned its agent: its sockets are gone.
    await waitFor(() => pd.openSockets() === 0, 1_000, 'sockets closed');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.views.length).toBe(published);
    // Idempotent.
    await h.poller.stop();
  });

  it('stop() is prompt during a long sleep and leaves an injected dispatcher open', async () => {
    const pd = await server();
    const a = agent();
    const h = poll(pd.url, { dispatcher: a, intervalMs: 10_000, sleep: undefined });
    await waitFor(fresh(h));
    await new Promise((r) => setTimeout(r, 30));
    const t0 = Date.now();
    await h.poller.stop();
    expect(Date.now() - t0).toBeLessThan(100);
    expect(a.closed).toBe(false);
    expect(a.destroyed).toBe(false);
  });

  it('a throwing onView does not kill the loop', async () => {
    const pd = await server();
    const errors: unknown[] = [];
    let calls = 0;
    poll(pd.url, {
      onView: () => {
        calls += 1;
        throw new Error('listener bug');
      },
      onListenerError: (e) => errors.push(e)
    });
    await waitFor(() => calls >= 5);
    expect(errors.length).toBeGreaterThanOrEqual(5);
  });

  it('can be restarted after stop', async () => {
    const pd = await server();
    const h = poll(pd.url);
    await waitFor(fresh(h));
    await h.poller.stop();
    const n = pd.total(STORES);
    h.poller.start();
    await waitFor(() => pd.total(STORES) >= n + 3, 2_000);
    await h.poller.stop();
  });
});
