// How the two views look from the back of a hall: the built app in browser mode on the
// simulated cluster, walked past the fault, photographed at 1920×1080, 3840×2160 and 1280×720
// into test-artifacts/looks/. Beside the pictures (which a person looks at), it checks what a
// script can: the key testids are visible, titles are at least 48 px at 1080p scaled to the
// window, nothing runs off the page, and the Diagnosis fits its panel without fading out.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactDir,
  chapterIndexOf,
  launchChromium,
  startWeb,
  tikvNodesOf,
  watchForeignRequests,
  type RunningApp
} from './harness';

const SIZES = [
  { name: '1080p', width: 1920, height: 1080 },
  { name: '4k', width: 3840, height: 2160 },
  { name: '720p', width: 1280, height: 720 }
] as const;
type Size = (typeof SIZES)[number];

let app: RunningApp;
let browser: Browser;
let audience: Page;
let presenter: Page;
/** Requests that left the app's origin, per page (audience, presenter). */
const foreignLists: string[][] = [];
const dir = artifactDir('looks');

async function resize(page: Page, s: Size): Promise<void> {
  await page.setViewportSize({ width: s.width, height: s.height });
  // Shrink-to-fit and the chart re-measure on resize; fonts are bundled, so this settles fast.
  await page.waitForTimeout(450);
}

async function titlePx(page: Page): Promise<number> {
  return page.getByTestId('slide-title').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
}

async function fitsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

