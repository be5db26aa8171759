// Per-store request rates from each TiKV's /metrics, where its status port is published on
// the host (docker-compose.tikv.yml publishes 20180..20182 on 127.0.0.1). Polled every few
// seconds: the page is large. Rates are taken over a monotonic clock: a wall clock stepped by
// sleep or NTP would make them huge, negative or near zero.
import type Docker from 'dockerode';
import { request } from 'undici';
import { demoNodeName, LABEL_PROJECT } from '../chaos/docker-targets';
import { tikvFailureCount, tikvRequestCount } from './prom-text';

export interface TikvMetricsPoller {
  perStoreOps(): Record<string, number>;
  /** TiKV-side failed requests per second, summed over the stores that answered; null when none says. */
  failuresPerSec(): number | null;
  close(): void;
}

/**
 * Each TiKV container of the project: the host URL of its status port, or null when it is not
 * running (it serves nothing). A running one whose port is not published is left out: no
 * figure can be had for it. Pure.
 */
export function statusTargets(containers: Docker.ContainerInfo[], project: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const c of containers) {
    const name = demoNodeName(c.Labels, project);
    if (!name?.startsWith('tikv')) continue;
    // Listed with all: true, so a killed (exited) TiKV is here too; one removed is not.
    if (c.State !== 'running') {
      if (!out.has(name)) out.set(name, null);
      continue;
    }
    const p = (c.Ports ?? []).find((x) => x.PrivatePort === 20180 && x.PublicPort);
    if (p) out.set(name, `http://${!p.IP || p.IP === '0.0.0.0' || p.IP === '::' ? '127.0.0.1' : p.IP}:${p.PublicPort}`);
  }
  return out;
}

/** What one round read from one store. */
export type StoreReading =
  /** Its counters so far, read at `at` (monotonic ms); failures null when its page lacks the series. */
  | { requests: number; failures: number | null; at: number }
  /** It did not answer, or its container is not running: it serves nothing. */
  | 'silent'
  /** It answered without the series: nothing new is known of it. */
  | 'unknown';

interface Baseline {
  count: number;
  at: number;
}

/** Per store: the last counters read and the rates derived from them. */
export interface StoreRates {
  requests: ReadonlyMap<string, Baseline>;
  failures: ReadonlyMap<string, Baseline>;
  ops: ReadonlyMap<string, number>;
  failRates: ReadonlyMap<string, number>;
}

export const noStoreRates = (): StoreRates => ({ requests: new Map(), failures: new Map(), ops: new Map(), failRates: new Map() });

/** Per second between two reads of a counter; null without a baseline, over a reset counter or a zero span. */
function rateOf(prev: Baseline | undefined, count: number, at: number): number | null {
  if (!prev || count < prev.count || at <= prev.at) return null;
  return ((count - prev.count) * 1000) / (at - prev.at);
}

/**
 * Folds one round into the rates. The round holds every TiKV container there is now: a store
 * left out was removed, and all that was kept of it goes (stores come and go, nothing grows). Pure.
 */
export function foldRound(prev: StoreRates, round: ReadonlyMap<string, StoreReading>): StoreRates {
  const requests = new Map<string, Baseline>();
  const failures = new Map<string, Baseline>();
  const ops = new Map<string, number>();
  const failRates = new Map<string, number>();
  const carry = <T>(from: ReadonlyMap<string, T>, to: Map<string, T>, name: string): void => {
    const v = from.get(name);
    if (v !== undefined) to.set(name, v);
  };
  for (const [name, r] of round) {
    // Baselines are kept through an 'unknown' round; a 'silent' one drops them below.
    carry(prev.requests, requests, name);
    carry(prev.failures, failures, name);
    carry(prev.ops, ops, name);
    carry(prev.failRates, failRates, name);
    if (r === 'unknown') continue;
    if (r === 'silent') {
      // A TiKV that does not answer serves nothing (and cannot count its failures). Its
      // baselines go too: a restarted TiKV whose counter has already passed the old one by its
      // first read would otherwise spread that first rate over the whole outage. The first
      // reading after an outage only sets a baseline.
      ops.set(name, 0);
      failRates.delete(name);
      requests.delete(name);
      failures.delete(name);
      continue;
    }
    const rate = rateOf(prev.requests.get(name), r.requests, r.at);
    if (rate !== null) ops.set(name, Math.round(rate));
    requests.set(name, { count: r.requests, at: r.at });
    if (r.failures === null) continue;
    const failRate = rateOf(prev.failures.get(name), r.failures, r.at);
    if (failRate !== null) failRates.set(name, failRate);
    failures.set(name, { count: r.failures, at: r.at });
  }
  return { requests, failures, ops, failRates };
}

export interface TikvMetricsOptions {
  docker: Pick<Docker, 'listContainers'>;
  project: string;
  everyMs?: number;
  /** The clock rates are taken over (performance.now by default): it never steps with the wall clock. */
  monotonicNow?: () => number;
}

export function createTikvMetricsPoller(opts: TikvMetricsOptions): TikvMetricsPoller {
  const mono = opts.monotonicNow ?? ((): number => performance.now());
  let state = noStoreRates();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function read(url: string): Promise<StoreReading> {
    try {
      const res = await request(`${url}/metrics`, { signal: AbortSignal.timeout(2000), headersTimeout: 2000, bodyTimeout: 2000 });
      const text = await res.body.text();
      const requests = res.statusCode === 200 ? tikvRequestCount(text) : null;
      return requests === null ? 'unknown' : { requests, failures: tikvFailureCount(text), at: mono() };
    } catch {
      return 'silent';
    }
  }

  async function round(): Promise<void> {
    let targets: Map<string, string | null>;
    try {
      targets = statusTargets(
        await opts.docker.listContainers({ all: true, filters: { label: [`${LABEL_PROJECT}=${opts.project}`] } }),
        opts.project
      );
    } catch {
      // The engine did not answer: nothing is known to have changed.
      return;
    }
    const readings = await Promise.all(
      [...targets].map(async ([name, url]): Promise<[string, StoreReading]> => [name, url === null ? 'silent' : await read(url)])
    );
    state = foldRound(state, new Map(readings));
  }

  const loop = async (): Promise<void> => {
    if (stopped) return;
    await round();
    if (!stopped) timer = setTimeout(() => void loop(), opts.everyMs ?? 3000);
  };
  void loop();

  return {
    perStoreOps: () => Object.fromEntries(state.ops),
    failuresPerSec: () => {
      const v = [...state.failRates.values()];
      return v.length ? v.reduce((a, b) => a + b, 0) : null;
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
    }
  };
}
