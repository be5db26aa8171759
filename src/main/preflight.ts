// Preflight: everything that must be green before the presenter walks on stage. The checks
// are pure over gathered facts; gathering is the thin shell below.
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { parse as parseYaml } from 'yaml';
import type { PreflightLine, PreflightReport } from '../shared/preflight';
import { isNodeName } from '../shared/vocabulary';
import type { PdStoreView } from './cluster/types';
import { createPdClient } from './cluster/pd-client';
import { describeDiffs, loadPdSettings, pdConfigCommand, syncPdConfig, type PdConfigSync } from './cluster/pd-config';
import { demoNodeName, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from './chaos/docker-targets';
import type { ResolvedEngine } from './chaos/docker-engine';
import { gib, measureDockerDisk, MIN_FREE_BYTES } from './preflight-disk';
import { YCSB_IMAGE, YCSB_SERVICE } from './workload/ycsb-workload';

export interface PreflightFacts {
  project: string;
  composeFile: string;
  docker: { ok: boolean; detail: string };
  /**
   * Every image the show starts (the workload's go-ycsb included), whether each is present
   * locally, and the services that use it. null = not checked.
   */
  images: { ref: string; present: boolean; services?: string[] }[] | null;
  /** Free space where Docker keeps volumes; null = not checked (no Docker). */
  disk: { freeBytes: number | null; how: string } | null;
  /** pd.toml's persisted settings against the running PD; null = not checked. */
  pdConfig: PdConfigSync | null;
  /** The demo's containers by node name. null = not checked. */
  containers: { name: string; state: string }[] | null;
  /** The nodes the compose file defines (pd0.., tikv0..). */
  expected: string[];
  pd: { url: string; ok: boolean; error: string | null; leader: string | null; stores: PdStoreView[] };
  openFaults: string[];
}

export function evaluatePreflight(f: PreflightFacts, now: number): PreflightReport {
  const lines: PreflightLine[] = [];
  const up = `docker compose -f ${f.composeFile} up -d`;
  lines.push({
    id: 'docker',
    ok: f.docker.ok,
    title: 'Docker reachable',
    detail: f.docker.detail,
    fix: f.docker.ok ? null : 'Start Docker Desktop, Colima or OrbStack (or set DOCKER_HOST / --docker-host)'
  });
  lines.push(...imageLines(f));
  lines.push(diskLine(f));
  const byName = new Map((f.containers ?? []).map((c) => [c.name, c.state]));
  const notRunning = f.expected.filter((n) => byName.get(n) !== 'running');
  lines.push({
    id: 'containers',
    ok: f.containers !== null && notRunning.length === 0,
    title: `Every container of project "${f.project}" running`,
    detail:
      f.containers === null
        ? 'not checked: no Docker'
        : notRunning.length
          ? notRunning.map((n) => `${n}: ${byName.get(n) ?? 'missing'}`).join(', ')
          : `${f.expected.length} running`,
    fix: f.containers === null || notRunning.length ? up : null
  });
  lines.push({
    id: 'pd',
    ok: f.pd.ok && f.pd.leader !== null,
    title: 'PD answering, with a leader',
    detail: f.pd.ok ? (f.pd.leader ? `leader ${f.pd.leader} at ${f.pd.url}` : 'no PD leader (election in progress)') : (f.pd.error ?? 'not answering'),
    fix: f.pd.ok && f.pd.leader ? null : f.pd.ok ? 'Wait a few seconds for PD to elect a leader, then check again' : `${up}, then check that PD is published on ${f.pd.url}`
  });
  lines.push(pdConfigLine(f));
  const notUp = f.pd.stores.filter((s) => s.state !== 'up');
  const storesOk = f.pd.ok && f.pd.stores.length > 0 && notUp.length === 0;
  lines.push({
    id: 'stores',
    ok: storesOk,
    title: 'Every TiKV store Up',
    detail: !f.pd.ok
      ? 'not checked: PD is not answering'
      : f.pd.stores.length === 0
        ? 'PD knows no stores yet'
        : notUp.length
          ? notUp.map((s) => `${s.name}: ${s.state}`).join(', ')
          : `${f.pd.stores.length} stores Up`,
    fix: storesOk ? null : `${up}; a restarted TiKV turns Up about 10–25 s after it starts`
  });
  const noLeaders = f.pd.stores.filter((s) => s.state === 'up' && s.leaderCount === 0);
  const leadersOk = storesOk && noLeaders.length === 0;
  lines.push({
    id: 'leaders',
    ok: leadersOk,
    title: 'Leaders spread over every store',
    detail: f.pd.stores.length ? f.pd.stores.map((s) => `${s.name}: ${s.leaderCount}`).join(', ') : 'no stores',
    fix: leadersOk
      ? null
      : 'Wait for PD to balance leaders (tens of seconds after a restart); with a single region, load data first (docker compose --profile workload up ycsb-load)'
  });
  lines.push({
    id: 'ledger',
    ok: f.openFaults.length === 0,
    title: 'No open fault in the ledger',
    detail: f.openFaults.length ? `open: ${f.openFaults.join(', ')}` : 'none',
    fix: f.openFaults.length ? 'Press Restore all in the presenter view (or restart the app: it restores open faults)' : null
  });
  return { at: now, ok: lines.every((l) => l.ok), lines };
}

/** The command that pulls every image the show starts, the workload profile's included. */
export function pullCommand(composeFile: string): string {
  return `docker compose -f ${composeFile} --profile workload pull`;
}

function imageLines(f: PreflightFacts): PreflightLine[] {
  if (f.images === null)
    return [{ id: 'images', ok: false, title: 'Images present locally (the stage is offline)', detail: 'not checked: no Docker', fix: `While online: ${pullCommand(f.composeFile)}` }];
  return f.images.map((i) => ({
    id: `image:${i.ref}` as const,
    ok: i.present,
    title: `Image ${i.ref} present locally (the stage is offline)`,
    detail: `${i.present ? 'present' : 'missing'}${i.services?.length ? `; used by ${i.services.join(', ')}` : ''}`,
    fix: i.present ? null : `While online: ${pullCommand(f.composeFile)}  (or: docker pull ${i.ref})`
  }));
}

function diskLine(f: PreflightFacts): PreflightLine {
  const title = `Free disk space for Docker's volumes (at least ${gib(MIN_FREE_BYTES)})`;
  if (f.disk === null) return { id: 'disk', ok: false, title, detail: 'not checked: no Docker', fix: null };
  // Not measurable is not a reason to call the show off: say so, and stay green.
  if (f.disk.freeBytes === null) return { id: 'disk', ok: true, title, detail: `not measured: ${f.disk.how}`, fix: null };
  const ok = f.disk.freeBytes >= MIN_FREE_BYTES;
  return {
    id: 'disk',
    ok,
    title,
    detail: `${gib(f.disk.freeBytes)} free (${f.disk.how})`,
    fix: ok
      ? null
      : 'Free space in Docker: docker system prune (stopped containers, dangling images, build cache), or give the Docker VM a larger disk'
  };
}

function pdConfigLine(f: PreflightFacts): PreflightLine {
  const title = 'PD runs with the settings of resources/cluster/pd.toml';
  const c = f.pdConfig;
  const reset = `docker compose -f ${f.composeFile} down -v && docker compose -f ${f.composeFile} up -d (a fresh cluster: deletes its data)`;
  if (c === null) return { id: 'pd-config', ok: false, title, detail: 'not checked: PD is not answering', fix: null };
  if (c.remaining.length === 0 && c.error === null)
    return {
      id: 'pd-config',
      ok: true,
      title,
      detail: c.wanted.length === 0 ? 'pd.toml sets nothing PD keeps in etcd' : c.applied ? `set through PD's API: ${describeDiffs(c.differed)}` : `${c.wanted.length} settings as in pd.toml`,
      fix: null
    };
  return {
    id: 'pd-config',
    ok: false,
    title,
    detail: c.remaining.length ? `the running cluster differs: ${describeDiffs(c.remaining)}${c.error ? `; ${c.error}` : ''}` : (c.error ?? ''),
    fix: c.remaining.length ? `${pdConfigCommand(f.pd.url, c.remaining)}; or reset: ${reset}` : 'Check again once PD has a leader'
  };
}

/**
 * The images the compose file pins, by image with the services that use it: every service,
 * the workload profile's included (the app starts go-ycsb itself). Pure.
 */
export function composeImages(yamlText: string): { images: string[]; services: string[]; users: Record<string, string[]> } {
  const doc = parseYaml(yamlText, { merge: true }) as { services?: Record<string, { image?: string; profiles?: string[] }> };
  const users: Record<string, string[]> = {};
  const services: string[] = [];
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    if (svc.image) (users[svc.image] ??= []).push(name);
    if (isNodeName(name)) services.push(name);
  }
  return { images: Object.keys(users).sort(), services: services.sort(), users };
}

