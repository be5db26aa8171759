// The per-store rates read from each TiKV's /metrics: real HTTP servers on 127.0.0.1 stand in
// for the status ports, a fake engine lists the containers as Docker would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from '../../../src/main/chaos/docker-targets';
import { createTikvMetricsPoller, foldRound, noStoreRates, statusTargets, type StoreReading } from '../../../src/main/workload/tikv-metrics';

const PROJECT = 'tikvdemo';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.useRealTimers();
});

/** A TiKV status port whose request counter is `count(n)` at its n-th scrape (from 1). */
async function statusPort(count: (n: number) => number): Promise<{ port: number; served(): number }> {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    res.end(`# TYPE tikv_grpc_msg_duration_seconds histogram\ntikv_grpc_msg_duration_seconds_count{type="kv_get"} ${count(n)}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, served: () => n };
}

/** Waits for `cond` on real timers (vi.waitFor would move a faked Date by its interval). */
async function until(cond: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function container(name: string, port: number | null, state = 'running'): Docker.ContainerInfo {
  return {
    Id: `id-${name}`,
    State: state,
    Labels: { [LABEL_PROJECT]: PROJECT, [LABEL_SERVICE]: name, [LABEL_ONEOFF]: 'False' },
    Ports: port === null ? [] : [{ PrivatePort: 20180, PublicPort: port, IP: '127.0.0.1', Type: 'tcp' }]
  } as unknown as Docker.ContainerInfo;
}

/** An engine that lists `round(r)` at the r-th listing; like Docker, without `all` only running (or paused) ones. */
function engine(round: (r: number) => Docker.ContainerInfo[]): { docker: Pick<Docker, 'listContainers'>; rounds(): number } {
  let r = 0;
  const listContainers = async (o?: { all?: boolean }): Promise<Docker.ContainerInfo[]> => {
    const all = round(++r);
    return o?.all ? all : all.filter((c) => c.State === 'running' || c.State === 'paused');
  };
  return { docker: { listContainers } as unknown as Pick<Docker, 'listContainers'>, rounds: () => r };
}

describe('tikv metrics: per-store rates', () => {
  it('takes rates over the monotonic clock: a wall clock set back or forward gives neither a huge nor a vanishing rate', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const T0 = 1_700_000_000_000;
    // Per scrape, 3 s and 3000 requests apart on the monotonic clock (1000/s), the wall clock:
    // set back 2990 ms before the 3rd (10 ms of wall time), forward an hour before the 4th, back
    // two hours before the 5th.
    const wall = [T0, T0 + 3000, T0 + 3010, T0 + 3_603_010, T0 - 3_596_990];
    let mono = 0;
    const seen: Record<string, number>[] = [];
    let poller: ReturnType<typeof createTikvMetricsPoller> | null = null;
    const { port, served } = await statusPort((n) => {
      seen[n] = poller?.perStoreOps() ?? {};
      vi.setSystemTime(wall[n - 1] ?? T0);
      mono = (n - 1) * 3000;
      return (n - 1) * 3000;
    });
    const { docker } = engine(() => [container('tikv0', port)]);
    poller = createTikvMetricsPoller({ docker, project: PROJECT, everyMs: 5, monotonicNow: () => mono });
    cleanups.push(() => poller?.close());
    await until(() => served() >= 6);
    // What the poller said after scrapes 2 to 5.
    expect(seen.slice(3, 7)).toEqual([{ tikv0: 1000 }, { tikv0: 1000 }, { tikv0: 1000 }, { tikv0: 1000 }]);
  });

  /** Runs a poller over `listing(r)` (clocks 3 s a round) and returns what it said at each round, after `rounds` rounds. */
  async function roundsOf(listing: (r: number, ports: number[]) => Docker.ContainerInfo[], count: number): Promise<Record<string, number>[]> {
    // Both clocks step together here: only the stores come and go.
    vi.useFakeTimers({ toFake: ['Date'] });
    let mono = 0;
    const ports = [(await statusPort((n) => n * 3000)).port, (await statusPort((n) => n * 3000)).port];
    const seen: Record<string, number>[] = [];
    let poller: ReturnType<typeof createTikvMetricsPoller> | null = null;
    const { docker, rounds } = engine((r) => {
      seen[r] = poller?.perStoreOps() ?? {};
      mono = r * 3000;
      vi.setSystemTime(1_700_000_000_000 + mono);
      return listing(r, ports);
    });
    poller = createTikvMetricsPoller({ docker, project: PROJECT, everyMs: 5, monotonicNow: () => mono });
    cleanups.push(() => poller?.close());
    await until(() => rounds() >= count);
    return seen;
  }

  it('a killed TiKV (its container stopped, still there) serves nothing: 0, not its last rate', async () => {
    const seen = await roundsOf(
      (r, [a, b]) => [container('tikv0', a!), r <= 2 ? container('tikv1', b!) : container('tikv1', null, 'exited')],
      5
    );
    expect(seen[3]).toEqual({ tikv0: 1000, tikv1: 1000 });
    expect(seen[4]).toEqual({ tikv0: 1000, tikv1: 0 });
  });

  it('a removed TiKV is dropped, and stores that come and go do not pile up', async () => {
    const seen = await roundsOf((r, [a, b]) => {
      const tikv0 = container('tikv0', a!);
      if (r <= 2) return [tikv0, container('tikv1', b!)];
      if (r === 3) return [tikv0]; // tikv1 removed
      // Then one store after another, two rounds each (a cluster scaled, recreated).
      return [tikv0, container(`tikv${Math.floor(r / 2)}`, b!)];
    }, 31);
    expect(seen[3]).toEqual({ tikv0: 1000, tikv1: 1000 });
    expect(seen[4]).toEqual({ tikv0: 1000 });
    expect(seen[30]).toEqual({ tikv0: 1000, tikv14: 1000 });
  });
});

describe('tikv metrics: pure parts', () => {
  it('lists a stopped TiKV with no URL, leaves out PD, strangers and unpublished ports', () => {
    const t = statusTargets(
      [
        container('tikv0', 20180),
        container('tikv1', null, 'exited'),
        container('tikv2', null),
        container('pd0', 2379),
        { ...container('tikv3', 20183), Labels: { [LABEL_PROJECT]: 'other', [LABEL_SERVICE]: 'tikv3' } } as Docker.ContainerInfo
      ],
      PROJECT
    );
    expect([...t]).toEqual([
      ['tikv0', 'http://127.0.0.1:20180'],
      ['tikv1', null]
    ]);
  });

  it('keeps nothing of a store once it is gone, and no rate from a counter that went down', () => {
    const at = (requests: number, t: number): StoreReading => ({ requests, failures: requests / 100, at: t });
    let s = foldRound(noStoreRates(), new Map([['tikv0', at(0, 0)], ['tikv1', at(0, 0)]]));
    s = foldRound(s, new Map([['tikv0', at(2000, 1000)], ['tikv1', at(500, 1000)]]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 2000, tikv1: 500 });
    expect(Object.fromEntries(s.failRates)).toEqual({ tikv0: 20, tikv1: 5 });
    // tikv0 restarted (its counter went down), tikv1 is gone.
    s = foldRound(s, new Map([['tikv0', at(100, 2000)]]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 2000 });
    for (const m of [s.requests, s.failures, s.ops, s.failRates]) expect([...m.keys()]).toEqual(['tikv0']);
    s = foldRound(s, new Map<string, StoreReading>([['tikv0', 'silent']]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 0 });
    expect(s.failRates.size).toBe(0);
    s = foldRound(s, new Map<string, StoreReading>([['tikv0', 'unknown']]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 0 });
    expect(foldRound(s, new Map()).requests.size).toBe(0);
  });

  it('after a silent round, the first reading of a restarted TiKV only sets a baseline, even past the old counter', () => {
    const at = (requests: number, failures: number, t: number): StoreReading => ({ requests, failures, at: t });
    let s = foldRound(noStoreRates(), new Map([['tikv0', at(1000, 10, 0)]]));
    s = foldRound(s, new Map([['tikv0', at(2000, 20, 1000)]]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 1000 });
    expect(Object.fromEntries(s.failRates)).toEqual({ tikv0: 10 });
    // Down for 37 s (killed, then restarting): it serves nothing, and its old baselines go.
    for (let t = 4000; t <= 37000; t += 3000) s = foldRound(s, new Map<string, StoreReading>([['tikv0', 'silent']]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 0 });
    // Back at 1,000 ops/s: by its first read its fresh counter (2,500) has passed the old one (2,000).
    // Spread over the outage that would be (2500 - 2000) / 38 s = 13 ops/s: no rate at all is right.
    s = foldRound(s, new Map([['tikv0', at(2500, 25, 39000)]]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 0 });
    expect(s.failRates.has('tikv0')).toBe(false);
    expect(s.requests.get('tikv0')).toEqual({ count: 2500, at: 39000 });
    expect(s.failures.get('tikv0')).toEqual({ count: 25, at: 39000 });
    s = foldRound(s, new Map([['tikv0', at(4500, 45, 41000)]]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 1000 });
    expect(Object.fromEntries(s.failRates)).toEqual({ tikv0: 10 });
  });

  it('an unknown round keeps the baselines: the next reading still gives a rate', () => {
    const at = (requests: number, t: number): StoreReading => ({ requests, failures: null, at: t });
    let s = foldRound(noStoreRates(), new Map([['tikv0', at(0, 0)]]));
    s = foldRound(s, new Map<string, StoreReading>([['tikv0', 'unknown']]));
    s = foldRound(s, new Map([['tikv0', at(4000, 2000)]]));
    expect(Object.fromEntries(s.ops)).toEqual({ tikv0: 2000 });
  });
});
