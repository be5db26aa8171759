// The simulated cluster as Docker containers, laid out like docker-compose.tikv.yml: one
// container per compose service (pd0..pd2, tikv0..tikv2, and ycsb created but not started),
// with the labels, names and network `docker compose` would give them, so the app's Docker
// chaos (discovery by compose labels, kill/stop/pause/disconnect/start) runs against real
// processes. Each container runs the simulator's bundle in one role (nodes/node-main.ts).
//
// Safety: `up` only creates or starts containers and a network carrying this project's label
// (and refuses to adopt same-named ones that do not); `down` removes only containers and
// networks labelled with this project. Nothing is ever pulled.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type Docker from 'dockerode';
import { LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from '../../chaos/docker-targets';
import { ensureSimImage, pruneOldSimImages } from './image';

export const LABEL_CONTAINER_NUMBER = 'com.docker.compose.container-number';
export const LABEL_NETWORK = 'com.docker.compose.network';
export const LABEL_CONFIG_HASH = 'com.docker.compose.config-hash';
/** Marks what this script made (compose's labels say which project; this says "simulated"). */
export const LABEL_SIM = 'dev.tikv-stage.sim';

export const PD_SERVICES = ['pd0', 'pd1', 'pd2'] as const;
export const TIKV_SERVICES = ['tikv0', 'tikv1', 'tikv2'] as const;
export const YCSB_SERVICE = 'ycsb';
export const DEFAULT_PD_PORT = 2379;
/** The PD API port inside the containers. */
const PD_CLIENT_PORT = 2379;

export interface SimClusterUpOptions {
  project: string;
  /** Host port of pd0 on 127.0.0.1 (pd1 and pd2 get +2 and +4, like 2381/2383). Default 2379. */
  pdPort?: number;
  /** The simulator's time scale (1 = PD's real timings). Default 1. */
  simSpeed?: number;
  log?: (line: string) => void;
  /** How long to wait for PD to report 3 stores Up and a leader (wall ms). Default 60 s. */
  readyTimeoutMs?: number;
}

export interface SimClusterUpResult {
  /** pd0's API on the host, e.g. http://127.0.0.1:2379 */
  pdUrl: string;
  /** pd0, pd1, pd2 on the host. */
  pdUrls: string[];
  /** The simulator image (tikv-stage-sim:<content hash>). */
  image: string;
  /** The compose network, <project>_default. */
  network: string;
  /** Container id by compose service (pd0.., tikv0.., ycsb). */
  containers: Record<string, string>;
}

export interface SimClusterDownOptions {
  project: string;
  log?: (line: string) => void;
}

export interface SimClusterDownResult {
  containers: string[];
  networks: string[];
}

/** A bad flag or option: the CLI prints it with the usage. */
export class UsageError extends Error {}

/** docker compose's rule for project names. */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function validateProject(project: string): string {
  if (!PROJECT_NAME.test(project)) {
    throw new UsageError(
      `--project: "${project}" is not a compose project name (lowercase letters, digits, "-" and "_", starting with a letter or digit)`
    );
  }
  return project;
}

export function validatePdPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port + 4 > 65535) {
    throw new UsageError(`--pd-port: must be an integer from 1 to 65531 (pd1 and pd2 use N+2 and N+4), got ${port}`);
  }
  return port;
}

export function validateSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000) {
    throw new UsageError(`--sim-speed: must be a number above 0 and at most 1000 (1 = PD's real timings), got ${speed}`);
  }
  return speed;
}

/** Host ports of pd0, pd1, pd2 for a base port (the compose file's 2379/2381/2383 pattern). */
export function pdHostPorts(pdPort: number): number[] {
  return PD_SERVICES.map((_, i) => pdPort + 2 * i);
}

export function networkName(project: string): string {
  return `${project}_default`;
}

export function containerName(project: string, service: string): string {
  return `${project}-${service}-1`;
}

interface ServiceSpec {
  service: string;
  cmd: string[];
  /** Host port published on 127.0.0.1 for the PD API. */
  hostPort: number | null;
  /** Docker's stop timeout (the compose file's stop_grace_period). */
  stopTimeout: number;
  /** Started by `up` (ycsb is only created: the app starts and stops it). */
  start: boolean;
}

