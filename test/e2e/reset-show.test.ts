// "Run the show again" from the presenter view: one click arms it, the second fires it; the
// show is back on its first chapter with the fault restored and the fault beat re-armed.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../src/shared/contract';
import { chapterIndexOf, launchChromium, pressKeys, startWeb, type RunningApp } from './harness';

let app: RunningApp;
let browser: Browser;
let page: Page;
const state = async (): Promise<AppState> => (await (await fetch(`${app.url}/api/state`)).json()) as AppState;

beforeAll(async () => {
  app = await startWeb(['--mode', 'sim', '--sim-speed', '20']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${app.url}/presenter`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('resetShow from the presenter view', () => {
  it('arms on the first click, fires on the second, and the fault beat fires again after it', async () => {
    await expect.poll(() => chapterIndexOf(page), { timeout: 10_000 }).toBe('1 / 8');
    await pressKeys(page, ['PageDown', 'PageDown', 'PageDown']);
    await expect.poll(async () => (await state()).show.faults.filter((f) => f.status === 'open').length, { timeout: 15_000 }).toBe(1);

    await page.getByTestId('tab-chaos').click();
    const button = page.getByTestId('reset-show');
    await button.click();
    await expect.poll(async () => (await button.textContent()) ?? '').toMatch(/Click again/);
    await page.waitForTimeout(300);
    expect((await state()).show.index).toBe(3); // armed only: nothing happened yet
    await button.click();
    await expect.poll(() => chapterIndexOf(page), { timeout: 30_000 }).toBe('1 / 8');
    const after = await state();
    expect(after.show.faults).toEqual([]);
    expect(after.show.timeline).toEqual([]);
    // The reset waited for the cluster to settle: every store running and Up again.
    expect(after.cluster.tikv.map((n) => `${n.container}/${n.state}`)).toEqual(['running/up', 'running/up', 'running/up']);

    await pressKeys(page, ['PageDown', 'PageDown', 'PageDown']);
    await expect.poll(async () => (await state()).show.faults.filter((f) => f.status === 'open').length, { timeout: 15_000 }).toBe(1);
  });
});
