// The workload as its own process (the simulator in containers, compose service "ycsb"): the
// simulator's closed-loop synthetic workload (workload.ts) run against the cluster as a client
// sees it over the network, printing go-ycsb's status lines on stdout every second.
// - The routing table (who leads each region, whether it can serve) comes from the PD
//   processes (GET /sim/v1/route, any member; clients keep their last table while PD is away).
// - Each store's client port is probed over a kept-open connection: a killed store resets it
//   at once, a frozen or cut-off one stops answering. An op on a region whose leader cannot be
//   reached stalls until the region is served again, or fails after the 20 s backoff (scaled).
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Rng } from './rng';
import { every, getJson, isRecord, logger, readLines, scaled, sendLine } from './node-util';
import { DEFAULT_WORKLOAD, Workload, formatYcsbLines, type WorkloadCluster } from './workload';

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

interface Probe {
  name: string;
  socket: Socket | null;
  connecting: boolean;
  up: boolean;
  upSince: number;
  lastPong: number;
  retry: NodeJS.Timeout | null;
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
  const probes = new Map<string, Probe>();

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
      for (const s of storeNames) if (!probes.has(s)) startProbe(s);
      // Ask the PD leader next time, when it is one of the addresses we know.
      const i = parsed.pdLeader === null ? -1 : opts.pds.findIndex((p) => p.host === parsed.pdLeader);
      if (i >= 0) pdIndex = i;
    }
    if (!closed) setTimeout(() => void pollRoute(), routePollMs);
  };

  // --- store probes ------------------------------------------------------------------------
  const setDown = (p: Probe): void => {
    if (p.up) log(`${p.name} unreachable`);
    p.up = false;
  };

  const startProbe = (name: string): void => {
    const p: Probe = { name, socket: null, connecting: false, up: false, upSince: 0, lastPong: 0, retry: null };
    probes.set(name, p);
    connectProbe(p);
  };

  const connectProbe = (p: Probe): void => {
    if (closed || p.socket || p.connecting) return;
    p.connecting = true;
    const addr = opts.tikvAddrs?.get(p.name) ?? { host: p.name, port: opts.tikvPort };
    const socket = netConnect({ host: addr.host, port: addr.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(), Math.max(probeTimeoutMs, 500));
    socket.on('connect', () => {
      clearTimeout(timer);
      p.connecting = false;
      p.socket = socket;
      p.lastPong = Date.now();
      sendLine(socket, { t: 'ping' });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      p.connecting = false;
      if (p.socket === socket || p.socket === null) {
        p.socket = null;
        setDown(p);
      }
      if (!closed && !p.retry) {
        p.retry = setTimeout(() => {
          p.retry = null;
          connectProbe(p);
        }, retryMs);
      }
    });
    readLines(socket, null, (msg) => {
      if (msg.t !== 'pong' || p.socket !== socket) return;
      const now = Date.now();
      p.lastPong = now;
      if (!p.up) {
        p.up = true;
        p.upSince = now;
        log(`${p.name} reachable`);
      }
    });
  };

  const stopProbes = every(probeMs, (now, lateBy) => {
    for (const p of probes.values()) {
      if (!p.socket) continue;
      if (lateBy > probeTimeoutMs / 2) p.lastPong = now;
      if (now - p.lastPong > probeTimeoutMs) {
        // No answer: a frozen or cut-off store. Start over with a new connection.
        setDown(p);
        const s = p.socket;
        p.socket = null;
        s.destroy();
        continue;
      }
      sendLine(p.socket, { t: 'ping' });
    }
  });

  // --- the closed loop ---------------------------------------------------------------------
  const reachable = (name: string): boolean => probes.get(name)?.up ?? false;
  const cluster: WorkloadCluster = {
    get regionCount() {
      return routes?.length ?? 0;
    },
    regionServing: (i) => {
      const r = routes?.[i];
      return !!r && r.serving && reachable(r.leader);
    },
    regionServingSince: (i) => {
      const r = routes?.[i];
      if (!r) return Date.now();
      return Math.max(r.since, probes.get(r.leader)?.upSince ?? 0);
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
      if (![...probes.values()].some((p) => p.up)) return;
      started = now;
      nextTick = now;
      workload.start(now);
      log(`running: ${opts.threads} threads, 50/50 read/update (sim speed ${speed})`);
    }
    // Catch up tick by tick (a late timer is not a slower client).
    let n = 0;
    while (nextTick + tickWall <= now && n < 10_000) {
      workload.tick(nextTick, nextTick + tickWall, cluster);
      nextTick += tickWall;
      n++;
    }
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
      stopProbes();
      for (const p of probes.values()) {
        if (p.retry) clearTimeout(p.retry);
        p.socket?.destroy();
      }
      if (started !== null) {
        out(`Run finished, takes ${goSeconds(((performance.now() - t0) * speed) / 1000)}`);
        print(Date.now());
      }
    }
  };
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
