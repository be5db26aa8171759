// `--big-cluster N`: what a cluster far larger than the demo costs the pages while nobody presses
// a key. The app runs in live mode (no Docker) on a PD served here that answers N stores, with
// heartbeats spread over PD's 10 s as a real cluster's are and one store Disconnected: first
// with every store's leader count steady, then with them all shuffling every second (a worst
// case for leader-move tracking). Measured like the idle figures: CDP main-thread task time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { getState, startApp, wsRequest } from './app';
import { waitFor, type ViewPage } from './browser';
import { openViews, type Views } from './phases';

export interface BigClusterResults {
  stores: number;
  /** UTF-8 bytes of one /stores answer. */
  storesBytes: number;
  /** Main-thread busy share (%), idle, per page and situation. */
  busyPct: {
    audienceBesideSteady: number;
    audienceBesideShuffling: number;
    audienceStripSteady: number;
    presenterSteady: number;
    presenterShuffling: number;
  };
}

const MEMBERS = JSON.stringify({
  header: { cluster_id: 7452180154224558000 },
  members: ['pd0', 'pd1', 'pd2'].map((name, i) => ({ name, member_id: 1000 + i, client_urls: [`http://${name}:2379`] })),
  leader: { name: 'pd0', member_id: 1000, client_urls: ['http://pd0:2379'] }
});
const HEALTH = JSON.stringify(['pd0', 'pd1', 'pd2'].map((name, i) => ({ name, member_id: 1000 + i, client_urls: [`http://${name}:2379`], health: true })));

/** A PD that answers `n` stores; `shuffle` moves every store's leader count each second. */
export function bigPd(n: number): { start(): Promise<string>; close(): Promise<void>; shuffle: boolean; storesBody(): string } {
  let server: Server | null = null;
  const pd = {
    shuffle: false,
    storesBody(): string {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      const stores: string[] = [];
      // One store Disconnected, whatever the count (a smoke run's few stores too).
      const downAt = Math.min(7, n - 1);
      for (let i = 0; i < n; i++) {
        const down = i === downAt;
        // Each store's heartbeat lands at its own phase of PD's 10 s period.
        const hb = down ? now - 30_000 : now - ((now + i * 997) % 10_000);
        const leaders = down ? 0 : 12 + (pd.shuffle ? (i + second) % 3 : 0);
        stores.push(
          `{"store":{"id":${i + 1},"address":"tikv${i}:20160","state_name":"${down ? 'Disconnected' : 'Up'}","last_heartbeat":${hb}000000},"status":{"leader_count":${leaders},"region_count":36}}`
        );
      }
      return `{"count":${n},"stores":[${stores.join(',')}]}`;
    },
    async start(): Promise<string> {
      const routes: Record<string, () => string> = {
        '/pd/api/v1/stores': () => pd.storesBody(),
        '/pd/api/v1/members': () => MEMBERS,
        '/pd/api/v1/health': () => HEALTH,
        '/pd/api/v1/regions/count': () => `{"count":${n * 12},"regions":null}`,
        '/pd/api/v1/config/replicate': () => '{"max-replicas":3}'
      };
      server = createServer((req, res) => {
        const make = routes[(req.url ?? '').split('?')[0] ?? ''];
        res.writeHead(make ? 200 : 404, { 'content-type': 'application/json' });
        res.end(make ? make() : '"404 page not found"');
      });
      await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()))
  };
  return pd;
}

const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

async function busyPct(page: ViewPage, seconds: number): Promise<number> {
  const a = await page.taskTime();
  await sleep(seconds * 1000);
  const b = await page.taskTime();
  return ((b.task - a.task) / Math.max(1e-3, b.at - a.at)) * 100;
}

/** Which room the audience page draws the map in now: beside a panel, the Diagnosis strip, alone. */
const ROOM_NOW = `document.querySelector('.map-strip') ? 'strip' : document.querySelector('.stage-main-solo .map') ? 'solo' : document.querySelector('.map') ? 'beside' : 'none'`;

export async function measureBigCluster(root: string, browser: Browser, n: number, seconds: number, log: (line: string) => void): Promise<BigClusterResults> {
  const pd = bigPd(n);
  const pdUrl = await pd.start();
  const app = await startApp(root, ['--mode', 'live', '--pd', pdUrl, '--docker-host', 'unix:///nonexistent/tikv-stage-bench.sock']);
  let views: Views | null = null;
  try {
    views = (await openViews(browser, app, log)).v;
    const { audience, presenter } = views;
    const count = (): Promise<number> => audience.read<number>(`document.querySelectorAll('[data-testid="cluster-node"][data-kind="tikv"]').length`);
    const go = async (chapter: number): Promise<string> => {
      const r = await wsRequest(app.url, 'goTo', [chapter]);
      if (!r.ok) throw new Error(`goTo ${chapter}: ${r.error}`);
      await sleep(2_000); // the move settles, a few snapshots arrive
      const room = await audience.read<string>(ROOM_NOW);
      if (room !== 'none') await waitFor(`${n} stores on the audience page`, count, (x) => x === n, 30_000, 250);
      return room;
    };
    // The deck's first chapters with the map beside a panel and with the Diagnosis strip (a
    // fault chapter is not entered: its countdown would start).
    const at = { beside: -1, strip: -1 };
    const chapters = (await getState(app.url)).show.chapters;
    for (let i = 0; i < chapters.length && (at.beside < 0 || at.strip < 0); i++) {
      if (chapters[i]!.action?.type === 'fault') continue;
      const room = await go(i);
      if (room === 'beside' && at.beside < 0) at.beside = i;
      if (room === 'strip' && at.strip < 0) at.strip = i;
    }
    if (at.beside < 0 || at.strip < 0) throw new Error('the deck has no chapter with the map beside a panel, or none with the Diagnosis strip');
    log(`big cluster: ${n} stores, ${seconds} s idle per figure ...`);
    await go(at.beside);
    const besideSteady = await busyPct(audience, seconds);
    const presenterSteady = await busyPct(presenter, seconds);
    await go(at.strip);
    const stripSteady = await busyPct(audience, seconds);
    pd.shuffle = true;
    await go(at.beside);
    const besideShuffling = await busyPct(audience, seconds);
    const presenterShuffling = await busyPct(presenter, seconds);
    return {
      stores: n,
      storesBytes: Buffer.byteLength(pd.storesBody()),
      busyPct: {
        audienceBesideSteady: besideSteady,
        audienceBesideShuffling: besideShuffling,
        audienceStripSteady: stripSteady,
        presenterSteady,
        presenterShuffling
      }
    };
  } finally {
    for (const p of views ? [views.audience, views.presenter] : []) await p.close().catch(() => undefined);
    await app.stop();
    await pd.close();
  }
}
