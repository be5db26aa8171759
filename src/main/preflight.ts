// Preflight: everything that must be green before the presenter walks on stage. The checks
// are pure over gathered facts; gathering is the thin shell below.
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { parse as parseYaml } from 'yaml';
import type { PreflightLine, PreflightReport } from '../shared/preflight';
import type { PdStoreView } from './cluster/types';
import { createPdClient } from './cluster/pd-client';
import { demoNodeName, LABEL_PROJECT } from './chaos/docker-targets';
import type { ResolvedEngine } from './chaos/docker-engine';

export interface PreflightFacts {
  project: string;
  composeFile: string;
  docker: { ok: boolean; detail: string };
  /** Images the demo needs, and whether each is present locally. null = not checked. */
  images: { ref: string; present: boolean }[] | null;
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
  const missing = (f.images ?? []).filter((i) => !i.present).map((i) => i.ref);
  lines.push({
    id: 'images',
    ok: f.images !== null && missing.length === 0,
    title: 'Images present locally (the stage is offline)',
    detail: f.images === null ? 'not checked: no Docker' : missing.length ? `missing: ${missing.join(', ')}` : f.images.map((i) => i.ref).join(', '),
    fix: missing.length || f.images === null ? `While online: docker compose -f ${f.composeFile} pull` : null
  });
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

/** The images the compose file pins, for the demo's services (the optional workload excluded). Pure. */
export function composeImages(yamlText: string): { images: string[]; services: string[] } {
  const doc = parseYaml(yamlText, { merge: true }) as { services?: Record<string, { image?: string; profiles?: string[] }> };
  const images = new Set<string>();
  const services: string[] = [];
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    if (svc.profiles?.length) continue;
    if (svc.image) images.add(svc.image);
    if (/^(pd|tikv)\d+$/.test(name)) services.push(name);
  }
  return { images: [...images].sort(), services: services.sort() };
}

export interface GatherOptions {
  project: string;
  composeFile: string;
  composePath: string;
  engine: { ok: true; engine: ResolvedEngine } | { ok: false; error: string };
  pdUrl: string;
  openFaults: string[];
}

export async function gatherPreflight(o: GatherOptions): Promise<PreflightFacts> {
  const facts: PreflightFacts = {
    project: o.project,
    composeFile: o.composeFile,
    docker: o.engine.ok
      ? { ok: true, detail: `Docker ${o.engine.engine.version} at ${o.engine.engine.candidate.host}` }
      : { ok: false, detail: o.engine.error },
    images: null,
    containers: null,
    expected: [],
    pd: { url: o.pdUrl, ok: false, error: null, leader: null, stores: [] },
    openFaults: o.openFaults
  };
  let compose: { images: string[]; services: string[] } = { images: [], services: [] };
  try {
    compose = composeImages(readFileSync(o.composePath, 'utf8'));
  } catch {
    /* no compose file at hand: fall back to what the project runs */
  }
  facts.expected = compose.services;
  if (o.engine.ok) {
    const docker: Docker = o.engine.engine.docker;
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_PROJECT}=${o.project}`] } });
    const ours = list
      .map((c) => ({ name: demoNodeName(c.Labels, o.project), state: c.State, image: c.Image }))
      .filter((c): c is { name: string; state: string; image: string } => c.name !== null);
    facts.containers = ours.map(({ name, state }) => ({ name, state }));
    if (ours.length) facts.expected = [...new Set([...ours.map((c) => c.name)])].sort();
    // A project built from the compose file needs its images; another (the containerized
    // simulator) needs the images its containers use.
    const refs = ours.length && !ours.some((c) => compose.images.includes(c.image)) ? [...new Set(ours.map((c) => c.image))] : compose.images;
    facts.images = await Promise.all(
      refs.map(async (ref) => ({
        ref,
        present: await docker
          .getImage(ref)
          .inspect()
          .then(() => true)
          .catch(() => false)
      }))
    );
  }
  const client = createPdClient({ pdUrl: o.pdUrl, timeoutMs: 2000 });
  try {
    const [stores, members] = await Promise.all([client.stores(), client.members()]);
    if (stores.ok && members.ok) facts.pd = { url: o.pdUrl, ok: true, error: null, leader: members.value.leader, stores: stores.value };
    else facts.pd = { url: o.pdUrl, ok: false, error: (!stores.ok ? stores.error : !members.ok ? members.error : null)?.message ?? null, leader: null, stores: [] };
    if (!stores.ok && stores.error.kind === 'no-leader') facts.pd.ok = true;
  } finally {
    await client.close();
  }
  return facts;
}
