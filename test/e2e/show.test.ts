// The whole 8-chapter show in browser mode on the simulated cluster, walked with clicker
// keys in real Chromium, reading only the data-testids that outside scripts rely on.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../src/shared/contract';
import { BUILTIN_TITLES } from '../unit/show/helpers';
import { artifactDir, launchChromium, startWeb, tikvNodesOf, watchForeignRequests, type RunningApp, type TikvSeen } from './harness';

const CHAPTERS = BUILTIN_TITLES;

let app: RunningApp;
let browser: Browser;
let page: Page;
let foreign: string[];
const shots = artifactDir('chapters');

async function title(): Promise<string> {
  return (await page.getByTestId('slide-title').textContent())?.trim() ?? '';
}
async function index(): Promise<string> {
  return (await page.getByTestId('chapter-index').textContent())?.trim() ?? '';
}
async function expectChapter(n: number): Promise<void> {
  await expect.poll(index, { timeout: 10_000 }).toBe(`${n} / ${CHAPTERS.length}`);
  expect(await title()).toContain(CHAPTERS[n - 1]);
}
const tikvNodes = (): Promise<TikvSeen[]> => tikvNodesOf(page);
async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

beforeAll(async () => {
  app = await startWeb(['--mode', 'sim', '--sim-speed', '20']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  foreign = watchForeignRequests(page, app.url);
  await page.goto(`${app.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the show in browser mode, simulated cluster', () => {
  it('opens on the first chapter in sim mode', async () => {
    await expectChapter(1);
    await expect.poll(async () => (await page.getByTestId('mode-badge').textContent())?.trim()).toBe('sim');
    await shot('01-welcome');
  });

  it('swallows the hazard keys: no reload, no chapter change', async () => {
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    for (const key of ['F5', 'Shift+F5', 'Escape', 'Tab', 'Control+r']) await page.keyboard.press(key);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
    await expectChapter(1);
  });

  it('moves one chapter for a held key (auto-repeat never skips)', async () => {
    await page.keyboard.down('PageDown');
    for (let i = 0; i < 5; i++) await page.keyboard.down('PageDown'); // repeats
    await page.keyboard.up('PageDown');
    await expectChapter(2);
    await page.waitForTimeout(300);
    await expectChapter(2);
  });

  it('shows every node Up and running on Cluster Health', async () => {
    await expect.poll(async () => (await tikvNodes()).length, { timeout: 10_000 }).toBe(3);
    await expect
      .poll(async () => (await tikvNodes()).every((n) => n.state === 'up' && n.container === 'running'), { timeout: 10_000 })
      .toBe(true);
    expect(await page.locator('[data-testid="cluster-node"][data-kind="pd"]').count()).toBe(3);
    expect((await tikvNodes()).map((n) => n.name).sort()).toEqual(['tikv0', 'tikv1', 'tikv2']);
    await shot('02-cluster-health');
  });

  it('runs a workload on Load Generation', async () => {
    await page.keyboard.press('ArrowRight');
    await expectChapter(3);
    const ops = async (): Promise<number> => Number(await page.getByTestId('workload').first().getAttribute('data-ops'));
    await expect.poll(ops, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(1500);
    await shot('03-load-generation');
  });

  it('counts down, kills one TiKV, and the map shows it leave Up', async () => {
    await page.keyboard.press('Space');
    await expectChapter(4);
    await page.getByTestId('countdown').waitFor({ state: 'visible', timeout: 5_000 });
    await page.waitForTimeout(700); // past the number's fade-in, so the artifact shows what the hall sees
    await shot('04a-countdown');
    // The presenter cannot advance until the kill has happened.
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(200);
    await expectChapter(4);
    await expect
      .poll(async () => (await tikvNodes()).filter((n) => n.container === 'exited').length, { timeout: 15_000 })
      .toBe(1);
    await expect
      .poll(async () => (await tikvNodes()).filter((n) => n.state !== 'up').length, { timeout: 20_000 })
      .toBe(1);
    await page.waitForTimeout(500);
    await shot('04b-fault');
  });

  it('explains what happened on Detection and Diagnosis', async () => {
    await page.keyboard.press('Enter');
    await expectChapter(5);
    await page.waitForTimeout(1500);
    await shot('05-detection');
    await page.keyboard.press('n');
    await expectChapter(6);
    const text = (await page.locator('body').innerText()).toLowerCase();
    expect(text).toMatch(/tikv\d/);
    expect(text).toMatch(/replica/);
    await shot('06-diagnosis');
  });

  it('brings every node back Up and running on Recovery', async () => {
    await page.keyboard.press('ArrowDown');
    await expectChapter(7);
    await expect
      .poll(async () => (await tikvNodes()).every((n) => n.state === 'up' && n.container === 'running'), { timeout: 30_000 })
      .toBe(true);
    await page.waitForTimeout(1000);
    await shot('07-recovery');
    await page.keyboard.press('PageDown');
    await expectChapter(8);
    await shot('08-complete');
  });

  it('blacks out the audience and comes back', async () => {
    await page.keyboard.press('b');
    await page.getByTestId('blackout').waitFor({ state: 'attached', timeout: 5_000 });
    await page.keyboard.press('.');
    await expect.poll(() => page.getByTestId('blackout').count(), { timeout: 5_000 }).toBe(0);
  });

  it('goes back and forth without injecting the fault twice', async () => {
    for (let i = 0; i < 4; i++) await page.keyboard.press('PageUp');
    await expectChapter(4);
    await page.waitForTimeout(4500);
    const state = (await (await fetch(`${app.url}/api/state`)).json()) as AppState;
    expect(state.show.faults.length).toBe(1);
    expect((await tikvNodes()).every((n) => n.container === 'running')).toBe(true);
    await page.keyboard.press('End');
    await expectChapter(8);
    await page.keyboard.press('Home');
    await expectChapter(1);
  });

  it('serves /api/state and the presenter view', async () => {
    const state = (await (await fetch(`${app.url}/api/state`)).json()) as AppState;
    expect(state.show.total).toBe(8);
    expect(state.cluster.mode).toBe('sim');
    expect(state.cluster.tikv.length).toBe(3);
    const presenter = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const foreignP = watchForeignRequests(presenter, app.url);
    await presenter.goto(`${app.url}/presenter`);
    await presenter.getByTestId('presenter-notes').waitFor({ timeout: 10_000 });
    await presenter.screenshot({ path: join(shots, 'presenter.png') });
    expect(foreignP).toEqual([]);
    await presenter.close();
  });

  it('sent no request off the machine', () => {
    expect(foreign).toEqual([]);
  });
});
