// Live mode's Docker side, injected into the app: find the engine, connect the chaos driver
// for the compose project, and find PD's published port when --pd is not given.
import type Docker from 'dockerode';
import { join } from 'node:path';
import type { LiveDeps } from './stage';
import { appRoot } from './paths';
import { evaluatePreflight, gatherPreflight } from './preflight';
import type { AppConfig } from './config';
import { createDockerDriver } from './chaos/docker-driver';
import { realEngineEnv, resolveEngine, type ResolvedEngine } from './chaos/docker-engine';
import { demoNodeName, LABEL_PROJECT } from './chaos/docker-targets';
import { createYcsbWorkload } from './workload/ycsb-workload';

/** PD URLs published on the host by the project's pd containers, running ones first. Pure. */
export function publishedPdUrls(containers: Docker.ContainerInfo[], project: string): string[] {
  const out: { url: string; running: boolean; name: string }[] = [];
  for (const c of containers) {
    const name = demoNodeName(c.Labels, project);
    if (!name?.startsWith('pd')) continue;
    for (const p of c.Ports ?? []) {
      if (p.PrivatePort !== 2379 || !p.PublicPort) continue;
      const ip = !p.IP || p.IP === '0.0.0.0' || p.IP === '::' ? '127.0.0.1' : p.IP;
      const host = ip.includes(':') ? `[${ip}]` : ip;
      const url = `http://${host}:${p.PublicPort}`;
      if (!out.some((o) => o.url === url)) out.push({ url, running: c.State === 'running', name });
    }
  }
  return out
    .sort((a, b) => Number(b.running) - Number(a.running) || a.name.localeCompare(b.name))
    .map((o) => o.url);
}

export function createLiveDeps(config: AppConfig, log: (line: string) => void = console.log): LiveDeps {
  let engine: ResolvedEngine | null = null;
  return {
    async probeDocker() {
      const r = await resolveEngine(realEngineEnv(config.dockerHost));
      if (!r.ok) return { ok: false, detail: r.error };
      engine = r.engine;
      return { ok: true, detail: `Docker ${r.engine.version} at ${r.engine.candidate.host} (${r.engine.candidate.source})` };
    },
    async connectDocker() {
      if (!engine) return { ok: false, error: 'no Docker engine' };
      const containers = await engine.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL_PROJECT}=${config.project}`] }
      });
      const nodes = containers.map((c) => demoNodeName(c.Labels, config.project)).filter((n): n is string => n !== null);
      if (nodes.length === 0)
        return {
          ok: false,
          error: `compose project "${config.project}" has no pd/tikv containers on ${engine.candidate.host}; start it with: docker compose -f docker-compose.tikv.yml up -d`
        };
      return {
        ok: true,
        driver: createDockerDriver({
          docker: engine.docker,
          streams: engine.streams,
          project: config.project,
          label: `Docker at ${engine.candidate.host}, compose project "${config.project}"`,
          log
        })
      };
    },
    async discoverPd() {
      if (!engine) return [];
      const containers = await engine.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL_PROJECT}=${config.project}`] }
      });
      return publishedPdUrls(containers, config.project);
    },
    async preflight(pdUrl, openFaults) {
      const resolved = engine ? { ok: true as const, engine } : await resolveEngine(realEngineEnv(config.dockerHost));
      const facts = await gatherPreflight({
        project: config.project,
        composeFile: 'docker-compose.tikv.yml',
        composePath: join(appRoot(__dirname), 'docker-compose.tikv.yml'),
        // pd.toml's persisted settings, set through PD's API where the running cluster differs.
        pdTomlPath: join(appRoot(__dirname), 'resources', 'cluster', 'pd.toml'),
        applyPdConfig: true,
        engine: resolved,
        pdUrl,
        openFaults
      });
      return evaluatePreflight(facts, Date.now());
    },
    workload() {
      return engine ? createYcsbWorkload({ docker: engine.docker, streams: engine.streams, project: config.project, log }) : null;
    }
  };
}
