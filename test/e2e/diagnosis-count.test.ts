// The Diagnosis panel's live counts: a finding that waits for something ("Its leaders have not all
// moved off yet") says how long since the kill, and the number follows the page's clock between
// main's publishes instead of freezing at the last one. Once the leaders have moved, the line
// says when they did, and counts no more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wsRequest } from '../../scripts/bench/app';
import { chapterIndexOf, openWebPage, type WebPage } from './harness';

let web: WebPage;
const request = (name: string, args: unknown[] = []): ReturnType<typeof wsRequest> => wsRequest(web.app.url, name, args);
const leadersLine = (): Promise<string> =>
  web.page.evaluate(() => document.querySelector('[data-testid="diagnosis"] li[data-kind="leaders"] .dg-lead')?.textContent ?? '');
const seconds = (line: string): number | null => {
  const m = /\((\d+) s since the kill\)$/.exec(line);
  return m ? Number(m[1]) : null;
};

// PD's real timings: leaders take 10–20 s to move, long enough to watch the count.
beforeAll(async () => {
  web = await openWebPage(['--mode', 'sim', '--sim-speed', '1']);
});

afterAll(async () => {
  await web?.close();
});

describe('the Diagnosis panel after a kill', () => {
  it('counts the seconds since the kill while the leaders have not moved, then says when they did', async () => {
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 15_000 }).toBe('1 / 8');
    expect(await request('goTo', [5])).toMatchObject({ ok: true });
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 10_000 }).toBe('6 / 8');
    expect(await request('injectFault', [{ kind: 'kill', target: { type: 'named', name: 'tikv1' } }])).toMatchObject({ ok: true });

    await expect.poll(async () => seconds(await leadersLine()), { timeout: 10_000 }).not.toBeNull();
    const first = seconds(await leadersLine())!;
    expect(await leadersLine()).toBe(`Its leaders have not all moved off yet (${first} s since the kill)`);
    // Nobody presses a key and main has nothing new to say: the number still goes up.
    await expect.poll(async () => seconds(await leadersLine()), { timeout: 4_000 }).toBeGreaterThanOrEqual(first + 2);

    await expect.poll(leadersLine, { timeout: 40_000 }).toMatch(/^Its region leaders moved to .* \d+ s after the kill$/);
    expect(await request('restoreAll')).toMatchObject({ ok: true });
  });
});
