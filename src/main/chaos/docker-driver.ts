// Chaos on real containers through dockerode. Every operation looks the container up again
// by compose labels (project + service) at the moment it acts, so no code path can reach a
// container outside the demo project, whatever it is called.
import type Docker from 'dockerode';
import type { FaultKind } from '../../shared/actions';
import type { ChaosDriver, NodeProcess } from './driver';
import { containerState, demoNodeName, LABEL_PROJECT, roleOf, splitLines } from './docker-targets';

export interface DockerDriverOptions {
  /** Requests (with a timeout). */
  docker: Docker;
  /** Streams (no idle timeout). */
  streams: Docker;
  project: string;
  /** Seconds a graceful stop waits before SIGKILL (TiKV's graceful shutdown needs 20 s). */
  stopGraceSeconds?: number;
  label?: string;
  log?: (line: string) => void;
}

interface Found {
  id: string;
  name: string;
  state: string;
  networks: string[];
}

/** Docker answers 304 (already started/stopped) and 409 (not running / already paused) for no-ops. */
function isNoop(e: unknown): boolean {
  const code = (e as { statusCode?: number }).statusCode;
  return code === 304 || code === 409;
}

export interface DockerDriver extends ChaosDriver {
  /** Network of the compose project that a partition cuts. */
  clusterNetwork(): Promise<{ id: string; name: string } | null>;
  /** How many times the events stream has (re)connected, for tests and the presenter. */
  streamConnects(): number;
}

