// Shared pieces of the Docker tests: the engine (scripts/test.sh starts a private one and
// passes TIKV_STAGE_DOCKER_HOST), a bare node image for look-alike containers, and helpers
// to create compose-labelled containers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerOptions } from '../../src/main/chaos/docker-engine';
import { imageExists, importNodeImage } from '../../src/main/sim/containers/image';

export const ENGINE = process.env.TIKV_STAGE_DOCKER_HOST ?? '';

/** Skip (printing why) where no engine was started; in CI the Docker tests must run. */
export function engineOrSkip(): { docker: Docker | null; reason: string | null } {
  if (ENGINE) return { docker: new Docker({ ...dockerOptions(ENGINE), timeout: 30_000 }), reason: null };
  const reason = 'TIKV_STAGE_DOCKER_HOST is not set: no Docker engine was started for these tests (run them through npm test)';
  if (process.env.CI) throw new Error(`CI requires the Docker tests: ${reason}`);
  console.log(`SKIPPED Docker tests: ${reason}`);
  return { docker: null, reason };
}

export const BASE_IMAGE = 'tikv-stage-node:test';

/** An image with only node in it (from this machine): enough for look-alike containers. */
export async function ensureBaseImage(docker: Docker): Promise<string> {
  if (await imageExists(docker, BASE_IMAGE)) return BASE_IMAGE;
  const work = mkdtempSync(join(tmpdir(), 'tikv-stage-base-'));
  try {
    await importNodeImage(docker, BASE_IMAGE, work);
    return BASE_IMAGE;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A container that sleeps forever, with whatever labels a test wants. */
export async function sleeper(
  docker: Docker,
  name: string,
  labels: Record<string, string>,
  network?: string,
  alias?: string
): Promise<Docker.Container> {
  const c = await docker.createContainer({
    name,
    Image: BASE_IMAGE,
    Entrypoint: ['/usr/local/bin/node', '-e', 'process.on("SIGTERM",()=>process.exit(0));setInterval(()=>{},1e9)'],
    Labels: labels,
    HostConfig: network ? { NetworkMode: network } : { NetworkMode: 'none' },
    NetworkingConfig: network && alias ? { EndpointsConfig: { [network]: { Aliases: [alias] } } } : undefined
  });
  await c.start();
  return c;
}

export function composeLabels(project: string, service: string): Record<string, string> {
  return {
    'com.docker.compose.project': project,
    'com.docker.compose.service': service,
    'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False'
  };
}

/** Removes every container and network of a test project (by label), and named extras. */
export async function cleanup(docker: Docker, project: string, extraNames: string[] = []): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  const byName = await docker.listContainers({ all: true });
  const ids = new Set([
    ...list.map((c) => c.Id),
    ...byName.filter((c) => c.Names.some((n) => extraNames.includes(n.replace(/^\//, '')))).map((c) => c.Id)
  ]);
  await Promise.all([...ids].map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
  const nets = await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } });
  await Promise.all(nets.map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
}

/** Container state, start count and events are what "untouched" means. */
export async function fingerprint(docker: Docker, id: string): Promise<{ status: string; startedAt: string; restartCount: number; paused: boolean }> {
  const i = await docker.getContainer(id).inspect();
  return { status: i.State.Status, startedAt: i.State.StartedAt, restartCount: i.RestartCount, paused: i.State.Paused };
}

/**
 * Records every event Docker publishes about the given containers (their own, and network
 * events naming them): a bystander must see none while chaos runs next to it.
 */
export async function watchBystanders(docker: Docker, ids: Set<string>): Promise<{ events: string[]; close(): void }> {
  const events: string[] = [];
  const stream = await docker.getEvents({ filters: { type: ['container', 'network'] } as Docker.GetEventsOptions['filters'] });
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      const e = JSON.parse(line) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> } };
      if (ids.has(e.Actor.ID) || ids.has(e.Actor.Attributes.container ?? '')) events.push(`${e.Action} ${e.Actor.ID.slice(0, 12)}`);
    }
  });
  return { events, close: () => (stream as unknown as { destroy?: () => void }).destroy?.() };
}
