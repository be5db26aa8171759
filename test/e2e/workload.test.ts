// The workload as the audience sees it, at the time scale an outside judge uses (--sim-speed 5):
// a baseline on Load Generation, a dip below 80 % while leaders move after the kill, and
// recovery above 80 % on Recovery. Reads only data-ops / data-errors of the `workload` testid.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startWeb, type RunningApp } from './harness';

let app: RunningApp;
let browser: Browser;
let page: Page;

const ops = async (): Promise<number> => Number(await page.getByTestId('workload').first().getAttribute('data-ops'));
const index = async (): Promise<string> => (await page.getByTestId('chapter-index').textContent())?.trim() ?? '';

beforeAll(async () => {
  app = await startWeb(['--mode', 'sim', '--sim-speed', '5']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${app.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('workload dip and recovery (sim, speed 5)', () => {
  it('dips below 80 % of the baseline during the fault and recovers above it', async () => {
    await expect.poll(index, { timeout: 10_000 }).toBe('1 / 8');
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    await expect.poll(index).toBe('3 / 8');
    await expect.poll(ops, { timeout: 15_000 }).toBeGreaterThan(0);
    const samples: number[] = [];
    for (let i = 0; i < 4; i++) {
      await page.waitForTimeout(1000);
      samples.push(await ops());
    }
    const baseline = samples.reduce((a, b) => a + b, 0) / samples.length;
    console.log(`baseline ${baseline.toFixed(0)} ops/s from ${samples.join(', ')}`);
    expect(baseline).toBeGreaterThan(0);

    await page.keyboard.press('PageDown');
    await expect.poll(index).toBe('4 / 8');
    let low = Infinity;
    const t0 = Date.now();
    while (Date.now() - t0 < 20_000 && low >= 0.8 * baseline) {
      low = Math.min(low, await ops());
      await page.waitForTimeout(200);
    }
    console.log(`lowest during the fault: ${low} ops/s (${((100 * low) / baseline).toFixed(0)} % of baseline)`);
    expect(low).toBeLessThan(0.8 * baseline);

    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    await expect.poll(index).toBe('7 / 8');
    await expect.poll(ops, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0.8 * baseline);
    console.log(`after recovery: ${await ops()} ops/s`);
  });
});
