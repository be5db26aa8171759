// The workload as its own process (the simulator in containers, compose service "ycsb"): the
// simulator's closed-loop synthetic workload (workload.ts) run against the cluster as a client
// sees it over the network, printing go-ycsb's status lines on stdout every second.
// - The routing table (who leads each region, whether it can serve) comes from the PD
//   processes (GET /sim/v1/route, any member; clients keep their last table while PD is away).
// - Each store's client port is probed over a kept-open connection: a killed store resets it
//   at once, a frozen or cut-off one stops answering. An op on a region whose leader cannot be
//   reached stalls until the region is served again, or fails after the 20 s backoff (scaled).
import { performance } from 'node:perf_hooks';
import { DEFAULT_WORKLOAD, Workload, formatYcsbLines, type WorkloadCluster } from '../core/workload';
import { catchUpAt } from '../core/model';
import { Rng } from '../core/rng';
import { every, getJson, isRecord, logger, scaled } from './node-util';
import { createStoreProbes } from './ycsb-probes';

export interface YcsbNodeOptions {
  pds: { host: string; port: number }[];
  speed: number;
  threads: number;
  /** Client port of the stores (20160). */
  tikvPort: number;
  /** Address overrides by store name (tests outside Docker). */
  tikvAddrs?: Map<string, { host: string; port: number }>;
  seed?: number;
  /** Where status lines go (stdout). */
  out?: (line: string) => void;
  log?: (msg: string) => void;
  /** Status line period, wall ms (go-ycsb --interval 1). */
  intervalMs?: number;
}

interface RouteEntry {
  leader: string;
  serving: boolean;
  since: number;
}

export interface YcsbNode {
  workload: Workload;
  /** Stop: print go-ycsb's final lines and close. */
  stop(): Promise<void>;
}

export function startYcsbNode(opts: YcsbNodeOptions): YcsbNode {
  const log = opts.log ?? logger('ycsb');
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const speed = opts.speed;
  const rng = new Rng(opts.seed ?? Math.floor(Math.random() * 2 ** 31));
  const workload = new Workload(speed, rng, { ...DEFAULT_WORKLOAD, threads: opts.threads });
  const routePollMs = scaled(speed, 250, 50, 500);
  const routeTimeoutMs = scaled(speed, 1000, 300, 1000);
  const probeMs = scaled(speed, 500, 50, 500);
  const probeTimeoutMs = scaled(speed, 1500, 800);
  const retryMs = scaled(speed, 500, 100, 1000);
  let routes: RouteEntry[] | null = null;
  let storeNames: string[] = [];
  let pdIndex = 0;
  let closed = false;
  let started: number | null = null;

  // --- the routing table -------------------------------------------------------------------
  const pollRoute = async (): Promise<void> => {
    if (closed) return;
    const pd = opts.pds[pdIndex % opts.pds.length]!;
    const data = await getJson(`http://${pd.host.includes(':') ? `[${pd.host}]` : pd.host}:${pd.port}/sim/v1/route`, routeTimeoutMs);
    const parsed = parseRoute(data);
    if (!parsed) {
      pdIndex++;
    } else {
      if (!routes) log(`routing table from ${pd.host}:${pd.port}: ${parsed.regions.length} regions`);
      routes = parsed.regions;
      storeNames = parsed.stores;
      for (const s of storeNames) probes.ensure(s);
      // Ask the PD leader next time, when it is one of the addresses we know.
      const i = parsed.pdLeader === null ? -1 : opts.pds.findIndex((p) => p.host === parsed.pdLeader);
      if (i >= 0) pdIndex = i;
    }
    if (!closed) setTimeout(() => void pollRoute(), routePollMs);
  };

  // --- store probes ------------------------------------------------------------------------
  const probes = createStoreProbes({
    tikvPort: opts.tikvPort,
    tikvAddrs: opts.tikvAddrs,
    probeMs,
    probeTimeoutMs,
    retryMs,
    log
  });

  // --- the closed loop ---------------------------------------------------------------------
  const cluster: WorkloadCluster = {
    get regionCount() {
      return routes?.length ?? 0;
    },
    regionServing: (i) => {
      const r = routes?.[i];
      return !!r && r.serving && probes.reachable(r.leader);
    },
    regionServingSince: (i) => {
      const r = routes?.[i];
      if (!r) return Date.now();
      return Math.max(r.since, probes.upSince(r.leader));
    },
    regionLeaderName: (i) => routes?.[i]?.leader ?? '',
    storeNames: () => storeNames
  };

  const tickWall = workload.tickWallMs;
  let nextTick = 0;
  const stopLoop = every(Math.max(20, Math.min(100, tickWall)), (now) => {
    if (!routes) return;
    if (started === null) {
      // The first ops wait for the routing table and a reachable store, as a client's would.
      if (!probes.anyUp()) return;
      started = now;
      nextTick = now;
      workload.start(now);
      log(`running: ${opts.threads} threads, 50/50 read/update (sim speed ${speed})`);
    }
    nextTick = runDueTicks(workload, cluster, nextTick, now, speed);
  });

  const print = (now: number): void => {
    if (started === null) return;
    for (const line of formatYcsbLines(workload.totals(now))) out(line);
  };
  const stopPrint = every(opts.intervalMs ?? 1000, (now) => print(now));

  printProperties(out, opts);
  void pollRoute();
  const t0 = performance.now();

  return {
    workload,
    stop: async () => {
      if (closed) return;
      closed = true;
      stopLoop();
      stopPrint();
      probes.stop();
      if (started !== null) {
        out(`Run finished, takes ${goSeconds(((performance.now() - t0) * speed) / 1000)}`);
        print(Date.now());
      }
    }
  };
}

