// Chaos on real containers through dockerode. Every operation looks the container up again
// by compose labels (project + service) at the moment it acts, so no code path can reach a
// container outside the demo project, whatever it is called.
import type Docker from 'dockerode';
import type { FaultKind } from '../../shared/actions';
import type { ChaosDriver, NodeProcess, ReviveResult } from './driver';
import { containerState, demoNodeName, eventHint, LABEL_PROJECT, roleOf } from './docker-targets';
import { openEventsStream } from './docker-events';
import { reconcile, type Hint } from './docker-reconcile';
import { applyFault, undoFault } from './docker-ops';
import { reviveContainers, type Found } from './docker-revive';

export interface DockerDriverOptions {
  /** Requests (with a timeout). */
  docker: Docker;
  /** Streams, and a graceful stop's long wait (no idle timeout). */
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
  /** Container id → node name, from the last listing (network events name containers by id). */
  let idToName = new Map<string, string>();
  let networkName: string | null = null;
  /** What events said, newer than the last listing that agreed (see docker-reconcile.ts). */
  let hints = new Map<string, Hint>();

  const clusterNetwork = (): Promise<{ id: string; name: string } | null> => projectNetwork(docker, project);

  // Concurrent callers (Restore all undoes every fault at once) share one listing in flight.
  let listing: Promise<Found[]> | null = null;
  function findAll(): Promise<Found[]> {
    listing ??= listProject(docker, project).finally(() => {
      listing = null;
    });
    return listing;
  }

  async function find(name: string): Promise<Found> {
    const f = (await findAll()).find((x) => x.name === name);
    if (!f) throw new Error(`no container for service "${name}" in compose project "${project}"`);
    return f;
  }

  async function list(): Promise<NodeProcess[]> {
    // States come from a listing started now: one already in flight may predate a fault just
    // applied (read-after-write). Only lookups by name (ids do not change) share a listing.
    const [all, net] = await Promise.all([listProject(docker, project), clusterNetwork()]);
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
    const r = reconcile(listed, known, hints, Date.now());
    hints = r.hints;
    known = r.current;
    for (const p of r.changed) emit(p);
    if (r.recheck) setTimeout(scheduleRefresh, 250);
  }

  /** An event's news goes out at once; the re-list that follows confirms it. */
  function applyHint(line: string): void {
    const h = eventHint(line, project, (id) => idToName.get(id), networkName);
    if (!h) return;
    const prev = hints.get(h.name);
    hints = new Map(hints).set(h.name, { ...prev, ...h, at: Date.now() });
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

  async function apply(kind: FaultKind, name: string): Promise<void> {
    await applyFault(docker, await find(name), kind, clusterNetwork, { graceSeconds: grace, slow: opts.streams }, project);
    scheduleRefresh();
  }

  async function undo(kind: FaultKind, name: string): Promise<void> {
    await undoFault(docker, await find(name), kind, clusterNetwork, project);
    scheduleRefresh();
  }

  async function reviveAll(): Promise<ReviveResult> {
    // findAll() lists compose labels of this project only: nothing else can be revived.
    const out = await reviveContainers(docker, await findAll(), await clusterNetwork());
    if (out.revived.length || out.failed.length) scheduleRefresh();
    return out;
  }

  const events = openEventsStream({
    streams: opts.streams,
    projectLabel,
    onLines(lines) {
      for (const line of lines) applyHint(line);
      scheduleRefresh();
    },
    onConnect: scheduleRefresh,
    log: opts.log
  });
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
    streamConnects: () => events.connects(),
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearInterval(safety);
      if (refreshTimer) clearTimeout(refreshTimer);
      events.close();
      listeners.clear();
    }
  };
}

/** The project's network that a partition cuts (`<project>_default`, or its first). */
async function projectNetwork(docker: Docker, project: string): Promise<{ id: string; name: string } | null> {
  const nets = await docker.listNetworks({ filters: { label: [`${LABEL_PROJECT}=${project}`] } });
  const ours = nets.filter((n) => n.Labels?.[LABEL_PROJECT] === project);
  const def = ours.find((n) => n.Name === `${project}_default`) ?? ours[0];
  return def ? { id: def.Id, name: def.Name } : null;
}

/** The project's demo containers, one per service name. */
async function listProject(docker: Docker, project: string): Promise<Found[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_PROJECT}=${project}`] } });
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
