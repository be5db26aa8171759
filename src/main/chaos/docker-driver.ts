// Chaos on real containers through dockerode. Every operation looks the container up again
// by compose labels (project + service) at the moment it acts, so no code path can reach a
// container outside the demo project, whatever it is called.
import type Docker from 'dockerode';
import type { FaultKind } from '../../shared/actions';
import type { ChaosDriver, NodeProcess, ReviveResult } from './driver';
import type { ContainerState } from '../../shared/cluster';
import { containerState, demoNodeName, eventHint, LABEL_PROJECT, roleOf, splitLines } from './docker-targets';
import { isNoop, reviveContainers, type Found } from './docker-revive';

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
  /** Container id → node name, from the last listing (network events name containers by id). */
  let idToName = new Map<string, string>();
  let networkName: string | null = null;
  /**
   * What events said, newer than the last listing that agreed. Docker can publish `die` a
   * moment before its own listing says so (seen after an engine restart with live-restore),
   * so a listing that contradicts a fresh event is not believed for a couple of seconds.
   */
  const hints = new Map<string, { state?: ContainerState; partitioned?: boolean; at: number }>();
  const HINT_TRUST_MS = 3000;

  async function clusterNetwork(): Promise<{ id: string; name: string } | null> {
    const nets = await docker.listNetworks({ filters: { label: [projectLabel] } });
    const ours = nets.filter((n) => n.Labels?.[LABEL_PROJECT] === project);
    const def = ours.find((n) => n.Name === `${project}_default`) ?? ours[0];
    return def ? { id: def.Id, name: def.Name } : null;
  }

  // Concurrent callers (Restore all undoes every fault at once) share one listing in flight.
  let listing: Promise<Found[]> | null = null;
  function findAll(): Promise<Found[]> {
    listing ??= listOnce().finally(() => {
      listing = null;
    });
    return listing;
  }

  async function listOnce(): Promise<Found[]> {
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
    idToName = new Map(all.map((f) => [f.id, f.name]));
    networkName = net?.name ?? null;
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

  function emit(p: NodeProcess): void {
    for (const l of listeners) l(p);
  }

  async function refresh(): Promise<void> {
    let listed: NodeProcess[];
    try {
      listed = await list();
    } catch (e) {
      opts.log?.(`docker: re-list failed: ${(e as Error).message}`);
      return;
    }
    const now = Date.now();
    let recheck = false;
    const current = listed.map((p) => {
      const h = hints.get(p.name);
      if (!h) return p;
      const disagrees = (h.state !== undefined && h.state !== p.state) || (h.partitioned !== undefined && h.partitioned !== p.partitioned);
      if (!disagrees || now - h.at > HINT_TRUST_MS) {
        hints.delete(p.name);
        return p;
      }
      recheck = true;
      return { ...p, state: h.state ?? p.state, partitioned: h.partitioned ?? p.partitioned };
    });
    const next = new Map(current.map((p) => [p.name, p]));
    for (const p of current) {
      const before = known.get(p.name);
      if (!before || before.state !== p.state || before.partitioned !== p.partitioned) emit(p);
    }
    for (const [name, p] of known) if (!next.has(name)) emit({ ...p, state: 'missing', partitioned: false });
    known = next;
    if (recheck) setTimeout(scheduleRefresh, 250);
  }

  /** An event's news goes out at once; the re-list that follows confirms it. */
  function applyHint(line: string): void {
    const h = eventHint(line, project, (id) => idToName.get(id), networkName);
    if (!h) return;
    const prev = hints.get(h.name);
    hints.set(h.name, { ...prev, ...h, at: Date.now() });
    const before = known.get(h.name);
    if (!before) return;
    const p = { ...before, state: h.state ?? before.state, partitioned: h.partitioned ?? before.partitioned };
    if (p.state !== before.state || p.partitioned !== before.partitioned) {
      known = new Map(known).set(p.name, p);
      emit(p);
    }
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
      // A stream that ends at once (an engine shutting down still answers) is no success:
      // reset the backoff only once it has stayed up for a while.
      const steady = setTimeout(() => {
        if (stream === s) backoff = 250;
      }, 2000);
      let buffer = '';
      s.on('data', (chunk: Buffer) => {
        const { lines, rest } = splitLines(buffer, chunk.toString('utf8'));
        buffer = rest;
        for (const line of lines) applyHint(line);
        if (lines.length) scheduleRefresh();
      });
      const lost = (): void => {
        clearTimeout(steady);
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
    // Capped low: on stage, seconds without Docker's view matter more than a few extra calls.
    backoff = Math.min(backoff * 2, 2000);
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

  async function reviveAll(): Promise<ReviveResult> {
    // findAll() lists compose labels of this project only: nothing else can be revived.
    const out = await reviveContainers(docker, await findAll(), await clusterNetwork());
    if (out.revived.length || out.failed.length) scheduleRefresh();
    return out;
  }

  void connect();
  // A safety net under the events stream: re-list now and then, so a missed event (or an
  // engine that restarted between two reconnects) is corrected within seconds.
  const safety = setInterval(() => scheduleRefresh(), 10_000);

  return {
    label: opts.label ?? `Docker (compose project "${project}")`,
    list,
    apply,
    undo,
    reviveAll,
    clusterNetwork,
    streamConnects: () => connects,
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearInterval(safety);
      if (refreshTimer) clearTimeout(refreshTimer);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      (stream as unknown as { destroy?: () => void } | null)?.destroy?.();
      stream = null;
      listeners.clear();
    }
  };
}