export interface GatherOptions {
  project: string;
  composeFile: string;
  composePath: string;
  engine: { ok: true; engine: ResolvedEngine } | { ok: false; error: string };
  pdUrl: string;
  openFaults: string[];
  /**
   * resources/cluster/pd.toml, whose persisted settings are compared with the running PD
   * (null: not compared). With `applyPdConfig`, what differs is set through PD's API.
   */
  pdTomlPath?: string | null;
  applyPdConfig?: boolean;
}

interface OurContainer {
  name: string;
  state: string;
  image: string;
}

/** The images to check: the compose file's, or (another project: the containerized simulator) what its containers run. */
function imagesToCheck(
  compose: ReturnType<typeof composeImages>,
  ours: OurContainer[],
  ycsb: Docker.ContainerInfo | undefined
): { ref: string; services: string[] }[] {
  const fromCompose = !ours.length || ours.some((c) => compose.images.includes(c.image));
  if (fromCompose) return compose.images.map((ref) => ({ ref, services: compose.users[ref] ?? [] }));
  const users: Record<string, string[]> = {};
  for (const c of ours) (users[c.image] ??= []).push(c.name);
  // The workload: its existing container's image, else the one the app would create it from.
  (users[ycsb?.Image ?? YCSB_IMAGE] ??= []).push(YCSB_SERVICE);
  return Object.entries(users).map(([ref, services]) => ({ ref, services }));
}