/** What `up` creates, service by service. Pure. */
export function serviceSpecs(opts: { project: string; pdPort: number; simSpeed: number }): ServiceSpec[] {
  const speed = String(opts.simSpeed);
  const seed = String(projectSeed(opts.project));
  const pdList = PD_SERVICES.map((p) => `${p}:${PD_CLIENT_PORT}`).join(',');
  const ports = pdHostPorts(opts.pdPort);
  return [
    ...PD_SERVICES.map((name, i) => ({
      service: name,
      cmd: ['--role', 'pd', '--name', name, '--peers', PD_SERVICES.join(','), '--port', String(PD_CLIENT_PORT), '--sim-speed', speed, '--seed', seed],
      hostPort: ports[i] ?? null,
      stopTimeout: 30,
      start: true
    })),
    ...TIKV_SERVICES.map((name) => ({
      service: name,
      cmd: ['--role', 'tikv', '--name', name, '--pd', pdList, '--sim-speed', speed],
      hostPort: null,
      stopTimeout: 40,
      start: true
    })),
    {
      service: YCSB_SERVICE,
      cmd: ['--role', 'ycsb', '--pd', pdList, '--threads', '16', '--sim-speed', speed],
      hostPort: null,
      stopTimeout: 10,
      start: false
    }
  ];
}

/** The same seed for every PD of a project: a fresh cluster starts with the same regions everywhere. */
function projectSeed(project: string): number {
  return createHash('sha256').update(project).digest().readUInt32BE(0) & 0x7fffffff;
}

function configHash(image: string, network: string, spec: ServiceSpec): string {
  return createHash('sha256')
    .update(JSON.stringify({ image, network, cmd: spec.cmd, hostPort: spec.hostPort, stopTimeout: spec.stopTimeout }))
    .digest('hex');
}

function statusCode(e: unknown): number | undefined {
  const c = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof c === 'number' ? c : undefined;
}

function message(e: unknown): string {
  if (e instanceof Error) {
    const json = (e as { json?: { message?: unknown } }).json;
    if (json && typeof json.message === 'string') return json.message;
    return e.message;
  }
  return String(e);
}

/** Where this client talks to the engine: a socket path or host:port. */
function modemTarget(docker: Docker): { socketPath: string | null; host: string | null; port: string | null } {
  const m = docker.modem as unknown as { socketPath?: unknown; host?: unknown; port?: unknown };
  return {
    socketPath: typeof m.socketPath === 'string' ? m.socketPath : null,
    host: typeof m.host === 'string' ? m.host : null,
    port: typeof m.port === 'string' || typeof m.port === 'number' ? String(m.port) : null
  };
}

/** The engine's address, for error messages. */
export function engineAddress(docker: Docker): string {
  const t = modemTarget(docker);
  const where = t.socketPath ? `unix://${t.socketPath}` : t.host ? `tcp://${t.host}:${t.port ?? ''}` : 'the default socket';
  return process.env.DOCKER_HOST ? `${where} (DOCKER_HOST)` : where;
}

