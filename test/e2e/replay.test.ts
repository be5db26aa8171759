// Record and replay, from outside: a presenter's walk through the show on the simulated cluster
// with a fresh data folder leaves a recording under it; the app started with `--replay <file>`
// (no Docker, no PD) shows the badge `replay`, and the same walk passes on it.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../src/shared/contract';
import { BUILTIN_TITLES } from '../unit/show/helpers';
import { artifactDir, chapterIndexOf, launchChromium, startWeb, tikvNodesOf, watchForeignRequests, type RunningApp } from './harness';

const TOTAL = BUILTIN_TITLES.length;
const dataDir = mkdtempSync(join(tmpdir(), 'tikv-stage-replay-e2e-'));
const shots = artifactDir('replay');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Walk {
  badge: string;
  chapters: number;
  killed: string;
  pageErrors: string[];
  foreign: string[];
}

/** The presenter's walk through the 8 chapters with the clicker's keys; returns what was seen. */
async function walk(app: RunningApp, shotPrefix: string): Promise<Walk> {
  const page: Page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const foreign = watchForeignRequests(page, app.url);
  const at = async (n: number): Promise<void> => {
    try {
      await expect.poll(() => chapterIndexOf(page), { timeout: 10_000 }).toBe(`${n} / ${TOTAL}`);
    } catch (e) {
      // Say whether main moved and the page did not, or main held the show (and why).
      const s = ((await (await fetch(`${app.url}/api/state`)).json()) as AppState).show;
      const why = `main is at chapter ${s.index + 1} (${s.mode}), canAdvance ${String(s.canAdvance)}, blocked: ${s.blockedReason ?? 'no'}, beat ${s.beat.phase}`;
      throw new Error(`${(e as Error).message}\n${why}`, { cause: e });
    }
  };
  try {
    await page.goto(`${app.url}/`);
    await at(1);
    const badge = ((await page.getByTestId('mode-badge').first().textContent()) ?? '').trim();
    await page.keyboard.press('PageDown');
    await at(2);
    await expect.poll(async () => (await tikvNodesOf(page)).filter((n) => n.state === 'up' && n.container === 'running').length, { timeout: 15_000 }).toBe(3);
    await page.keyboard.press('ArrowRight');
    await at(3);
    await expect.poll(async () => Number(await page.getByTestId('workload').first().getAttribute('data-ops')), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(2500); // a steady stretch of workload before the kill
    await page.keyboard.press('Space');
    await at(4);
    await page.getByTestId('countdown').waitFor({ state: 'visible', timeout: 5_000 });
    await expect.poll(async () => (await tikvNodesOf(page)).filter((n) => n.container === 'exited').length, { timeout: 15_000 }).toBe(1);
    const killed = (await tikvNodesOf(page)).find((n) => n.container === 'exited')!.name;
    await expect.poll(async () => (await tikvNodesOf(page)).find((n) => n.name === killed)?.state, { timeout: 20_000 }).not.toBe('up');
    await page.screenshot({ path: join(shots, `${shotPrefix}-fault.png`) });
    await page.keyboard.press('Enter');
    await at(5);
    await page.keyboard.press('n');
    await at(6);
    await page.keyboard.press('ArrowDown');
    await at(7);
    await expect
      .poll(async () => (await tikvNodesOf(page)).every((n) => n.state === 'up' && n.container === 'running'), { timeout: 30_000 })
      .toBe(true);
    await page.screenshot({ path: join(shots, `${shotPrefix}-recovered.png`) });
    await page.keyboard.press('PageDown');
    await at(8);
    const chapters = ((await page.getByTestId('chapter-index').first().textContent()) ?? '').trim().split('/')[1]?.trim();
    return { badge, chapters: Number(chapters), killed, pageErrors, foreign };
  } finally {
    await page.close();
  }
}

describe('record and replay', () => {
  let recording = '';

  it('a walk on the simulated cluster leaves a recording under the data folder', async () => {
    const app = await startWeb(['--mode', 'sim', '--sim-speed', '20', '--data-dir', dataDir]);
    try {
      const seen = await walk(app, 'sim');
      expect(seen).toMatchObject({ badge: 'sim', chapters: 8, pageErrors: [], foreign: [] });
    } finally {
      await app.stop();
    }
    const files = readdirSync(join(dataDir, 'recordings')).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^tikv-resilience--sim--\d{4}-.*\.jsonl$/);
    recording = join(dataDir, 'recordings', files[0]!);
    const lines = readFileSync(recording, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { k: string; action?: { type: string } });
    expect(lines[0]!.k).toBe('header');
    expect(lines.filter((l) => l.k === 'beat').map((l) => l.action!.type)).toEqual(expect.arrayContaining(['start-workload', 'fault', 'restore']));
    expect(lines.at(-1)!.k).toBe('end');
  }, 180_000);

  it('the app started with --replay <that file> passes the same walk, badge "replay"', async () => {
    expect(recording).not.toBe('');
    const app = await startWeb(['--replay', recording, '--data-dir', dataDir]);
    try {
      expect(app.output()).toMatch(/mode replay: replay of a recording made on the simulated cluster/);
      const seen = await walk(app, 'replay');
      expect(seen).toMatchObject({ badge: 'replay', chapters: 8, pageErrors: [], foreign: [] });
      const state = (await (await fetch(`${app.url}/api/state`)).json()) as AppState;
      expect(state.cluster.mode).toBe('replay');
      expect(state.show.mode).toBe('replay');
      expect(state.show.faults.map((f) => f.node)).toEqual([seen.killed]);
      expect(state.show.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['container-exited', 'container-started']));
    } finally {
      await app.stop();
    }
    // A replay never writes a recording of its own.
    expect(readdirSync(join(dataDir, 'recordings'))).toHaveLength(1);
  }, 180_000);

  it('mid-show, the presenter switches to the recording (arm, then fire) and the show goes on', async () => {
    const app = await startWeb(['--mode', 'sim', '--sim-speed', '20', '--data-dir', dataDir]);
    const presenter = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors: string[] = [];
    presenter.on('pageerror', (e) => errors.push(e.message));
    try {
      await presenter.goto(`${app.url}/presenter`);
      const panel = presenter.getByTestId('replay-panel');
      await expect.poll(async () => (await panel.textContent()) ?? '', { timeout: 10_000 }).toMatch(/Backup: tikv-resilience--sim--.*recorded .* on the simulated cluster \(simulator only\)/);
      await presenter.screenshot({ path: join(shots, 'presenter-backup.png') });
      const btn = presenter.getByTestId('btn-switch-replay');
      await btn.click();
      await expect.poll(async () => (await btn.textContent()) ?? '').toMatch(/Press again/);
      let state = (await (await fetch(`${app.url}/api/state`)).json()) as AppState;
      expect(state.show.mode).toBe('sim'); // armed, not fired
      await btn.click();
      await expect.poll(async () => ((await (await fetch(`${app.url}/api/state`)).json()) as AppState).show.mode, { timeout: 10_000 }).toBe('replay');
      await expect.poll(async () => (await presenter.getByTestId('replay-playing').textContent()) ?? '', { timeout: 10_000 }).toMatch(/REPLAY, not a live cluster.*simulated cluster/);
      await presenter.screenshot({ path: join(shots, 'presenter-replay.png') });
      state = (await (await fetch(`${app.url}/api/state`)).json()) as AppState;
      expect(state.show.modeReason).toMatch(/switched from sim at chapter 1/);
      // The walk goes on, on the recording.
      const seen = await walk(app, 'switched');
      expect(seen).toMatchObject({ badge: 'replay', chapters: 8, pageErrors: [], foreign: [] });
      expect(errors).toEqual([]);
    } finally {
      await presenter.close();
      await app.stop();
    }
    // The sim show's own recording ended at the switch; the replay wrote none.
    expect(readdirSync(join(dataDir, 'recordings'))).toHaveLength(2);
  }, 180_000);
});