/** Boxes whose content runs past their edge (cut off, or spilling onto their neighbours). */
async function overflowing(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sels) => {
    const out: string[] = [];
    for (const sel of sels)
      document.querySelectorAll<HTMLElement>(sel).forEach((el) => {
        if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
          out.push(`${sel} (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
      });
    return out;
  }, selectors);
}

const BOXES = {
  audience: ['.stage', '.map', '.panel', '.narration', '.map-strip', '.slide-foot'],
  presenter: ['.p-top', '.p-left', '.p-now', '.p-next', '.p-buttons', '.p-tabs']
};

/** Starts or stops recording a rehearsal from the presenter's Deck & rehearsal tab. */
async function rehearsal(on: boolean): Promise<void> {
  await presenter.getByTestId('tab-setup').click();
  const btn = presenter.getByTestId('btn-rehearsal');
  await btn.click();
  await expect.poll(async () => (await btn.textContent()) ?? '', { timeout: 5_000 }).toMatch(on ? /Stop/ : /Record/);
  await presenter.getByTestId('tab-live').click();
}

async function expectVisible(page: Page, ids: string[]): Promise<void> {
  for (const id of ids) expect(await page.getByTestId(id).first().isVisible(), `${id} visible`).toBe(true);
}

/** Photographs one view at every size, checking the common rules at each. */
async function photograph(page: Page, view: 'audience' | 'presenter', label: string, ids: string[]): Promise<void> {
  for (const s of SIZES) {
    await resize(page, s);
    await expectVisible(page, ids);
    expect(await titlePx(page), `${view} title at ${s.name}`).toBeGreaterThanOrEqual(48 * (s.height / 1080) - 0.5);
    expect(await fitsHorizontally(page), `${view} fits the width at ${s.name}`).toBe(true);
    expect(await overflowing(page, BOXES[view]), `${view} ${label} at ${s.name}`).toEqual([]);
    await page.screenshot({ path: join(dir, `${view}-${label}-${s.name}.png`) });
  }
  await resize(page, SIZES[0]);
}

beforeAll(async () => {
  app = await startWeb(['--mode', 'sim', '--sim-speed', '20']);
  browser = await launchChromium();
  audience = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  presenter = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const fa = watchForeignRequests(audience, app.url);
  const fp = watchForeignRequests(presenter, app.url);
  await audience.goto(`${app.url}/`);
  await presenter.goto(`${app.url}/presenter`);
  foreignLists.push(fa, fp);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('looks: both views at 1080p, 4K and 720p', () => {
  it('walks to the fault and past it', async () => {
    await expect.poll(() => chapterIndexOf(audience), { timeout: 10_000 }).toBe('1 / 8');
    await presenter.getByTestId('presenter-notes').waitFor({ timeout: 10_000 });
    await photograph(presenter, 'presenter', '01-welcome', ['slide-title', 'chapter-index', 'presenter-notes', 'mode-badge', 'next-chapter', 'talk-timer']);
    // Rehearse this run (its timings come back as cues), with the talk timer running.
    await rehearsal(true);
    await presenter.getByTestId('btn-timer').click();
    await audience.keyboard.press('PageDown');
    await audience.keyboard.press('PageDown');
    await expect.poll(() => chapterIndexOf(audience), { timeout: 10_000 }).toBe('3 / 8');
    const ops = async (): Promise<number> => Number(await audience.getByTestId('workload').first().getAttribute('data-ops'));
    await expect.poll(ops, { timeout: 15_000 }).toBeGreaterThan(0);
    // A baseline before the kill. Meanwhile nothing on stage moves while its figures change: the
    // latency's width ("9.8 ms", "10 ms") once pushed "errors" sideways every second or two.
    const still: string[][] = [];
    for (let t = 0; t < 4000; t += 200) {
      still.push(
        await audience.evaluate(() =>
          ['.wl-err', '.wl-chart', '.node-tikv .node-hb'].map((sel) => {
            const r = document.querySelector(sel)?.getBoundingClientRect();
            return r ? `${sel} ${r.x.toFixed(1)},${r.y.toFixed(1)}` : `${sel} missing`;
          })
        )
      );
      await audience.waitForTimeout(200);
    }
    expect([...new Set(still.map((p) => p.join(' | ')))]).toEqual([still[0]!.join(' | ')]);
    await audience.keyboard.press('PageDown');
    await expect.poll(() => chapterIndexOf(audience), { timeout: 10_000 }).toBe('4 / 8');
    await expect
      .poll(async () => (await tikvNodesOf(audience)).filter((n) => n.container === 'exited').length, { timeout: 15_000 })
      .toBe(1);
    // Leaders leave the dead store, and the chart shows the dip with the fault marked.
    await expect
      .poll(async () => (await tikvNodesOf(audience)).some((n) => n.container === 'exited' && n.leaders === 0), { timeout: 20_000 })
      .toBe(true);
    await expect.poll(async () => Number(await audience.getByTestId('workload-chart').getAttribute('data-marks')), { timeout: 5_000 }).toBeGreaterThan(0);
    await audience.waitForTimeout(1500);
  });

  it('audience: the fault chapter (map, per-store ops/s, workload with the fault marked)', async () => {
    await photograph(audience, 'audience', '04-fault', ['slide-title', 'chapter-index', 'mode-badge', 'cluster-node', 'workload']);
    expect(await audience.locator('.node-ops[data-ops]').count()).toBeGreaterThanOrEqual(2);
  });

  it('presenter: during the fault', async () => {
    await photograph(presenter, 'presenter', '04-fault', ['slide-title', 'chapter-index', 'presenter-notes', 'mode-badge', 'cluster-node', 'next-chapter', 'talk-timer', 'action-log']);
  });

  it('audience: Detection (timeline panel)', async () => {
    await audience.keyboard.press('PageDown');
    await expect.poll(() => chapterIndexOf(audience), { timeout: 10_000 }).toBe('5 / 8');
    await audience.waitForTimeout(1500);
    await photograph(audience, 'audience', '05-detection', ['slide-title', 'chapter-index', 'mode-badge', 'cluster-node']);
  });

  it('audience: a long host name ends in … inside its card, the leader badge kept', async () => {
    const { cards, spill } = await audience.evaluate(() => {
      const out: string[] = [];
      let n = 0;
      for (const card of document.querySelectorAll<HTMLElement>('[data-testid="cluster-node"]')) {
        const name = card.querySelector<HTMLElement>('.node-name');
        if (!name) continue;
        n++;
        const was = name.textContent;
        name.textContent = 'tikv-0.tikv-peer.tidb-cluster.svc.cluster.local';
        const c = card.getBoundingClientRect();
        for (const el of [name, card.querySelector<HTMLElement>('.pd-leader')])
          if (el && el.getBoundingClientRect().right > c.right + 0.5) out.push(`${el.className} of ${card.dataset.name}`);
        name.textContent = was; // React does not redraw an unchanged name: put it back
      }
      return { cards: n, spill: out };
    });
    expect(cards).toBeGreaterThanOrEqual(6);
    expect(spill).toEqual([]);
  });

  it('audience: Diagnosis fits its panel at every size', async () => {
    await rehearsal(false);
    await audience.keyboard.press('PageDown');
    await expect.poll(() => chapterIndexOf(audience), { timeout: 10_000 }).toBe('6 / 8');
    await audience.getByTestId('diagnosis').waitFor({ timeout: 10_000 });
    await audience.waitForTimeout(1000);
    for (const s of SIZES) {
      await resize(audience, s);
      const d = audience.getByTestId('diagnosis');
      expect(await d.evaluate((el) => el.classList.contains('is-clipped')), `diagnosis clipped at ${s.name}`).toBe(false);
      expect(await d.evaluate((el) => el.scrollHeight <= el.clientHeight + 1), `diagnosis overflows at ${s.name}`).toBe(true);
      // Body text never below 28 px at 1080p, scaled.
      const px = await d.locator('li').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(px).toBeGreaterThanOrEqual(28 * (s.height / 1080) - 0.5);
    }
    await resize(audience, SIZES[0]);
    await photograph(audience, 'audience', '06-diagnosis', ['slide-title', 'chapter-index', 'mode-badge', 'cluster-node', 'diagnosis']);
    await photograph(presenter, 'presenter', '06-diagnosis', ['slide-title', 'chapter-index', 'presenter-notes', 'cluster-node', 'next-chapter']);
  });

  it('presenter: every tab, and the audience flags', async () => {
    for (const tab of ['chapters', 'chaos', 'preflight', 'setup', 'keys'] as const) {
      await presenter.getByTestId(`tab-${tab}`).click();
      await presenter.waitForTimeout(tab === 'preflight' ? 800 : 300);
      if (tab === 'keys') {
        for (const k of ['PageDown', 'PageUp', 'b', 'F5', 'Escape']) await presenter.keyboard.press(k);
        await presenter.keyboard.down('PageDown');
        await presenter.keyboard.down('PageDown');
        await presenter.keyboard.up('PageDown');
        await presenter.waitForTimeout(200);
      }
      await presenter.screenshot({ path: join(dir, `presenter-tab-${tab}-1080p.png`) });
      if (tab === 'keys' || tab === 'chaos') {
        await resize(presenter, SIZES[2]);
        await presenter.screenshot({ path: join(dir, `presenter-tab-${tab}-720p.png`) });
        await resize(presenter, SIZES[0]);
      }
    }
    // The keys pressed on the key-learning screen did not move the show.
    expect(await chapterIndexOf(audience)).toBe('6 / 8');
    await presenter.getByTestId('tab-live').click();
    await presenter.keyboard.press('b');
    await presenter.keyboard.press('f');
    await presenter.getByTestId('flag-blackout').waitFor({ timeout: 5_000 });
    await presenter.getByTestId('flag-frozen').waitFor({ timeout: 5_000 });
    await presenter.keyboard.press('g');
    await presenter.keyboard.press('2');
    await presenter.getByTestId('goto-flag').waitFor({ timeout: 5_000 });
    await presenter.screenshot({ path: join(dir, 'presenter-flags-1080p.png') });
    await audience.screenshot({ path: join(dir, 'audience-blackout-1080p.png') });
    await presenter.keyboard.press('Escape'); // cancels the jump
    await presenter.keyboard.press('f');
    await presenter.keyboard.press('b');
    await expect.poll(() => audience.getByTestId('blackout').count(), { timeout: 5_000 }).toBe(0);
    expect(await chapterIndexOf(audience)).toBe('6 / 8');
  });

  it('sent no request off the machine', () => {
    expect(foreignLists).toHaveLength(2);
    for (const list of foreignLists) expect(list).toEqual([]);
  });
});
