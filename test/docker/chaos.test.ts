// The Docker chaos driver against a real engine: discovery by compose labels, every fault and
// its undo, detection through the events stream, Restore all, and bystanders that look alike
// but must never be touched (not even one event).
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerDriver, type DockerDriver } from '../../src/main/chaos/docker-driver';
import type { NodeProcess } from '../../src/main/chaos/driver';
import { createFaultService } from '../../src/main/chaos/faults';
import { openLedger } from '../../src/main/chaos/ledger';
import { BASE_IMAGE, cleanup, composeLabels, engineOrSkip, ensureBaseImage, fingerprint, sleeper, watchBystanders } from './support';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { dockerOptions } from '../../src/main/chaos/docker-engine';

const { docker } = engineOrSkip();
const PROJECT = 'chaostest';
const OTHER = 'chaosother';
const NODES = ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2'];
const BYSTANDER_NAMES = ['tikv-something', 'tikv0', 'chaosother-tikv0-1', 'chaostest-tikv0-run-1', 'chaostest-ycsb-1'];

describe.skipIf(!docker)('Docker chaos driver (real engine)', () => {
  const d = docker as Docker;
  let driver: DockerDriver;
  const bystanders: { id: string; before: Awaited<ReturnType<typeof fingerprint>> }[] = [];
  let watcher: { events: string[]; close(): void } | null = null;
  const seen: { p: NodeProcess; at: number }[] = [];

  beforeAll(async () => {
    await cleanup(d, PROJECT, BYSTANDER_NAMES);
    await cleanup(d, OTHER);
    await ensureBaseImage(d);
    const net = `${PROJECT}_default`;
    await d.createNetwork({ Name: net, Labels: { 'com.docker.compose.project': PROJECT, 'com.docker.compose.network': 'default' } });
    await Promise.all(NODES.map((n) => sleeper(d, `${PROJECT}-${n}-1`, composeLabels(PROJECT, n), net, n)));
    // Look-alikes: a container named like a node, the same service in another project, an
    // unlabelled "tikv0", a one-off `compose run` of tikv0, and a non-node service of the project.
    const made = await Promise.all([
      sleeper(d, 'tikv-something', { 'com.docker.compose.service': 'tikv1' }),
      sleeper(d, 'chaosother-tikv0-1', composeLabels(OTHER, 'tikv0')),
      sleeper(d, 'tikv0', {}),
      sleeper(d, 'chaostest-tikv0-run-1', { ...composeLabels(PROJECT, 'tikv0'), 'com.docker.compose.oneoff': 'True' }),
      sleeper(d, 'chaostest-ycsb-1', composeLabels(PROJECT, 'ycsb'))
    ]);
    for (const c of made) bystanders.push({ id: c.id, before: await fingerprint(d, c.id) });
    const ids = new Set(bystanders.map((b) => b.id));
    watcher = await watchBystanders(d, ids);
    driver = createDockerDriver({ docker: d, streams: new Dockerode(dockerOptions(process.env.TIKV_STAGE_DOCKER_HOST!)), project: PROJECT, stopGraceSeconds: 5 });
    driver.watch((p) => seen.push({ p, at: Date.now() }));
  }, 120_000);

  afterAll(async () => {
    await driver?.close();
    watcher?.close();
    await cleanup(d, PROJECT, BYSTANDER_NAMES);
    await cleanup(d, OTHER);
  }, 60_000);

  const state = async (name: string): Promise<NodeProcess | undefined> => (await driver.list()).find((p) => p.name === name);
  const waitSeen = async (name: string, pred: (p: NodeProcess) => boolean, since: number, timeoutMs = 5000): Promise<number> => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const hit = seen.find((s) => s.at >= since && s.p.name === name && pred(s.p));
      if (hit) return hit.at - since;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no event for ${name} within ${timeoutMs} ms`);
  };

  it('finds exactly the demo nodes by compose labels', async () => {
    const list = await driver.list();
    expect(list.map((p) => p.name)).toEqual(NODES);
    expect(list.every((p) => p.state === 'running' && !p.partitioned)).toBe(true);
    expect(list.filter((p) => p.kind === 'pd').length).toBe(3);
  });

  it('kills with SIGKILL and sees it through the events stream in well under a second', async () => {
    const t0 = Date.now();
    await driver.apply('kill', 'tikv1');
    const ms = await waitSeen('tikv1', (p) => p.state === 'exited', t0);
    console.log(`events stream: kill of tikv1 seen ${ms} ms after the request`);
    expect(ms).toBeLessThan(1000);
    const i = await d.getContainer(`${PROJECT}-tikv1-1`).inspect();
    expect(i.State.ExitCode).toBe(137);
    await driver.apply('kill', 'tikv1'); // already dead: a no-op, not an error
    const t1 = Date.now();
    await driver.undo('kill', 'tikv1');
    await waitSeen('tikv1', (p) => p.state === 'running', t1);
    await driver.undo('kill', 'tikv1'); // already running (304)
    expect((await state('tikv1'))?.state).toBe('running');
  });

  it('stops gracefully and starts again', async () => {
    await driver.apply('stop', 'tikv0');
    const i = await d.getContainer(`${PROJECT}-tikv0-1`).inspect();
    expect(i.State.Status).toBe('exited');
    expect(i.State.ExitCode).toBe(0); // it got SIGTERM and exited on its own
    await driver.undo('stop', 'tikv0');
    expect((await state('tikv0'))?.state).toBe('running');
  });

  it('pauses and unpauses', async () => {
    await driver.apply('pause', 'tikv2');
    expect((await state('tikv2'))?.state).toBe('paused');
    await driver.apply('pause', 'tikv2'); // 409: already paused
    await driver.undo('pause', 'tikv2');
    await driver.undo('pause', 'tikv2');
    expect((await state('tikv2'))?.state).toBe('running');
  });

  it('partitions from the compose network and reconnects with the service alias', async () => {
    const t0 = Date.now();
    await driver.apply('partition', 'tikv2');
    await waitSeen('tikv2', (p) => p.partitioned, t0);
    expect((await state('tikv2'))?.partitioned).toBe(true);
    await driver.undo('partition', 'tikv2');
    const i = await d.getContainer(`${PROJECT}-tikv2-1`).inspect();
    const ep = i.NetworkSettings.Networks[`${PROJECT}_default`];
    expect(ep).toBeDefined();
    expect(ep?.Aliases).toContain('tikv2');
    expect((await state('tikv2'))?.partitioned).toBe(false);
  });

  it('kills a PD member', async () => {
    await driver.apply('kill', 'pd2');
    expect((await state('pd2'))?.state).toBe('exited');
    await driver.undo('kill', 'pd2');
    expect((await state('pd2'))?.state).toBe('running');
  });

  it('refuses anything that is not a node of the project', async () => {
    for (const name of ['tikv9', 'tikv-something', 'ycsb', 'pd'])
      await expect(driver.apply('kill', name)).rejects.toThrow(/no container for service/);
  });

  it('restores every open fault in parallel (target: 2 s)', async () => {
    const ledger = openLedger(join(mkdtempSync(join(tmpdir(), 'ledger-')), 'fault-ledger.jsonl'));
    const faults = createFaultService({ driver, ledger, scope: PROJECT, pdLeader: () => 'pd0' });
    await faults.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    // Three TiKV faults at once go past the blast-radius rule: the explicit opt-in.
    await faults.inject({ kind: 'pause', target: { type: 'named', name: 'tikv1' }, allowQuorumLoss: true });
    await faults.inject({ kind: 'partition', target: { type: 'named', name: 'tikv2' }, allowQuorumLoss: true });
    await faults.inject({ kind: 'kill', target: { type: 'pd-leader' } });
    const t0 = Date.now();
    const res = await faults.restoreAll();
    const ms = Date.now() - t0;
    console.log(`restore all: ${res.restored.length} faults undone in ${ms} ms`);
    expect(res.failed).toEqual([]);
    // The target is 2 s on a healthy engine; the figure is printed above. The bound here only
    // catches a serialised restore (4 faults one after another take several seconds).
    expect(ms).toBeLessThan(4000);
    const list = await driver.list();
    expect(list.every((p) => p.state === 'running' && !p.partitioned)).toBe(true);
    expect(faults.unresolved()).toEqual([]);
  });

  it('never touched a bystander: same state, same start, not a single event', async () => {
    await new Promise((r) => setTimeout(r, 300));
    for (const b of bystanders) expect(await fingerprint(d, b.id)).toEqual(b.before);
    expect(watcher?.events).toEqual([]);
  });
});

describe.skipIf(!docker)('a graceful stop slower than the request timeout (real engine)', () => {
  const d = docker as Docker;
  const SLOW = 'chaosslow';
  afterAll(async () => cleanup(d, SLOW), 60_000);

  it('waits for the container to exit instead of calling the stop failed', async () => {
    await cleanup(d, SLOW);
    await ensureBaseImage(d);
    const c = await d.createContainer({
      name: `${SLOW}-tikv0-1`,
      Image: BASE_IMAGE,
      // Like TiKV: SIGTERM starts a shutdown that takes a while (here 2.5 s).
      Entrypoint: ['/usr/local/bin/node', '-e', 'process.on("SIGTERM",()=>setTimeout(()=>process.exit(0),2500));console.log("ready");setInterval(()=>{},1e9)'],
      Labels: composeLabels(SLOW, 'tikv0'),
      HostConfig: { NetworkMode: 'none' }
    });
    await c.start();
    // PID 1 ignores a SIGTERM that comes before its handler is in place.
    await expect.poll(async () => (await c.logs({ stdout: true })).toString(), { timeout: 10_000 }).toContain('ready');
    const host = process.env.TIKV_STAGE_DOCKER_HOST!;
    // Requests time out after 1 s here (10 s in the app, against TiKV's 20 s shutdown).
    const quick = new Dockerode({ ...dockerOptions(host), timeout: 1000 });
    const slow = createDockerDriver({ docker: quick, streams: new Dockerode(dockerOptions(host)), project: SLOW, stopGraceSeconds: 10 });
    try {
      const t0 = Date.now();
      await slow.apply('stop', 'tikv0');
      const ms = Date.now() - t0;
      console.log(`graceful stop answered after ${ms} ms (request timeout 1000 ms)`);
      expect(ms).toBeGreaterThanOrEqual(2000);
      const i = await c.inspect();
      expect(i.State.Status).toBe('exited');
      expect(i.State.ExitCode).toBe(0); // it finished its own shutdown: no SIGKILL
    } finally {
      await slow.close();
    }
  }, 60_000);
});