/** Fails with a clear message when no engine answers. */
export async function checkEngine(docker: Docker, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      })
    ]);
  } catch (e) {
    throw new Error(`no Docker engine answers at ${engineAddress(docker)}: ${message(e)}. Start Docker or set DOCKER_HOST.`, { cause: e });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** True when this machine can bind 127.0.0.1:port (nothing listens there). */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** The engine runs on this machine (a local socket), so a local bind test says what Docker will find. */
function engineIsLocal(docker: Docker): boolean {
  const t = modemTarget(docker);
  return t.socketPath !== null || t.host === '127.0.0.1' || t.host === 'localhost';
}

async function projectContainers(docker: Docker, project: string): Promise<Docker.ContainerInfo[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_PROJECT}=${project}`] } });
  return list.filter((c) => c.Labels?.[LABEL_PROJECT] === project);
}

async function ensureNetwork(docker: Docker, project: string, log: (l: string) => void): Promise<string> {
  const name = networkName(project);
  const nets = await docker.listNetworks({ filters: { name: [name] } });
  const existing = nets.find((n) => n.Name === name);
  if (existing) {
    if (existing.Labels?.[LABEL_PROJECT] !== project) {
      throw new Error(`network ${name} exists but does not belong to compose project "${project}": not touching it`);
    }
    return existing.Id;
  }
  log(`creating network ${name}`);
  const net = await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { [LABEL_PROJECT]: project, [LABEL_NETWORK]: 'default', [LABEL_SIM]: '1' }
  });
  return net.id;
}

async function checkPorts(docker: Docker, spec: ServiceSpec[], existing: Map<string, Docker.ContainerInfo>): Promise<void> {
  if (!engineIsLocal(docker)) return;
  for (const s of spec) {
    if (s.hostPort === null) continue;
    const c = existing.get(s.service);
    // Our own running PD already holds it.
    if (c?.State === 'running' && (c.Ports ?? []).some((p) => p.PublicPort === s.hostPort)) continue;
    if (!(await portFree(s.hostPort))) {
      throw new Error(
        `port 127.0.0.1:${s.hostPort} (for ${s.service}) is already taken; choose another base port with --pd-port N (pd0..pd2 use N, N+2, N+4)`
      );
    }
  }
}

/**
 * Brings the simulated cluster up (idempotent): builds the image when missing, creates the
 * network and the containers that do not exist (recreates those whose configuration changed,
 * like compose), starts pd0..pd2 and tikv0..tikv2 (ycsb is only created), then waits until PD
 * answers /pd/api/v1/stores with 3 stores Up and a leader.
 */
export async function simClusterUp(docker: Docker, opts: SimClusterUpOptions): Promise<SimClusterUpResult> {
  const log = opts.log ?? (() => undefined);
  const project = validateProject(opts.project);
  const pdPort = validatePdPort(opts.pdPort ?? DEFAULT_PD_PORT);
  const simSpeed = validateSpeed(opts.simSpeed ?? 1);
  await checkEngine(docker);

  const image = await ensureSimImage(docker, log);
  const network = networkName(project);
  const specs = serviceSpecs({ project, pdPort, simSpeed });

  const existing = new Map<string, Docker.ContainerInfo>();
  for (const c of await projectContainers(docker, project)) {
    const service = c.Labels[LABEL_SERVICE];
    if (!service) continue;
    const preferred = c.Names.includes(`/${containerName(project, service)}`);
    if (!existing.has(service) || preferred) existing.set(service, c);
  }
  await checkPorts(docker, specs, existing);
  await ensureNetwork(docker, project, log);

  const ids: Record<string, string> = {};
  for (const spec of specs) {
    const hash = configHash(image, network, spec);
    const have = existing.get(spec.service);
    if (have && have.Labels[LABEL_CONFIG_HASH] === hash) {
      ids[spec.service] = have.Id;
      continue;
    }
    if (have) {
      log(`recreating ${containerName(project, spec.service)} (its configuration changed)`);
      await docker.getContainer(have.Id).remove({ force: true });
    }
    ids[spec.service] = await createService(docker, { project, image, network, spec, hash });
    log(`created ${containerName(project, spec.service)}`);
  }

  // PDs first (the TiKVs link to them), then the stores; each group in parallel.
  for (const group of [PD_SERVICES, TIKV_SERVICES] as const) {
    await Promise.all(
      group.map(async (service) => {
        const id = ids[service];
        if (!id) return;
        await startContainer(docker, id, containerName(project, service), log);
      })
    );
  }

  const pdUrls = pdHostPorts(pdPort).map((p) => `http://127.0.0.1:${p}`);
  const pdUrl = pdUrls[0] ?? `http://127.0.0.1:${pdPort}`;
  await waitReady(docker, { pdUrl, project, ids, timeoutMs: opts.readyTimeoutMs ?? 60_000, log });
  // Containers recreated on a new image free the old one.
  await pruneOldSimImages(docker, image, log);
  return { pdUrl, pdUrls, image, network, containers: ids };
}

async function createService(
  docker: Docker,
  o: { project: string; image: string; network: string; spec: ServiceSpec; hash: string }
): Promise<string> {
  const { project, image, network, spec, hash } = o;
  const name = containerName(project, spec.service);
  const portKey = `${PD_CLIENT_PORT}/tcp`;
  try {
    const c = await docker.createContainer({
      name,
      Image: image,
      Cmd: spec.cmd,
      Hostname: spec.service,
      Labels: {
        [LABEL_PROJECT]: project,
        [LABEL_SERVICE]: spec.service,
        [LABEL_CONTAINER_NUMBER]: '1',
        [LABEL_ONEOFF]: 'False',
        [LABEL_CONFIG_HASH]: hash,
        [LABEL_SIM]: '1'
      },
      ExposedPorts: spec.hostPort === null ? undefined : { [portKey]: {} },
      StopTimeout: spec.stopTimeout,
      HostConfig: {
        NetworkMode: network,
        RestartPolicy: { Name: 'no' },
        PortBindings: spec.hostPort === null ? undefined : { [portKey]: [{ HostIp: '127.0.0.1', HostPort: String(spec.hostPort) }] }
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [spec.service] } } }
    });
    return c.id;
  } catch (e) {
    if (statusCode(e) === 409) {
      throw new Error(`a container named ${name} already exists and is not this project's ${spec.service}: not touching it (${message(e)})`, { cause: e });
    }
    throw e;
  }
}

