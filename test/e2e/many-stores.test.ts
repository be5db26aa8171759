// A cluster larger than the demo's three stores: the audience map must stay on the stage (it used
// to run off the bottom and over the footer from five stores up), every store keeps its
// cluster-node element for scripts, and a store that is not Up is never the one left out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wsRequest } from '../../scripts/bench/app';
import { chapterIndexOf, openWebPage, ROOT, type WebPage } from './harness';

const FIXTURES = join(ROOT, 'test', 'unit', 'cluster', 'fixtures');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

let storeCount = 6;
/** A host name far longer than a line, for the store at index 1. */
const LONG = `tikv-${'x'.repeat(400)}`;
/** Which store (by index) PD calls Disconnected, or -1. */
let disconnected = -1;
/** Leaders of each Up store, by index (12 unless set). */
let leaders: Record<number, number> = {};

/** PD's /stores for `storeCount` stores named tikv0…, heartbeats fresh, ids as PD gives them. */
function storesBody(): string {
  const nowNs = `${Date.now()}000000`;
  const stores = Array.from({ length: storeCount }, (_, i) => {
    const down = i === disconnected;
    return `{"store":{"id":${i + 1},"address":"${i === 1 ? LONG : `tikv${i}`}:20160","state_name":"${down ? 'Disconnected' : 'Up'}","last_heartbeat":${down ? `${Date.now() - 30_000}000000` : nowNs}},"status":{"leader_count":${down ? 0 : (leaders[i] ?? 12)},"region_count":36}}`;
  });
  return `{"count":${storeCount},"stores":[${stores.join(',')}]}`;
}

let pd: Server;
let web: WebPage;

beforeAll(async () => {
  pd = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const body: Record<string, () => string> = {
      '/pd/api/v1/stores': storesBody,
      '/pd/api/v1/members': () => fixture('members.json'),
      '/pd/api/v1/health': () => fixture('health.json'),
      '/pd/api/v1/regions/count': () => fixture('regions-count.json'),
      '/pd/api/v1/config/replicate': () => fixture('config-replicate.json')
    };
    const make = path ? body[path] : undefined;
    res.writeHead(make ? 200 : 404, { 'content-type': 'application/json' });
    res.end(make ? make() : '"not found"');
  });
  await new Promise<void>((ok) => pd.listen(0, '127.0.0.1', ok));
  const pdUrl = `http://127.0.0.1:${(pd.address() as AddressInfo).port}`;
  // Live mode on this PD, with no Docker engine: the map shows what PD says.
  web = await openWebPage(['--mode', 'live', '--pd', pdUrl, '--docker-host', 'unix:///nonexistent/docker.sock']);
}, 60_000);

afterAll(async () => {
  await web?.close();
  await new Promise((ok) => pd?.close(ok));
});

/** What the page shows of the map: stores as elements, as visible nodes, what runs off the stage. */
const look = (): Promise<{ nodes: number; visible: string[]; cutNames: string[]; hiddenWords: string[]; more: string; offStage: string[]; mapBottom: number; footTop: number }> =>
  web.page.evaluate(() => {
    const all = [...document.querySelectorAll<HTMLElement>('[data-testid="cluster-node"][data-kind="tikv"]')];
    const seen = all.filter((e) => !e.closest('.sr-only'));
    // A short name drawn cut (or squeezed to nothing beside a long state word) cannot be read.
    // A store that is out must show why: its word was once wrapped away in a narrow chip.
    const hiddenWords = seen
      .filter((e) => e.dataset.state !== 'up')
      .filter((e) => {
        const word = e.querySelector<HTMLElement>('.chip-word, .node-word');
        const box = e.getBoundingClientRect();
        const r = word?.getBoundingClientRect();
        return !r || !word || r.width === 0 || r.top >= box.bottom || r.right > box.right + 0.5 || word.scrollWidth > word.clientWidth + 1;
      })
      .map((e) => e.dataset.name ?? '?');
    const cutNames = seen
      .filter((e) => (e.dataset.name ?? '').length <= 12)
      .filter((e) => {
        const name = e.querySelector<HTMLElement>('.node-name, .chip-name');
        return !name || name.clientWidth === 0 || name.scrollWidth > name.clientWidth;
      })
      .map((e) => e.dataset.name ?? '?');
    const offStage: string[] = [];
    for (const e of document.querySelectorAll<HTMLElement>('.stage *')) {
      if (e.closest('.sr-only')) continue;
      const r = e.getBoundingClientRect();
      if (r.width > 0 && (r.bottom > innerHeight + 1 || r.right > innerWidth + 1)) offStage.push(e.className);
    }
    const map = document.querySelector('.map, .map-strip')!.getBoundingClientRect();
    const foot = document.querySelector('.slide-foot')!.getBoundingClientRect();
    return {
      nodes: all.length,
      visible: seen.map((e) => `${e.dataset.name}:${e.dataset.state}`),
      cutNames,
      hiddenWords,
      more: document.querySelector('[data-testid="map-more"]')?.textContent ?? '',
      offStage,
      mapBottom: map.bottom,
      footTop: foot.top
    };
  });

