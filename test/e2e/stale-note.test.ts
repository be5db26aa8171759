// The audience's one note about the cluster: while PD has no leader, a map chapter says so
// quietly with the time since PD last answered, counting up with the page's one-second clock,
// and it goes away once PD answers again.
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chapterIndexOf, launchChromium, startWeb, type RunningApp } from './harness';

let app: RunningApp;
let browser: Browser;
let page: Page;

/** One request over the app's WebSocket, as an outside script sends it. */
async function request(name: string, args: unknown[] = []): Promise<{ ok: boolean; error?: string }> {
  const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/ws`);
  try {
    return await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`${name}: no reply`)), 30_000);
      ws.on('error', fail);
      ws.on('open', () => ws.send(JSON.stringify({ id: 1, request: name, args })));
      ws.on('message', (data) => {
        const f = JSON.parse(String(data)) as { type?: string; id?: number; reply?: { ok: boolean; error?: string } };
        if (f.type !== 'reply' || f.id !== 1 || !f.reply) return;
        clearTimeout(timer);
        ok(f.reply);
      });
    });
  } finally {
    ws.terminate();
  }
}

const note = (): Promise<{ shown: boolean; text: string }> =>
  page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.stale-note');
    return { shown: !!el && !el.hidden && el.offsetParent !== null, text: el?.textContent ?? '' };
  });

beforeAll(async () => {
  // PD's real timings: an election takes seconds, long enough to watch the note count.
  app = await startWeb(['--mode', 'sim', '--sim-speed', '1']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${app.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the audience stale note', () => {
  it('counts the seconds since PD last answered while PD elects a leader, then goes away', async () => {
    await expect.poll(() => chapterIndexOf(page), { timeout: 15_000 }).toBe('1 / 8');
    await page.keyboard.press('PageDown');
    await expect.poll(() => chapterIndexOf(page), { timeout: 10_000 }).toBe('2 / 8');
    await page.getByTestId('cluster-node').first().waitFor({ timeout: 15_000 });
    expect((await note()).shown).toBe(false);

    expect(await request('injectFault', [{ kind: 'kill', target: { type: 'pd-leader' } }])).toMatchObject({ ok: true });
    await expect.poll(async () => (await note()).shown, { timeout: 15_000 }).toBe(true);
    const first = await note();
    expect(first.text).toMatch(/^PD (electing a leader|not answering) \u2014 last seen (just now|\d+ s ago)$/);
    // The seconds go up while PD is silent: the note follows the page's clock.
    await expect.poll(async () => (await note()).text, { timeout: 4_000 }).not.toBe(first.text);

    expect(await request('restoreAll')).toMatchObject({ ok: true });
    await expect.poll(async () => (await note()).shown, { timeout: 60_000 }).toBe(false);
  });
});