async function present(docker: Docker, ref: string): Promise<boolean> {
  return docker
    .getImage(ref)
    .inspect()
    .then(() => true)
    .catch(() => false);
}

/** Free space via df in a container of an image that is here (PD's first: a small Alpine image with df). */
async function gatherDisk(docker: Docker, images: { ref: string; present: boolean }[], stores: PdStoreView[]): Promise<NonNullable<PreflightFacts['disk']>> {
  const candidates = images.filter((i) => i.present).map((i) => i.ref);
  candidates.sort((a, b) => Number(b.includes('/pd')) - Number(a.includes('/pd')));
  const errors: string[] = [];
  for (const ref of candidates.slice(0, 2)) {
    try {
      const d = await measureDockerDisk(docker, ref);
      return { freeBytes: d.freeBytes, how: `df in a throwaway ${ref} container, of ${gib(d.totalBytes)}` };
    } catch (e) {
      errors.push(`${ref}: ${(e as Error).message}`);
    }
  }
  // TiKV measures its own data dir, on the same disk: PD passes that on.
  const avail = stores.map((s) => s.availableBytes).filter((b): b is number => typeof b === 'number');
  if (avail.length) return { freeBytes: Math.min(...avail), how: 'as the TiKV stores report it through PD' };
  return { freeBytes: null, how: errors.length ? `df failed (${errors.join('; ')})` : 'no image here to run df in' };
}

export async function gatherPreflight(o: GatherOptions): Promise<PreflightFacts> {
  const facts: PreflightFacts = {
    project: o.project,
    composeFile: o.composeFile,
    docker: o.engine.ok
      ? { ok: true, detail: `Docker ${o.engine.engine.version} at ${o.engine.engine.candidate.host}` }
      : { ok: false, detail: o.engine.error },
    images: null,
    disk: null,
    containers: null,
    expected: [],
    pd: { url: o.pdUrl, ok: false, error: null, leader: null, stores: [] },
    pdConfig: null,
    openFaults: o.openFaults
  };
  let compose: ReturnType<typeof composeImages> = { images: [], services: [], users: {} };
  try {
    compose = composeImages(readFileSync(o.composePath, 'utf8'));
  } catch {
    /* no compose file at hand: fall back to what the project runs */
  }
  facts.expected = compose.services;

  const client = createPdClient({ pdUrl: o.pdUrl, timeoutMs: 4000 });
  try {
    // Above PD's 3 s wait for a leader, so an election reads as one.
    const [stores, members] = await Promise.all([client.stores(), client.members()]);
    if (stores.ok && members.ok) facts.pd = { url: o.pdUrl, ok: true, error: null, leader: members.value.leader, stores: stores.value };
    else facts.pd = { url: o.pdUrl, ok: false, error: (!stores.ok ? stores.error : !members.ok ? members.error : null)?.message ?? null, leader: null, stores: [] };
    if (!stores.ok && stores.error.kind === 'no-leader') facts.pd.ok = true;
    if (o.pdTomlPath && facts.pd.ok) {
      try {
        facts.pdConfig = await syncPdConfig(client, loadPdSettings(o.pdTomlPath), { apply: o.applyPdConfig ?? false });
      } catch (e) {
        facts.pdConfig = { wanted: [], differed: [], remaining: [], applied: false, error: `cannot read ${o.pdTomlPath}: ${(e as Error).message}` };
      }
    }
  } finally {
    await client.close();
  }

  if (o.engine.ok) {
    const docker: Docker = o.engine.engine.docker;
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_PROJECT}=${o.project}`] } });
    const ours = list
      .map((c) => ({ name: demoNodeName(c.Labels, o.project), state: c.State, image: c.Image }))
      .filter((c): c is OurContainer => c.name !== null);
    const ycsb = list.find((c) => c.Labels[LABEL_SERVICE] === YCSB_SERVICE && (c.Labels[LABEL_ONEOFF] ?? 'False') !== 'True');
    facts.containers = ours.map(({ name, state }) => ({ name, state }));
    if (ours.length) facts.expected = [...new Set([...ours.map((c) => c.name)])].sort();
    const refs = imagesToCheck(compose, ours, ycsb);
    facts.images = await Promise.all(refs.map(async ({ ref, services }) => ({ ref, services, present: await present(docker, ref) })));
    facts.disk = await gatherDisk(docker, facts.images, facts.pd.stores);
  }
  return facts;
}