async function startContainer(docker: Docker, id: string, name: string, log: (l: string) => void): Promise<void> {
  const c = docker.getContainer(id);
  const info = await c.inspect();
  if (info.State.Paused) {
    log(`unpausing ${name}`);
    await c.unpause();
    return;
  }
  if (info.State.Running) return;
  try {
    await c.start();
    log(`started ${name}`);
  } catch (e) {
    if (statusCode(e) === 304) return;
    const text = message(e);
    if (/port is already allocated|address already in use|bind/i.test(text)) {
      throw new Error(`cannot start ${name}: its PD port on 127.0.0.1 is already taken (${text}); choose another --pd-port`, { cause: e });
    }
    throw new Error(`cannot start ${name}: ${text}`, { cause: e });
  }
}

interface StoreBrief {
  address: string;
  state: string;
  leaders: number;
}

async function pdStores(pdUrl: string): Promise<{ status: number; stores: StoreBrief[] | null; text: string }> {
  const res = await fetch(`${pdUrl}/pd/api/v1/stores`, { signal: AbortSignal.timeout(2000) });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, stores: null, text };
  const data = JSON.parse(text) as { stores?: { store?: { address?: string; state_name?: string }; status?: { leader_count?: number } }[] };
  return {
    status: 200,
    text,
    stores: (data.stores ?? []).map((s) => ({
      address: s.store?.address ?? '',
      state: s.store?.state_name ?? '',
      leaders: s.status?.leader_count ?? 0
    }))
  };
}

async function waitReady(
  docker: Docker,
  o: { pdUrl: string; project: string; ids: Record<string, string>; timeoutMs: number; log: (l: string) => void }
): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let last = 'no answer yet';
  let said = false;
  while (Date.now() < deadline) {
    try {
      const r = await pdStores(o.pdUrl);
      if (r.stores) {
        const up = r.stores.filter((s) => s.state === 'Up').length;
        last = r.stores.map((s) => `${s.address} ${s.state} (${s.leaders} leaders)`).join(', ');
        if (r.stores.length === 3 && up === 3) {
          o.log(`PD at ${o.pdUrl}: ${last}`);
          return;
        }
      } else {
        last = `HTTP ${r.status}: ${r.text.trim()}`;
      }
    } catch (e) {
      last = message(e);
    }
    if (!said) {
      o.log(`waiting for PD at ${o.pdUrl} to report 3 stores Up and a leader`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const tails: string[] = [];
  for (const service of [...PD_SERVICES, ...TIKV_SERVICES]) {
    const id = o.ids[service];
    if (!id) continue;
    try {
      const buf = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 5 })) as unknown as Buffer;
      tails.push(`--- ${service}\n${demuxText(buf).trim()}`);
    } catch {
      // best effort
    }
  }
  throw new Error(`the simulated cluster did not become ready within ${o.timeoutMs} ms (last: ${last})\n${tails.join('\n')}`);
}

/** Docker's multiplexed log stream (no TTY) as text. */
export function demuxText(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i];
    const len = buf.readUInt32BE(i + 4);
    if (type !== 0 && type !== 1 && type !== 2) return buf.toString('utf8');
    out += buf.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  return i === 0 ? buf.toString('utf8') : out;
}

/** Removes the project's containers and network: only what carries this project's label. */
export async function simClusterDown(docker: Docker, opts: SimClusterDownOptions): Promise<SimClusterDownResult> {
  const log = opts.log ?? (() => undefined);
  const project = validateProject(opts.project);
  await checkEngine(docker);
  const removed: SimClusterDownResult = { containers: [], networks: [] };
  for (const c of await projectContainers(docker, project)) {
    const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
    try {
      await docker.getContainer(c.Id).remove({ force: true });
      removed.containers.push(name);
      log(`removed ${name}`);
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
    }
  }
  const nets = await docker.listNetworks({ filters: { label: [`${LABEL_PROJECT}=${project}`] } });
  for (const n of nets) {
    if (n.Labels?.[LABEL_PROJECT] !== project) continue;
    try {
      await docker.getNetwork(n.Id).remove();
      removed.networks.push(n.Name);
      log(`removed network ${n.Name}`);
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
    }
  }
  return removed;
}