// Straight to a chapter: walking through the fault beat would start its countdown.
async function goTo(chapter: number): Promise<void> {
  expect(await wsRequest(web.app.url, 'goTo', [chapter - 1])).toMatchObject({ ok: true });
  await expect.poll(() => chapterIndexOf(web.page), { timeout: 10_000 }).toBe(`${chapter} / 8`);
}

describe('the audience map of a cluster larger than the demo', () => {
  it('draws six stores beside the workload panel as tiles, all on the stage, a 400-character name too', async () => {
    disconnected = 4;
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 15_000 }).toBe('1 / 8');
    // Chapter 3: the map beside a panel, room for four cards; 6: the Diagnosis strip.
    for (const chapter of [3, 5, 6]) {
      await goTo(chapter);
      await expect.poll(async () => (await look()).nodes, { timeout: 15_000 }).toBe(6);
      await expect.poll(async () => (await look()).visible, { timeout: 15_000 }).toContain('tikv4:disconnected');
      const l = await look();
      expect(l.visible).toHaveLength(6);
      expect(l.visible).toContain(`${LONG}:up`);
      expect(l.cutNames, `chapter ${chapter}`).toEqual([]);
      expect(l.hiddenWords, `chapter ${chapter}`).toEqual([]);
      expect(l.offStage, `chapter ${chapter}`).toEqual([]);
      expect(l.mapBottom).toBeLessThanOrEqual(l.footTop);
    }
    await goTo(3);
    // Tiles keep what a card tells of a store: its state, leaders, and its heartbeat's age.
    expect(await web.page.locator('.map-tiles .node-tile').count()).toBe(6);
    const tile = web.page.locator('.node-tile[data-name="tikv4"]');
    await expect.poll(() => tile.innerText(), { timeout: 10_000 }).toMatch(/tikv4\s+0\s+(leaders\s+)?Disconnected\s+leaders\s+heartbeat 3\d s ago/);
  });

  it("keeps a tile's leader count and its move badge whole beside either panel, four digits too", async () => {
    // Chapter 3: the workload panel beside the map; 5: the timeline, wider, so tiles are narrower.
    for (const chapter of [3, 5]) {
      await goTo(chapter);
      leaders = {};
      const count = web.page.locator('.node-tile[data-name="tikv2"] .tile-leaders b');
      await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('12');
      // A badge adds up the moves of a burst: let the one back to 12 end first.
      await expect.poll(() => web.page.locator('.node-tile[data-name="tikv2"] .delta-badge').count(), { timeout: 15_000 }).toBe(0);
      // Leaders move: +126 and +1,222, each with its badge.
      leaders = { 0: 138, 2: 1234, 3: 57, 5: 57 };
      await expect.poll(() => web.page.locator('.node-tile[data-name="tikv2"] .delta-badge').textContent(), { timeout: 15_000 }).toBe('+1,222');
      // Each count and badge whole: inside its tile's padding, clear of the name, not cut inside.
      const cut = await web.page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.node-tile')].flatMap((tile) => {
          const t = tile.getBoundingClientRect();
          const right = t.right - parseFloat(getComputedStyle(tile).paddingRight);
          const name = tile.querySelector<HTMLElement>('.node-name')!.getBoundingClientRect();
          return [...tile.querySelectorAll<HTMLElement>('.tile-leaders b, .tile-leaders .delta-badge')]
            .filter((e) => {
              const r = e.getBoundingClientRect();
              return r.width === 0 || r.right > right + 0.5 || r.left < name.right - 0.5 || e.scrollWidth > e.clientWidth + 1;
            })
            .map((e) => `${tile.dataset.name}: ${e.textContent}`);
        })
      );
      if (process.env.SHOT_DIR) await web.page.screenshot({ path: join(process.env.SHOT_DIR, `tiles-four-digits-ch${chapter}.png`) });
      expect(cut, `chapter ${chapter}`).toEqual([]);
      const l = await look();
      expect(l.cutNames, `chapter ${chapter}`).toEqual([]);
      expect(l.hiddenWords, `chapter ${chapter}`).toEqual([]);
      const tiles = web.page.locator('.node-tile');
      expect(await tiles.filter({ hasText: '1,234' }).count()).toBe(1);
      expect(await tiles.filter({ hasText: '+126' }).count()).toBe(1);
    }
    leaders = {};
  });

  it('sums up the stores it has no room for, keeps the Disconnected one in sight, and still names every store', async () => {
    storeCount = 60;
    disconnected = 57;
    for (const chapter of [2, 3, 4, 5, 6, 7]) {
      await goTo(chapter);
      await expect.poll(async () => (await look()).nodes, { timeout: 15_000 }).toBe(60);
      await expect.poll(async () => (await look()).visible, { timeout: 15_000 }).toContain('tikv57:disconnected');
      const l = await look();
      if (process.env.SHOT_DIR) await web.page.screenshot({ path: join(process.env.SHOT_DIR, `chips-60-ch${chapter}.png`) });
      expect(l.offStage, `chapter ${chapter}`).toEqual([]);
      expect(l.mapBottom, `chapter ${chapter}`).toBeLessThanOrEqual(l.footTop);
      // Beside the panel a chip's cell is narrow: "Disconnected" once squeezed its name to nothing.
      expect(l.cutNames, `chapter ${chapter}`).toEqual([]);
      expect(l.hiddenWords, `chapter ${chapter}`).toEqual([]);
      expect(l.visible.length, `chapter ${chapter}`).toBeLessThan(60);
      expect(l.more).toBe(`+ ${60 - l.visible.length} more, Up`);
    }
  });

  it("lists up to 60 stores in the presenter's table, the Disconnected one among them, and sums up the rest", async () => {
    storeCount = 100;
    disconnected = 97;
    const presenter = await web.page.context().browser()!.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await presenter.goto(`${web.app.url}/presenter`);
      await presenter.getByTestId('tab-live').click();
      const more = presenter.getByTestId('table-more');
      await expect.poll(() => more.textContent(), { timeout: 15_000 }).toBe('+ 41 more, Up');
      const seen = await presenter.evaluate(() => {
        const rows = [...document.querySelectorAll<HTMLElement>('tr.ct-row[data-kind="tikv"]')];
        const names = new Set([...document.querySelectorAll<HTMLElement>('.ct [data-testid="cluster-node"][data-kind="tikv"], .ct + .sr-only [data-testid="cluster-node"]')].map((e) => e.dataset.name));
        return { rows: rows.map((r) => `${r.dataset.name}:${r.dataset.state}`), names: names.size };
      });
      expect(seen.rows).toHaveLength(59);
      expect(seen.rows).toContain('tikv97:disconnected');
      // Each store still has its element in the page, for scripts.
      expect(seen.names).toBe(100);
    } finally {
      await presenter.close();
    }
  });
});
