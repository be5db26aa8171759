// The diagnosis's live counts: a finding that waits for something ("Its leaders have not all moved
// off yet") says how long since the kill in the presenter's full text, and the number follows the
// page's clock between main's publishes instead of freezing at the last one. The stage says the
// same without the number. Once the leaders have moved, the line says when they did. Then, with
// the workload's dip among them, every explanation fits the stage and the presenter's full text is
// in view without scrolling.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getState, wsRequest } from '../../scripts/bench/app';
import { chapterIndexOf, openWebPage, type WebPage } from './harness';

let web: WebPage;
let presenter: Page;
const request = (name: string, args: unknown[] = []): ReturnType<typeof wsRequest> => wsRequest(web.app.url, name, args);
/** The presenter's full-text line about the leaders. */
const fullLine = (): Promise<string> =>
  presenter.evaluate(() => [...document.querySelectorAll('.p-diagnosis li')].map((li) => li.textContent ?? '').find((t) => /leaders/i.test(t)) ?? '');
/** The audience's headline about the leaders. */
const stageLine = (): Promise<string> =>
  web.page.evaluate(() => document.querySelector('[data-testid="diagnosis"] li[data-kind="leaders"] .dg-lead')?.textContent ?? '');
const seconds = (line: string): number | null => {
  const m = /\((\d+) s since the kill\)\./.exec(line);
  return m ? Number(m[1]) : null;
};

// PD's real timings: leaders take 10–20 s to move, long enough to watch the count.
beforeAll(async () => {
  web = await openWebPage(['--mode', 'sim', '--sim-speed', '1']);
  presenter = await web.page.context().browser()!.newPage({ viewport: { width: 1440, height: 900 } });
  await presenter.goto(`${web.app.url}/presenter`);
});

afterAll(async () => {
  await web?.close();
});

describe('the diagnosis after a kill', () => {
  it('counts the seconds since the kill while the leaders have not moved, then says when they did', async () => {
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 15_000 }).toBe('1 / 8');
    expect(await request('goTo', [5])).toMatchObject({ ok: true });
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 10_000 }).toBe('6 / 8');
    expect(await request('injectFault', [{ kind: 'kill', target: { type: 'named', name: 'tikv1' } }])).toMatchObject({ ok: true });

    await expect.poll(async () => seconds(await fullLine()), { timeout: 10_000 }).not.toBeNull();
    const first = seconds(await fullLine())!;
    expect(await fullLine()).toMatch(new RegExp(`^Its leaders have not all moved off yet \\(${first} s since the kill\\)\\. After a kill`));
    expect(await stageLine()).toBe('Its leaders have not all moved off yet');
    // Nobody presses a key and main has nothing new to say: the number still goes up.
    await expect.poll(async () => seconds(await fullLine()), { timeout: 4_000 }).toBeGreaterThanOrEqual(first + 2);

    await expect.poll(stageLine, { timeout: 40_000 }).toMatch(/^Its region leaders moved to .* \d+ s after the kill$/);
    // The presenter's page draws the same news on its own frame: wait for it too.
    await expect.poll(fullLine, { timeout: 5_000 }).toMatch(/^Its region leaders moved to .* \d+ s after the kill\./);
    expect(await request('restoreAll')).toMatchObject({ ok: true });
  });

  it("fits every finding's explanation on the stage, and the full text in the presenter's view", async () => {
    // A fresh show (its own timeline and diagnosis) whose workload runs before the kill.
    expect(await request('resetShow')).toMatchObject({ ok: true });
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 60_000 }).toBe('1 / 8');
    expect(await request('goTo', [2])).toMatchObject({ ok: true }); // the workload's chapter starts it
    // A baseline for the dip: at least 3 of the workload's one-second samples before the kill.
    const samples = async (): Promise<number> => (await getState(web.app.url)).cluster?.workload?.history.length ?? 0;
    await expect.poll(samples, { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
    expect(await request('goTo', [5])).toMatchObject({ ok: true });
    await expect.poll(() => chapterIndexOf(web.page), { timeout: 10_000 }).toBe('6 / 8');
    expect(await request('injectFault', [{ kind: 'kill', target: { type: 'named', name: 'tikv1' } }])).toMatchObject({ ok: true });

    // The stage has room for every explanation at 1920×1080: a longer one had pushed the
    // workload's dip ("Throughput dipping: …") out of the panel, once it came.
    const dip = web.page.locator('[data-testid="diagnosis"] li[data-kind="workload"] .dg-rest');
    // 20 s: the dip shows 1-2 s after the kill here, but a CI run once missed a 10 s wait; if it
    // fails again, the error says what main and the stage had, to tell a late dip from a stale stage.
    await expect
      .poll(async () => ((await dip.count()) ? await dip.textContent() : ''), { timeout: 20_000 })
      .toMatch(/^Throughput dipping/)
      .catch(async (e: unknown) => {
        const st = await getState(web.app.url);
        const main = st.show.diagnosis.map((f) => `${f.kind}: ${f.headline} | ${f.detail.slice(0, 80)}`).join('\n');
        const stage = await web.page.evaluate(() => document.querySelector('[data-testid="diagnosis"]')?.textContent?.slice(0, 800) ?? '(no diagnosis on the stage)');
        throw new Error(`${(e as Error).message}\nmain's diagnosis:\n${main}\nthe stage's:\n${stage}\nworkload history: ${st.cluster?.workload?.history.length ?? 0} samples`);
      });
    const dropped = await web.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="diagnosis"] .dg-rest')].filter((e) => e.hidden).map((e) => e.textContent)
    );
    expect(dropped).toEqual([]);
    // On the Diagnosis chapter the full text comes up under the cluster: on a 1440×900 laptop
    // screen it is all in view, no scrolling (it used to sit below the workload and timeline).
    const card = (): Promise<{ bottom: number; items: number } | null> =>
      presenter.evaluate(() => {
        const r = document.querySelector('.p-diagnosis')?.getBoundingClientRect();
        return r ? { bottom: r.bottom, items: document.querySelectorAll('.p-diagnosis li').length } : null;
      });
    await expect.poll(async () => (await card())?.items ?? 0, { timeout: 5_000 }).toBeGreaterThanOrEqual(6);
    expect((await card())!.bottom).toBeLessThanOrEqual(900);
    expect(await request('restoreAll')).toMatchObject({ ok: true });
  });
});
