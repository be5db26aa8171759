// `--live`: the fault again, in live mode on the containerized simulator (src/main/sim/containers/)
// under a project of its own, timed from Docker's own `die` event for the killed container. The
// engine is TIKV_STAGE_DOCKER_HOST's; the project's containers are removed afterwards.
import Docker from 'dockerode';
import type { Browser } from 'playwright-core';
import { dockerOptions } from '../../src/main/chaos/docker-engine';
import { freePortSet } from '../../src/main/free-port';
import { containerName, pdHostPorts, simClusterDown, simClusterUp } from '../../src/main/sim/containers/cluster';
import { startApp, type RunningApp } from './app';
import { indexText, waitFor, type ViewPage } from './browser';
import { takeLiveLock } from './live-lock';
import { advanceTo, allRunning, beats, faultOnMap, indexOf, openViews, workloadOps, type FaultResults } from './phases';

export const LIVE_PROJECT = 'tikvstagebench';

export interface LiveResults {
  fault: FaultResults;
  /** The killed container's `die` event: its name and Docker's own time of it (Unix ms). */
  die: { name: string; at: number };
  /** ms from Docker's die event to the painted audience map showing the container exited. */
  dieToMapMs: number;
  /** ms from Docker's die event to the painted audience map showing PD's Disconnected. */
  dieToPdMs: number;
}

interface DieEvent {
  name: string;
  at: number;
}

/** The project's `die` events, as they come, with Docker's time (timeNano) rather than ours. */
async function watchDies(docker: Docker, project: string): Promise<{ dies: DieEvent[]; stop(): void }> {
  const dies: DieEvent[] = [];
  const stream = await docker.getEvents({
    filters: { type: ['container'], event: ['die'], label: [`com.docker.compose.project=${project}`] } as Docker.GetEventsOptions['filters']
  });
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      try {
        const e = JSON.parse(line) as { timeNano?: number; time?: number; Actor?: { Attributes?: Record<string, string> } };
        const at = e.timeNano ? e.timeNano / 1e6 : (e.time ?? 0) * 1000;
        dies.push({ name: e.Actor?.Attributes?.name ?? '', at });
      } catch {
        /* a torn line: the next one is whole */
      }
    }
  });
  return { dies, stop: () => (stream as unknown as { destroy(): void }).destroy() };
}

export async function measureLive(root: string, engine: string, browser: Browser, simSpeed: number, log: (line: string) => void): Promise<LiveResults> {
  const docker = new Docker({ ...dockerOptions(engine), timeout: 60_000 });
  const project = LIVE_PROJECT;
  // Before anything is removed: the project's containers may be another run's, mid-measure.
  const lock = takeLiveLock(engine);
  try {
    await simClusterDown(docker, { project }).catch(() => undefined); // what an interrupted run left
    return await measureLocked(root, docker, engine, browser, simSpeed, log);
  } finally {
    lock.release();
  }
}

async function measureLocked(root: string, docker: Docker, engine: string, browser: Browser, simSpeed: number, log: (line: string) => void): Promise<LiveResults> {
  const project = LIVE_PROJECT;
  let app: RunningApp | null = null;
  let watch: { dies: DieEvent[]; stop(): void } | null = null;
  const views: ViewPage[] = [];
  try {
    log(`live: the containerized simulator as project ${project} (sim speed ${simSpeed}) ...`);
    const up = await simClusterUp(docker, { project, pdPort: await freePortSet(pdHostPorts), simSpeed, log: (l) => log(`live: ${l}`) });
    const dies = (watch = await watchDies(docker, project)).dies;
    app = await startApp(root, ['--mode', 'live', '--project', project, '--docker-host', engine, '--pd', up.pdUrl]);
    const { v, state } = await openViews(browser, app, log);
    views.push(v.audience, v.presenter);
    const { audience } = v;
    if (state.show.mode !== 'live') throw new Error(`the app is in ${state.show.mode} mode, not live: ${state.show.modeReason}`);
    const { workload, fault, restore } = beats(state);
    await waitFor('the audience on chapter 1', () => indexText(audience), (t) => t === indexOf(v, 1), 20_000, 100);
    // The chapter before the workload's shows the map: the cluster must be whole before the show.
    await advanceTo(v, audience, workload - 1);
    await waitFor('every TiKV store running and Up on the map', () => allRunning(audience, true), (x) => x, 60_000, 250);
    await advanceTo(v, audience, workload);
    await waitFor('workload ops > 0 (the ycsb container)', () => workloadOps(audience), (x) => x > 0, 60_000, 250);
    await advanceTo(v, audience, fault - 1);
    log('live: the fault beat ...');
    const f = await faultOnMap(v, simSpeed, fault);
    const container = containerName(project, f.node);
    const die = await waitFor(`Docker's die event for ${container}`, async () => dies.find((d) => d.name === container) ?? null, (d) => d !== null, 10_000, 100);
    log(`live: restore (chapter ${restore}) ...`);
    await advanceTo(v, audience, restore, 60_000);
    await waitFor('every TiKV running again', () => allRunning(audience), (x) => x, 60_000, 250);
    return {
      fault: f,
      die: die!,
      dieToMapMs: f.countdownEndsAt + f.mapShowsKillMs.audience - die!.at,
      dieToPdMs: f.countdownEndsAt + f.pdDisconnectedMs - die!.at
    };
  } catch (e) {
    const tail = app ? `\n--- the live app's output (tail) ---\n${app.output().slice(-3000)}` : '';
    throw new Error(`live: ${(e as Error).message}${tail}`, { cause: e });
  } finally {
    for (const view of views) await view.close().catch(() => undefined);
    await app?.stop();
    watch?.stop();
    await simClusterDown(docker, { project }).catch((e: unknown) => log(`live: could not remove project ${project}: ${(e as Error).message}`));
  }
}
