// A PD leader fault as PD really shows it: its leader-redirect middleware waits up to 3 s for a
// leader, then answers 503 "redirect finds no leader" (pkg/utils/apiutil/serverapi/middleware.go).
// The poller's budget is above that wait, and a /ping beside each round tells a PD that is up
// from one that is gone.
import { afterEach, describe, expect, it } from 'vitest';
import { PD_REDIRECT_WAIT_MS, type PdFailure } from '../../../src/main/cluster/pd-client';
import { classifyFailure, createPdPoller, type PdPoller } from '../../../src/main/cluster/poller';
import type { PdView } from '../../../src/main/cluster/types';
import { buildSnapshot } from '../../../src/main/cluster/snapshot';
import { fixture, healthyScript, PD, startScriptedPd, waitFor, type ScriptedPd } from './helpers';

const URL_ = 'http://127.0.0.1:2379';
const timeout: PdFailure = { kind: 'timeout', message: `PD at ${URL_} is not answering: no answer within 4 s` };
const refused: PdFailure = { kind: 'unreachable', message: `PD at ${URL_} is not answering: connection refused` };

describe('classifyFailure', () => {
  it('a timed-out cluster request from a PD that answers /ping: electing', () => {
    const f = classifyFailure(URL_, null, { ok: true, value: null }, timeout);
    expect(f?.kind).toBe('no-leader');
    expect(f?.message).toMatch(/^PD electing a leader: PD at http:\/\/127\.0\.0\.1:2379 is up/);
    // An old PD without /ping (404) still answered: it is up.
    expect(classifyFailure(URL_, null, { ok: false, error: { kind: 'http', status: 404, message: '404' } }, timeout)?.kind).toBe('no-leader');
  });
  it('a failed /ping: PD is not answering, whatever else happened', () => {
    expect(classifyFailure(URL_, refused, { ok: false, error: refused }, { kind: 'aborted', message: 'x' })).toBe(refused);
  });
  it('a timeout with no verdict from /ping stays a timeout', () => {
    expect(classifyFailure(URL_, null, { ok: false, error: { kind: 'aborted', message: 'cancelled' } }, timeout)).toBe(timeout);
    expect(classifyFailure(URL_, null, null, timeout)).toBe(timeout);
  });
  it('other failures pass through, and no failure is none', () => {
    const http: PdFailure = { kind: 'http', status: 500, message: 'boom' };
    expect(classifyFailure(URL_, null, { ok: true, value: null }, http)).toBe(http);
    expect(classifyFailure(URL_, null, { ok: true, value: null }, null)).toBeNull();
  });
});

describe('poller during an election, with PD real 3 s redirect wait', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function pdWithElection(): Promise<{ pd: ScriptedPd; setElection: (on: boolean) => void; setPaused: (on: boolean) => void }> {
    let election = false;
    let paused = false;
    const pd = await startScriptedPd((path, req) => {
      if (paused) return { hang: true };
      if (path === `${PD}/ping`) return { body: '' };
      // Local endpoints answer; the proxied ones wait for a leader, then give up as PD does.
      if (election && path !== `${PD}/health`)
        return { status: 503, body: fixture('no-leader-503.txt'), contentType: 'text/plain; charset=utf-8', delayMs: PD_REDIRECT_WAIT_MS };
      return healthyScript(path, req);
    });
    cleanups.push(() => pd.close());
    return { pd, setElection: (on) => (election = on), setPaused: (on) => (paused = on) };
  }

  function poll(url: string): { poller: PdPoller; views: PdView[]; last: () => PdView } {
    const views: PdView[] = [];
    const poller = createPdPoller({ pdUrl: url, intervalMs: 100, healthEveryMs: 500, onView: (v) => views.push(v) });
    cleanups.push(() => poller.stop());
    poller.start();
    return { poller, views, last: () => poller.current() };
  }

  it('reads "PD electing a leader", not "not answering", with the default budget', async () => {
    const { pd, setElection } = await pdWithElection();
    const h = poll(pd.url);
    await waitFor(() => h.last().takenAt > 0 && !h.last().stale, 3_000, 'first view');
    setElection(true);
    await waitFor(() => h.last().stale && h.last().error !== null, 6_000, 'the election seen');
    const v = h.last();
    expect(v.error).toMatch(/^PD electing a leader: /);
    expect(v.error).not.toMatch(/not answering/);
    expect(v.electing).toBe(true);
    expect(v.stores.map((s) => s.name)).toEqual(['tikv0', 'tikv1', 'tikv2']); // the map is kept
    const snap = buildSnapshot({ mode: 'live', pd: v, containers: null, containerNote: null, workload: null, now: Date.now() });
    expect(snap.pdElecting).toBe(true);
    expect(snap.pdError).toMatch(/^PD electing a leader/);
    setElection(false);
    await waitFor(() => !h.last().stale, 6_000, 'recovery');
    expect(h.last().electing).toBe(false);
  }, 20_000);

  it('a paused PD reads as not answering within the /ping budget, not the long one', async () => {
    const { pd, setPaused } = await pdWithElection();
    const h = poll(pd.url);
    await waitFor(() => h.last().takenAt > 0 && !h.last().stale, 3_000, 'first view');
    setPaused(true);
    const t0 = Date.now();
    await waitFor(() => h.last().stale, 4_000, 'stale');
    expect(Date.now() - t0).toBeLessThan(2_500);
    expect(h.last().error).toMatch(/not answering: no answer within 1 s/);
    expect(h.last().electing).toBe(false);
  }, 15_000);

  it('says "electing" while PD still holds the request, before its 3 s wait is over', async () => {
    const { pd, setElection } = await pdWithElection();
    const h = poll(pd.url);
    await waitFor(() => h.last().takenAt > 0 && !h.last().stale, 3_000, 'first view');
    setElection(true);
    const t0 = Date.now();
    await waitFor(() => h.last().stale, 4_000, 'stale');
    const waited = Date.now() - t0;
    expect(waited).toBeLessThan(PD_REDIRECT_WAIT_MS); // not PD's 503: the held request itself
    expect(h.last().error).toMatch(/^PD electing a leader: .*has waited 1\.\d s for a PD leader/);
    expect(h.last().electing).toBe(true);
    expect(h.last().stores).toHaveLength(3);
  }, 15_000);
});
