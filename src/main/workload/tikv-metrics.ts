// Per-store request rates from each TiKV's /metrics, where its status port is published on
// the host (docker-compose.tikv.yml publishes 20180..20182 on 127.0.0.1). Polled every few
// seconds: the page is large.
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

/** Host URLs of each TiKV's status port, from the containers' published ports. Pure. */
export function statusUrls(containers: Docker.ContainerInfo[], project: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of containers) {
    const name = demoNodeName(c.Labels, project);
    if (!name?.startsWith('tikv')) continue;
    const p = (c.Ports ?? []).find((x) => x.PrivatePort === 20180 && x.PublicPort);
    if (p) out[name] = `http://${!p.IP || p.IP === '0.0.0.0' || p.IP === '::' ? '127.0.0.1' : p.IP}:${p.PublicPort}`;
  }
  return out;
}

export function createTikvMetricsPoller(opts: { docker: Docker; project: string; everyMs?: number; now?: () => number }): TikvMetricsPoller {
  const now = opts.now ?? Date.now;
  const last = new Map<string, { count: number; at: number }>();
  const rates: Record<string, number> = {};
  const lastFail = new Map<string, { count: number; at: number }>();
  const failRates: Record<string, number> = {};
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function round(): Promise<void> {
    let urls: Record<string, string>;
    try {
      urls = statusUrls(
        await opts.docker.listContainers({ filters: { label: [`${LABEL_PROJECT}=${opts.project}`] } }),
        opts.project
      );
    } catch {
      return;
    }
    await Promise.all(
      Object.entries(urls).map(async ([name, url]) => {
        try {
          const res = await request(`${url}/metrics`, { signal: AbortSignal.timeout(2000), headersTimeout: 2000, bodyTimeout: 2000 });
          const text = await res.body.text();
          const count = res.statusCode === 200 ? tikvRequestCount(text) : null;
          if (count === null) return;
          const prev = last.get(name);
          const t = now();
          const fails = tikvFailureCount(text);
          const prevFail = lastFail.get(name);
          if (fails !== null) {
            if (prevFail && fails >= prevFail.count && t > prevFail.at) failRates[name] = ((fails - prevFail.count) * 1000) / (t - prevFail.at);
            lastFail.set(name, { count: fails, at: t });
          }
          if (prev && count >= prev.count && t > prev.at) rates[name] = Math.round(((count - prev.count) * 1000) / (t - prev.at));
          last.set(name, { count, at: t });
        } catch {
          // A killed TiKV does not answer: it serves nothing (and cannot count its failures).
          rates[name] = 0;
          delete failRates[name];
        }
      })
    );
  }

  const loop = async (): Promise<void> => {
    if (stopped) return;
    await round();
    if (!stopped) timer = setTimeout(() => void loop(), opts.everyMs ?? 3000);
  };
  void loop();

  return {
    perStoreOps: () => ({ ...rates }),
    failuresPerSec: () => {
      const v = Object.values(failRates);
      return v.length ? v.reduce((a, b) => a + b, 0) : null;
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
    }
  };
}
