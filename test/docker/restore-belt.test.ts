// Restore all, belt and braces, against a real engine: demo containers of the project that
// are exited, paused or cut off their network come back even with no ledger record, and a
// bystander (same names, other project, unlabelled, a one-off, a non-node service) is never
// touched, not even by one event.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerDriver, type DockerDriver } from '../../src/main/chaos/docker-driver';
import { dockerOptions } from '../../src/main/chaos/docker-engine';
import { createFaultService } from '../../src/main/chaos/faults';
import { openLedger } from '../../src/main/chaos/ledger';
import { cleanup, composeLabels, engineOrSkip, ensureBaseImage, fingerprint, sleeper, watchBystanders } from './support';

const { docker } = engineOrSkip();
const PROJECT = 'belttest';
const OTHER = 'beltother';
const NODES = ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2'];
const BYSTANDER_NAMES = ['belt-tikv0', 'beltother-tikv1-1', 'belttest-tikv2-run-1', 'belttest-ycsb-1'];

describe.skipIf(!docker)('Restore all revives every demo container (real engine)', () => {
  const d = docker as Docker;
  let driver: DockerDriver;
  const bystanders: { id: string; before: Awaited<ReturnType<typeof fingerprint>> }[] = [];
  let watcher: { events: string[]; close(): void } | null = null;
  const net = `${PROJECT}_default`;
  const containerOf = (node: string): Docker.Container => d.getContainer(`${PROJECT}-${node}-1`);

  beforeAll(async () => {
    await cleanup(d, PROJECT, BYSTANDER_NAMES);
    await cleanup(d, OTHER);
    await ensureBaseImage(d);
    await d.createNetwork({ Name: net, Labels: { 'com.docker.compose.project': PROJECT, 'com.docker.compose.network': 'default' } });
    await Promise.all(NODES.map((n) => sleeper(d, `${PROJECT}-${n}-1`, composeLabels(PROJECT, n), net, n)));
    // Look-alikes, each in a broken state Restore all would fix if it were ours.
    const made = await Promise.all([
      sleeper(d, 'belt-tikv0', {}),
      sleeper(d, 'beltother-tikv1-1', composeLabels(OTHER, 'tikv1')),
      sleeper(d, 'belttest-tikv2-run-1', { ...composeLabels(PROJECT, 'tikv2'), 'com.docker.compose.oneoff': 'True' }),
      sleeper(d, 'belttest-ycsb-1', composeLabels(PROJECT, 'ycsb'), net, 'ycsb')
    ]);
    await made[0]!.kill();
    await made[1]!.pause();
    await made[2]!.kill();
    await d.getNetwork(net).disconnect({ Container: made[3]!.id, Force: true });
    for (const c of made) bystanders.push({ id: c.id, before: await fingerprint(d, c.id) });
    const ids = new Set(bystanders.map((b) => b.id));
    watcher = await watchBystanders(d, ids);
    driver = createDockerDriver({ docker: d, streams: new Dockerode(dockerOptions(process.env.TIKV_STAGE_DOCKER_HOST!)), project: PROJECT, stopGraceSeconds: 5 });
  }, 120_000);

  afterAll(async () => {
    await driver?.close();
    watcher?.close();
    await cleanup(d, PROJECT, BYSTANDER_NAMES);
    await cleanup(d, OTHER);
  }, 60_000);

  it('brings back nodes that are down with no ledger record, and reports what it did', async () => {
    // Hand-made damage, as a lost ledger line or a `docker kill` in another terminal would leave.
    await containerOf('tikv0').kill();
    await containerOf('pd1').pause();
    await d.getNetwork(net).disconnect({ Container: `${PROJECT}-tikv2-1`, Force: true });
    await containerOf('pd2').stop({ t: 1 });
    const ledger = openLedger(join(mkdtempSync(join(tmpdir(), 'ledger-')), 'fault-ledger.jsonl'));
    const faults = createFaultService({ driver, ledger, scope: PROJECT, pdLeader: () => 'pd0' });
    expect(faults.unresolved()).toEqual([]);
    const res = await faults.restoreAll();
    expect(res.failed).toEqual([]);
    expect(res.restored).toEqual([]);
    expect(res.revived.map((r) => r.node)).toEqual(['pd1', 'pd2', 'tikv0', 'tikv2']);
    expect(res.revived.find((r) => r.node === 'pd1')?.was).toBe('paused');
    expect(res.revived.find((r) => r.node === 'tikv2')?.was).toBe('disconnected');
    const list = await driver.list();
    expect(list.map((p) => p.name)).toEqual(NODES);
    expect(list.every((p) => p.state === 'running' && !p.partitioned)).toBe(true);
    // The reconnected node answers to its service name again.
    const tikv2 = await containerOf('tikv2').inspect();
    expect(tikv2.NetworkSettings.Networks[net]?.Aliases ?? []).toContain('tikv2');
    // Nothing left to do: a second press changes nothing.
    expect((await faults.restoreAll()).revived).toEqual([]);
  }, 60_000);

  it('refuses a burst of kills past the blast radius on real containers', async () => {
    const ledger = openLedger(join(mkdtempSync(join(tmpdir(), 'ledger-')), 'fault-ledger.jsonl'));
    const faults = createFaultService({ driver, ledger, scope: PROJECT, pdLeader: () => 'pd0' });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => faults.inject({ kind: 'kill', target: { type: 'random-tikv' } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const down = (await driver.list()).filter((p) => p.kind === 'tikv' && p.state !== 'running');
    expect(down).toHaveLength(1);
    const res = await faults.restoreAll();
    expect(res.failed).toEqual([]);
    expect((await driver.list()).every((p) => p.state === 'running')).toBe(true);
  }, 60_000);

  it('never touched a bystander: same state, same start, not a single event', async () => {
    await new Promise((r) => setTimeout(r, 300));
    for (const b of bystanders) expect(await fingerprint(d, b.id)).toEqual(b.before);
    expect(watcher?.events).toEqual([]);
  });
});
