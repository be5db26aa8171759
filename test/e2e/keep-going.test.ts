// An error while drawing must not end the show. React unmounts a whole root on a render error,
// which would leave the projector black for the rest of the talk. Here the page's number
// formatting is made to throw (an init script, before the app's own code) while the workload
// runs: the slide stays up, the failing part comes back once drawing works again, and the
// presenter is told; the audience never sees an error.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wsRequest } from '../../scripts/bench/app';
import { chapterIndexOf, launchChromium, startWeb, type RunningApp } from './harness';

let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startWeb(['--mode', 'sim', '--sim-speed', '5']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.addInitScript(() => {
    const w = window as unknown as { __breakDraw: number };
    w.__breakDraw = 0;
    const desc = Object.getOwnPropertyDescriptor(Intl.NumberFormat.prototype, 'format')!;
    Object.defineProperty(Intl.NumberFormat.prototype, 'format', {
      configurable: true,
      get(this: Intl.NumberFormat) {
        const real = desc.get!.call(this) as (n: number) => string;
        return (n: number) => {
          if (w.__breakDraw > 0) throw new Error('drawing broke on purpose');
          return real(n);
        };
      }
    });
  });
  await page.goto(`${app.url}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const visible = (testId: string): Promise<boolean> => page.getByTestId(testId).first().isVisible();

describe('an error while drawing', () => {
  it('leaves the slide up, brings the failing part back, and tells the presenter', async () => {
    await expect.poll(() => chapterIndexOf(page), { timeout: 15_000 }).toBe('1 / 8');
    expect(await wsRequest(app.url, 'goTo', [2])).toMatchObject({ ok: true }); // Load Generation: the workload runs
    await expect.poll(() => page.getByTestId('workload').getAttribute('data-ops'), { timeout: 15_000 }).toMatch(/^[1-9]\d*$/);

    await page.evaluate(() => void ((window as unknown as { __breakDraw: number }).__breakDraw = 1));
    // The workload panel and the map's figures fail to draw: they step aside, the slide stays.
    await expect.poll(() => visible('workload'), { timeout: 5_000 }).toBe(false);
    expect(await visible('slide-title')).toBe(true);
    expect(await chapterIndexOf(page)).toBe('3 / 8');
    await page.waitForTimeout(3_000); // a few failed redraws later, still up
    expect(await visible('slide-title')).toBe(true);
    expect(await page.getByText(/drawing broke/).count()).toBe(0); // the audience sees no error

    await page.evaluate(() => void ((window as unknown as { __breakDraw: number }).__breakDraw = 0));
    await expect.poll(() => visible('workload'), { timeout: 8_000 }).toBe(true);
    // The show went on meanwhile: a key still moves it.
    await page.keyboard.press('PageUp');
    await expect.poll(() => chapterIndexOf(page), { timeout: 5_000 }).toBe('2 / 8');

    const state = (await wsRequest(app.url, 'getState')) as { ok: boolean; value: { show: { notices: string[] } } };
    expect(state.value.show.notices.join('\n')).toMatch(/The audience page hit an error while drawing and redrew itself: Error: drawing broke on purpose/);
  }, 90_000);
});
