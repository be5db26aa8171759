// Finding the Docker engine as a GUI app must: an app started from the Dock or Start menu
// does not inherit the shell's DOCKER_HOST, and docker-modem ignores docker contexts. Order:
// the --docker-host setting, DOCKER_HOST, the current docker context, the known sockets of
// Docker Desktop, Colima, OrbStack and Rancher Desktop, then /var/run/docker.sock.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

export interface EngineCandidate {
  /** Where this address came from, for the presenter ("DOCKER_HOST", "docker context colima"). */
  source: string;
  /** unix:///path, npipe:////./pipe/name, tcp://host:port */
  host: string;
}

export interface EngineEnv {
  setting: string | null;
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  /** Reads a file or returns null; injected so that the order is tested without a real home. */
  readFile: (path: string) => string | null;
  exists: (path: string) => boolean;
}

/** The current docker context's endpoint, as the docker CLI resolves it. */
export function contextHost(e: EngineEnv): { name: string; host: string } | null {
  let name = e.env.DOCKER_CONTEXT ?? null;
  if (!name) {
    const cfg = e.readFile(join(e.env.DOCKER_CONFIG ?? join(e.home, '.docker'), 'config.json'));
    if (cfg) {
      try {
        const parsed = JSON.parse(cfg) as { currentContext?: unknown };
        if (typeof parsed.currentContext === 'string') name = parsed.currentContext;
      } catch {
        /* a broken config.json is the docker CLI's problem; fall through */
      }
    }
  }
  if (!name || name === 'default') return null;
  const id = createHash('sha256').update(name).digest('hex');
  const meta = e.readFile(join(e.env.DOCKER_CONFIG ?? join(e.home, '.docker'), 'contexts', 'meta', id, 'meta.json'));
  if (!meta) return null;
  try {
    const host = (JSON.parse(meta) as { Endpoints?: { docker?: { Host?: unknown } } }).Endpoints?.docker?.Host;
    return typeof host === 'string' && host ? { name, host } : null;
  } catch {
    return null;
  }
}

/** Every address worth trying, in order, without duplicates. Pure given its inputs. */
export function engineCandidates(e: EngineEnv): EngineCandidate[] {
  const out: EngineCandidate[] = [];
  const add = (source: string, host: string | null | undefined): void => {
    if (host && !out.some((c) => c.host === host)) out.push({ source, host });
  };
  add('the --docker-host setting', e.setting);
  add('DOCKER_HOST', e.env.DOCKER_HOST);
  const ctx = contextHost(e);
  if (ctx) add(`docker context "${ctx.name}"`, ctx.host);
  if (e.platform === 'win32') {
    add('Docker Desktop', 'npipe:////./pipe/docker_engine');
    return out;
  }
  const sockets: [string, string][] = [
    ['Docker Desktop', join(e.home, '.docker', 'run', 'docker.sock')],
    ['Docker Desktop', join(e.home, '.docker', 'desktop', 'docker.sock')],
    ['Colima', join(e.home, '.colima', 'default', 'docker.sock')],
    ['Colima', join(e.home, '.colima', 'docker.sock')],
    ['OrbStack', join(e.home, '.orbstack', 'run', 'docker.sock')],
    ['Rancher Desktop', join(e.home, '.rd', 'docker.sock')]
  ];
  for (const [source, path] of sockets) if (e.exists(path)) add(source, `unix://${path}`);
  add('the default socket', 'unix:///var/run/docker.sock');
  return out;
}

/** dockerode options for an engine address; an error names what is not supported. */
export function dockerOptions(host: string, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') };
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    const tls = host.startsWith('https://') || env.DOCKER_TLS_VERIFY === '1' || u.port === '2376';
    const opts: Docker.DockerOptions = { host: u.hostname, port: u.port || (tls ? 2376 : 2375), protocol: tls ? 'https' : 'http' };
    if (tls && env.DOCKER_CERT_PATH) {
      const read = (f: string): Buffer => readFileSync(join(env.DOCKER_CERT_PATH!, f));
      opts.ca = read('ca.pem');
      opts.cert = read('cert.pem');
      opts.key = read('key.pem');
    }
    return opts;
  }
  if (host.startsWith('/')) return { socketPath: host };
  throw new Error(`unsupported Docker address "${host}" (use unix://, npipe:// or tcp://)`);
}

export interface ResolvedEngine {
  candidate: EngineCandidate;
  /** For requests: bounded by a timeout. */
  docker: Docker;
  /** For the events and log streams: no idle timeout (it would kill a quiet stream). */
  streams: Docker;
  version: string;
}

export function realEngineEnv(setting: string | null): EngineEnv {
  return {
    setting,
    env: process.env,
    home: homedir(),
    platform: process.platform,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return null;
      }
    },
    exists: existsSync
  };
}

/** Tries each candidate with a ping; the first that answers wins. */
export async function resolveEngine(
  e: EngineEnv,
  pingTimeoutMs = 1500
): Promise<{ ok: true; engine: ResolvedEngine } | { ok: false; error: string }> {
  const tried: string[] = [];
  for (const c of engineCandidates(e)) {
    let opts: Docker.DockerOptions;
    try {
      opts = dockerOptions(c.host, e.env);
    } catch (err) {
      tried.push(`${c.host} (${c.source}): ${(err as Error).message}`);
      continue;
    }
    const docker = new Docker({ ...opts, timeout: 10_000 });
    try {
      await withTimeout(docker.ping(), pingTimeoutMs);
      const v = await withTimeout(docker.version(), pingTimeoutMs);
      return { ok: true, engine: { candidate: c, docker, streams: new Docker(opts), version: v.Version } };
    } catch (err) {
      tried.push(`${c.host} (${c.source}): ${shortError(err)}`);
    }
  }
  return {
    ok: false,
    error: `no Docker engine answers (tried ${tried.join('; ')}). Start Docker Desktop, Colima or OrbStack, or set DOCKER_HOST`
  };
}

function shortError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'no such socket';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'EACCES') return 'permission denied (is your user in the docker group?)';
  return (err as Error).message?.slice(0, 120) ?? String(err);
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        ok(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        fail(e);
      }
    );
  });
}