/** Ticks one timer call runs at most (a guard; a clock jump is skipped before it counts). */
const MAX_TICKS_PER_CALL = 10_000;

/**
 * Runs the workload's ticks due by `now` (wall ms) from `nextTick`; returns the next one. A late
 * timer is caught up tick by tick (it is not a slower client), but a gap the engine would skip
 * (model.ts, catchUpAt: the machine slept, the container was paused, the clock jumped) is left
 * out with Workload.skip, as the in-process engine does: no burst of replayed ops after it.
 */
export function runDueTicks(workload: Workload, cluster: WorkloadCluster, nextTick: number, now: number, speed: number): number {
  const step = workload.tickWallMs;
  const resume = catchUpAt(nextTick, step, now, speed);
  if (resume > nextTick) workload.skip(nextTick, resume);
  let at = resume;
  for (let n = 0; at + step <= now && n < MAX_TICKS_PER_CALL; n++) {
    workload.tick(at, at + step, cluster);
    at += step;
  }
  return at;
}

function printProperties(out: (line: string) => void, opts: YcsbNodeOptions): void {
  const props: [string, string][] = [
    ['command', 'run'],
    ['dotransactions', 'true'],
    ['operationcount', '1000000000'],
    ['readproportion', '0.5'],
    ['recordcount', '100000'],
    ['requestdistribution', 'uniform'],
    ['threadcount', String(opts.threads)],
    ['tikv.pd', opts.pds.map((p) => `${p.host}:${p.port}`).join(',')],
    ['tikv.type', 'raw'],
    ['updateproportion', '0.5'],
    ['workload', 'core']
  ];
  out('***************** properties *****************');
  for (const [k, v] of props) out(`"${k}"="${v}"`);
  out('**********************************************');
}

function goSeconds(sec: number): string {
  if (sec < 60) return `${sec.toFixed(3)}s`;
  const m = Math.floor(sec / 60);
  return `${m}m${(sec - m * 60).toFixed(3)}s`;
}

function parseRoute(data: unknown): { regions: RouteEntry[]; stores: string[]; pdLeader: string | null } | null {
  if (!isRecord(data) || !Array.isArray(data.regions) || !Array.isArray(data.stores)) return null;
  const regions: RouteEntry[] = [];
  for (const r of data.regions) {
    if (!isRecord(r) || typeof r.leader !== 'string' || typeof r.serving !== 'boolean' || typeof r.since !== 'number') return null;
    regions.push({ leader: r.leader, serving: r.serving, since: r.since });
  }
  const stores = data.stores.filter((s): s is string => typeof s === 'string');
  const pdLeader = typeof data.pdLeader === 'string' ? data.pdLeader : null;
  return { regions, stores, pdLeader };
}