export function createDockerDriver(opts: DockerDriverOptions): DockerDriver {
  const { docker, project } = opts;
  const grace = opts.stopGraceSeconds ?? 40;
  const projectLabel = `${LABEL_PROJECT}=${project}`;
  const listeners = new Set<(p: NodeProcess) => void>();
  let known = new Map<string, NodeProcess>();
  let closed = false;
  let connects = 0;

  async function clusterNetwork(): Promise<{ id: string; name: string } | null> {
    const nets = await docker.listNetworks({ filters: { label: [projectLabel] } });
    const ours = nets.filter((n) => n.Labels?.[LABEL_PROJECT] === project);
    const def = ours.find((n) => n.Name === `${project}_default`) ?? ours[0];
    return def ? { id: def.Id, name: def.Name } : null;
  }

  async function findAll(): Promise<Found[]> {
    const list = await docker.listContainers({ all: true, filters: { label: [projectLabel] } });
    const out: Found[] = [];
    for (const c of list) {
      // Filter again on our side: the engine's filter is a convenience, not the fence.
      const name = demoNodeName(c.Labels, project);
      if (!name) continue;
      if (out.some((f) => f.name === name)) continue; // a scaled service: the first one is the node
      out.push({ id: c.Id, name, state: c.State, networks: Object.keys(c.NetworkSettings?.Networks ?? {}) });
    }
    return out;
  }

  async function find(name: string): Promise<Found> {
    const f = (await findAll()).find((x) => x.name === name);
    if (!f) throw new Error(`no container for service "${name}" in compose project "${project}"`);
    return f;
  }

  async function list(): Promise<NodeProcess[]> {
    const [all, net] = await Promise.all([findAll(), clusterNetwork()]);
    return all
      .map((f) => {
        const state = containerState(f.state);
        return {
          name: f.name,
          kind: roleOf(f.name),
          state,
          partitioned: net !== null && state !== 'exited' && !f.networks.includes(net.name)
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async function refresh(): Promise<void> {
    let now: NodeProcess[];
    try {
      now = await list();
    } catch (e) {
      opts.log?.(`docker: re-list failed: ${(e as Error).message}`);
      return;
    }
    const next = new Map(now.map((p) => [p.name, p]));
    for (const p of now) {
      const before = known.get(p.name);
      if (!before || before.state !== p.state || before.partitioned !== p.partitioned) for (const l of listeners) l(p);
    }
    for (const [name, p] of known)
      if (!next.has(name)) for (const l of listeners) l({ ...p, state: 'missing', partitioned: false });
    known = next;
  }

  // Coalesce a burst of events (kill, die) into one re-list.
  let refreshTimer: NodeJS.Timeout | null = null;
  const scheduleRefresh = (): void => {
    if (refreshTimer || closed) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refresh();
    }, 15);
  };

  // --- the events stream: its own client without an idle timeout; reconnects with backoff.
  let stream: NodeJS.ReadableStream | null = null;
  let backoff = 250;
  let reconnectTimer: NodeJS.Timeout | null = null;
  async function connect(): Promise<void> {
    if (closed) return;
    try {
      const s = await opts.streams.getEvents({
        filters: {
          type: ['container', 'network'],
          label: [projectLabel]
        } as Docker.GetEventsOptions['filters']
      });
      if (closed) {
        (s as unknown as { destroy?: () => void }).destroy?.();
        return;
      }
      stream = s;
      connects++;
      backoff = 250;
      let buffer = '';
      s.on('data', (chunk: Buffer) => {
        const { lines, rest } = splitLines(buffer, chunk.toString('utf8'));
        buffer = rest;
        if (lines.length) scheduleRefresh();
      });
      const lost = (): void => {
        if (stream !== s) return;
        stream = null;
        scheduleReconnect();
      };
      s.on('end', lost);
      s.on('close', lost);
      s.on('error', lost);
      // Whatever happened while we were not listening: re-list now.
      scheduleRefresh();
    } catch (e) {
      opts.log?.(`docker: events stream failed: ${(e as Error).message}`);
      scheduleReconnect();
    }
  }
  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void connect();
    }, backoff);
    backoff = Math.min(backoff * 2, 5000);
  }

  async function apply(kind: FaultKind, name: string): Promise<void> {
    const f = await find(name);
    const c = docker.getContainer(f.id);
    try {
      switch (kind) {
        case 'kill':
          await c.kill({ signal: 'SIGKILL' });
          break;
        case 'stop':
          await c.stop({ t: grace });
          break;
        case 'pause':
          await c.pause();
          break;
        case 'partition': {
          const net = await clusterNetwork();
          if (!net) throw new Error(`compose project "${project}" has no network to cut`);
          if (!f.networks.includes(net.name)) return;
          await docker.getNetwork(net.id).disconnect({ Container: f.id, Force: true });
          break;
        }
      }
    } catch (e) {
      if (!isNoop(e)) throw e;
    }
    scheduleRefresh();
  }

  async function undo(kind: FaultKind, name: string): Promise<void> {
    const f = await find(name);
    const c = docker.getContainer(f.id);
    try {
      switch (kind) {
        case 'kill':
        case 'stop':
          // A container paused after the fault must be unpaused, not started.
          if (f.state === 'paused') await c.unpause();
          else await c.start();
          break;
        case 'pause':
          if (f.state === 'paused') await c.unpause();
          else if (f.state !== 'running') await c.start();
          break;
        case 'partition': {
          const net = await clusterNetwork();
          if (!net) throw new Error(`compose project "${project}" has no network to reconnect to`);
          if (!f.networks.includes(net.name))
            // Peers dial tikv0:20160: the service alias must come back with the endpoint.
            await docker.getNetwork(net.id).connect({ Container: f.id, EndpointConfig: { Aliases: [name] } });
          if (f.state !== 'running' && f.state !== 'paused') await c.start();
          break;
        }
      }
    } catch (e) {
      if (!isNoop(e)) throw e;
    }
    scheduleRefresh();
  }

  void connect();

  return {
    label: opts.label ?? `Docker (compose project "${project}")`,
    list,
    apply,
    undo,
    clusterNetwork,
    streamConnects: () => connects,
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (refreshTimer) clearTimeout(refreshTimer);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      (stream as unknown as { destroy?: () => void } | null)?.destroy?.();
      stream = null;
      listeners.clear();
    }
  };
}
