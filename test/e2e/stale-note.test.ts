// The audience's one note about the cluster: while PD has no leader, a map chapter says so
// quietly with the time since PD last answered, counting up with the page's one-second clock,
// and it goes away once PD answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wsRequest } from '../../scripts/bench/app';
import { chapterIndexOf, openWebPage, type WebPage } from './harness';

let web: WebPage;
const request = (name: string, args: unknown[] = []): ReturnType<typeof wsRequest> => wsRequest(web.app.url, name, args);

const note = (): Promise<{ shown: boolean; text: string }> =>
  web.page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.stale-note');
    return { shown: !!el && !el.hidden && el.offsetParent !== null, text: el?.textContent ?? '' };
  });

// PD's real timings: an election takes seconds, long enough to watch the note count.
beforeAll(async () => {
  web = await openWebPage(['--mode', 'sim', '--sim-speed', '1']);
});

afterAll(async () => {
  await web?.close();
});

describe('the audience stale note', () => {
  it('counts the seconds since PD last answered while PD elects a leader, then goes away', async () => {
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 15_000 }).toBe('1 / 8');
    await web.page.keyboard.press('PageDown');
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 10_000 }).toBe('2 / 8');
    await web.page.getByTestId('cluster-node').first().waitFor({ timeout: 15_000 });
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
