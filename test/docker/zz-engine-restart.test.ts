// The events stream survives a restart of the Docker engine: it reconnects with backoff,
// re-lists, and a kill after the restart is seen as fast as before. Runs last (it restarts
// the private engine that scripts/test.sh started; with --live-restore containers keep running).
import { execFileSync } from 'node:child_process';
import Dockerode from 'dockerode';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerDriver, type DockerDriver } from '../../src/main/chaos/docker-driver';
import { dockerOptions } from '../../src/main/chaos/docker-engine';
import type { NodeProcess } from '../../src/main/chaos/driver';
import { cleanup, composeLabels, engineOrSkip, ensureBaseImage, sleeper } from './support';

const { docker } = engineOrSkip();
const RESTART = process.env.TIKV_STAGE_DOCKERD_RESTART;
const PROJECT = 'restarttest';

describe.skipIf(!docker || !RESTART)('events stream across an engine restart', () => {
  const d = docker as Docker;
  let driver: DockerDriver;
  const seen: { p: NodeProcess; at: number }[] = [];

  beforeAll(async () => {
    await cleanup(d, PROJECT);
    await ensureBaseImage(d);
    const net = `${PROJECT}_default`;
    await d.createNetwork({ Name: net, Labels: { 'com.docker.compose.project': PROJECT } });
    await Promise.all(['tikv0', 'tikv1'].map((n) => sleeper(d, `${PROJECT}-${n}-1`, composeLabels(PROJECT, n), net, n)));
    driver = createDockerDriver({
      docker: d,
      streams: new Dockerode(dockerOptions(process.env.TIKV_STAGE_DOCKER_HOST!)),
      project: PROJECT,
      log: (l) => console.log(l)
    });
    driver.watch((p) => seen.push({ p, at: Date.now() }));
  }, 120_000);

  afterAll(async () => {
    await driver?.close();
    await cleanup(d, PROJECT);
  }, 60_000);

  it('reconnects after dockerd restarts and still sees a kill', async () => {
    const until = async (pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (await pred()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    await until(() => driver.streamConnects() >= 1, 10_000, 'the first connection');
    const before = driver.streamConnects();
    const t0 = Date.now();
    execFileSync(RESTART!, { stdio: 'inherit' });
    console.log(`dockerd restarted in ${Date.now() - t0} ms`);
    await until(() => driver.streamConnects() > before, 20_000, 'the events stream to reconnect');
    console.log(`events stream reconnected ${Date.now() - t0} ms after the restart began`);
    expect((await driver.list()).map((p) => p.state)).toEqual(['running', 'running']);

    const t1 = Date.now();
    await d.getContainer(`${PROJECT}-tikv1-1`).kill();
    const sent = Date.now();
    // A just-restarted engine reattaches its containers first; the kill must still arrive.
    await until(() => seen.some((s) => s.at >= t1 && s.p.name === 'tikv1' && s.p.state === 'exited'), 5000, 'the kill to be seen');
    const at = seen.find((s) => s.at >= t1 && s.p.name === 'tikv1' && s.p.state === 'exited')!.at;
    console.log(`after the restart: kill request took ${sent - t1} ms, seen on the stream ${at - sent} ms after it returned`);
  }, 60_000);
});
