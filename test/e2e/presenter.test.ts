// The audience view and the presenter view side by side, as on stage: two pages of one browser
// on the built app in browser mode (simulated cluster, fast time scale). The clicker's keys go
// to either page and both stay in step; blackout from the presenter blacks out only the
// audience; the hazard keys never reload; G 2 Enter jumps; the panic key after the kill brings
// every TiKV back and blacks out the audience; the key-learning screen records keys without
// moving the show; nothing leaves the machine.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  artifactDir,
  chapterIndexOf,
  launchChromium,
  markPage,
  pageStillMarked,
  startWeb,
  tikvNodesOf,
  watchForeignRequests,
  type RunningApp
} from './harness';

let app: RunningApp;
let browser: Browser;
let audience: Page;
let presenter: Page;
/** Requests that left the app's origin, per page. */
let foreignAudience: string[] = [];
let foreignPresenter: string[] = [];
const shots = artifactDir('presenter');

/** Both views show chapter n (of 8), within a few seconds. */
async function bothAt(n: number): Promise<void> {
  const want = `${n} / 8`;
  await expect.poll(() => chapterIndexOf(audience), { timeout: 8_000 }).toBe(want);
  await expect.poll(() => chapterIndexOf(presenter), { timeout: 8_000 }).toBe(want);
}

async function press(page: Page, ...keys: string[]): Promise<void> {
  for (const k of keys) await page.keyboard.press(k);
}

beforeAll(async () => {
  app = await startWeb(['--mode', 'sim', '--sim-speed', '20']);
  browser = await launchChromium();
  audience = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  presenter = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  foreignAudience = watchForeignRequests(audience, app.url);
  foreignPresenter = watchForeignRequests(presenter, app.url);
  await audience.goto(`${app.url}/`);
  await presenter.goto(`${app.url}/presenter`);
  await presenter.getByTestId('presenter-notes').waitFor({ timeout: 10_000 });
  await markPage(audience);
  await markPage(presenter);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('presenter and audience views together', () => {
  it('open on the same chapter', async () => {
    await bothAt(1);
    expect(await presenter.getByTestId('slide-title').textContent()).toBe(await audience.getByTestId('slide-title').textContent());
  });

  it('stay in step whichever page gets the clicker', async () => {
    const steps: [Page, string, number][] = [
      [audience, 'PageDown', 2],
      [presenter, 'ArrowRight', 3],
      [presenter, 'PageUp', 2],
      [audience, 'Space', 3],
      [audience, 'ArrowLeft', 2],
      [presenter, 'PageDown', 3]
    ];
    for (const [page, key, n] of steps) {
      await page.keyboard.press(key);
      await bothAt(n);
    }
  });

  it('has buttons that never keep the focus, so the clicker still works after a click', async () => {
    const nothingFocused = (): Promise<boolean> =>
      presenter.evaluate(() => document.activeElement === document.body || document.activeElement === null);
    await presenter.getByTestId('btn-prev').click();
    await bothAt(2);
    expect(await nothingFocused()).toBe(true);
    // Space on a focused "Back" button would click it again; here it is the clicker's next.
    await press(presenter, 'Space');
    await bothAt(3);
    await presenter.getByTestId('btn-prev').click();
    await bothAt(2);
    await presenter.getByTestId('btn-next').click();
    await bothAt(3);
    expect(await nothingFocused()).toBe(true);
  });

  it('blackout from the presenter blacks out only the audience', async () => {
    await press(presenter, 'b');
    await audience.getByTestId('blackout').waitFor({ state: 'attached', timeout: 5_000 });
    expect(await presenter.getByTestId('blackout').count()).toBe(0);
    await presenter.getByTestId('flag-blackout').waitFor({ timeout: 5_000 });
    // The presenter can still move on privately, behind the black screen.
    await press(presenter, 'b');
    await expect.poll(() => audience.getByTestId('blackout').count(), { timeout: 5_000 }).toBe(0);
    // Each page renders the broadcast on its own tick: wait for the presenter too.
    await expect.poll(() => presenter.getByTestId('flag-blackout').count(), { timeout: 5_000 }).toBe(0);
  });

  it('freezes the audience on its last frame while the presenter moves on', async () => {
    await press(presenter, 'f');
    await presenter.getByTestId('flag-frozen').waitFor({ timeout: 5_000 });
    await press(presenter, 'PageUp');
    await expect.poll(() => chapterIndexOf(presenter), { timeout: 5_000 }).toBe('2 / 8');
    await audience.waitForTimeout(500);
    expect(await chapterIndexOf(audience)).toBe('3 / 8');
    await press(presenter, 'f');
    await bothAt(2);
    await press(presenter, 'PageDown');
    await bothAt(3);
  });

  it('lets the presenter type a deck path without the keys driving the show, and shows the error', async () => {
    await presenter.getByTestId('tab-setup').click();
    try {
      const field = presenter.getByTestId('deck-path');
      await field.click();
      await field.fill('');
      // Letters that are clicker keys elsewhere: n (next), b and . (blackout), p (prev), f (freeze).
      await presenter.keyboard.type('/nonexistent/b.p.f/deck.md');
      expect(await field.inputValue()).toBe('/nonexistent/b.p.f/deck.md');
      await presenter.keyboard.press('Enter');
      await presenter.getByTestId('deck-reply').waitFor({ timeout: 5_000 });
      expect(((await presenter.getByTestId('deck-reply').textContent()) ?? '').length).toBeGreaterThan(5);
      await expect.poll(async () => (await presenter.getByTestId('presenter-problems').textContent()) ?? '', { timeout: 5_000 }).toMatch(/Deck error/);
      await presenter.screenshot({ path: join(shots, 'deck-error.png') });
      await bothAt(3);
      expect(await audience.getByTestId('blackout').count()).toBe(0);
      expect(await presenter.getByTestId('flag-frozen').count()).toBe(0);
      // Swapping displays is for the desktop app: in a browser the reply is a note, not a crash.
      await presenter.getByTestId('btn-swap').click();
      await expect.poll(async () => (await presenter.getByTestId('swap-note').textContent()) ?? '', { timeout: 5_000 }).toMatch(/desktop app/);
      // The field let go of the focus: the clicker drives the show again.
      await press(presenter, 'PageUp');
      await bothAt(2);
      await press(presenter, 'PageDown');
      await bothAt(3);
    } finally {
      await presenter.getByTestId('tab-live').click();
    }
  });

  it('never reloads on the hazard keys, in either view', async () => {
    for (const page of [audience, presenter]) {
      for (const key of ['F5', 'Shift+F5', 'Escape', 'Tab', 'Control+r']) await page.keyboard.press(key);
    }
    await audience.waitForTimeout(300);
    expect(await pageStillMarked(audience)).toBe(true);
    expect(await pageStillMarked(presenter)).toBe(true);
    await bothAt(3);
  });

  it('jumps with G 2 Enter, from either view', async () => {
    await press(presenter, 'g', '2', 'Enter');
    await bothAt(2);
    await press(audience, 'g', '3', 'Enter');
    await bothAt(3);
  });

  it('records keys on the key-learning screen without moving the show', async () => {
    await presenter.getByTestId('tab-keys').click();
    try {
      await presenter.getByTestId('key-capture').waitFor({ timeout: 5_000 });
      await press(presenter, 'PageDown', 'PageDown', 'b', 'F5', 'Control+r');
      await presenter.waitForTimeout(300);
      await bothAt(3);
      expect(await audience.getByTestId('blackout').count()).toBe(0);
      expect(await pageStillMarked(presenter)).toBe(true);
      const keys = await presenter.$$eval('[data-testid="keys-seen"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')));
      expect(keys).toEqual(['r', 'F5', 'b', 'PageDown', 'PageDown']);
      // Teach it a key: x goes back.
      await press(presenter, 'x');
      await presenter.getByTestId('bind-prev').click();
      await expect.poll(async () => (await presenter.getByTestId('keymap').textContent()) ?? '', { timeout: 5_000 }).toMatch(/x.*Back/);
      // A row clicked, then a new button pressed: the new button is what gets bound, not the row.
      await presenter.locator('[data-testid="keys-seen"] tbody tr[data-key="PageDown"]').first().click();
      await press(presenter, 'y');
      await presenter.getByTestId('bind-ignore').click();
      await expect.poll(async () => (await presenter.getByTestId('keymap').textContent()) ?? '', { timeout: 5_000 }).toMatch(/y.*Ignore/);
      expect((await presenter.getByTestId('keymap').textContent()) ?? '').not.toMatch(/PageDown/);
      await presenter.getByTestId('unbind-y').click();
    } finally {
      await presenter.getByTestId('tab-live').click();
    }
    // Back on the Live tab, the clicker drives the show again, with the new binding in both views.
    await press(audience, 'x');
    await bothAt(2);
    await press(presenter, 'PageDown');
    await bothAt(3);
    await presenter.getByTestId('tab-keys').click();
    await presenter.getByTestId('unbind-x').click();
    await expect.poll(() => presenter.getByTestId('keymap').count(), { timeout: 5_000 }).toBe(0);
    await presenter.getByTestId('tab-live').click();
    await press(audience, 'x');
    await audience.waitForTimeout(300);
    await bothAt(3);
  });

  it('after the kill, Shift+Esc on the presenter brings every TiKV back and blacks out the audience', async () => {
    await press(audience, 'PageDown');
    await bothAt(4);
    await expect
      .poll(async () => (await tikvNodesOf(audience)).filter((n) => n.container === 'exited').length, { timeout: 15_000 })
      .toBe(1);
    // The presenter's detail table sees the same kill.
    await expect
      .poll(async () => (await tikvNodesOf(presenter)).filter((n) => n.container === 'exited').length, { timeout: 5_000 })
      .toBe(1);
    await presenter.keyboard.press('Shift+Escape');
    const allRunning = async (page: Page): Promise<boolean> => {
      const nodes = await tikvNodesOf(page);
      return nodes.length === 3 && nodes.every((n) => n.container === 'running');
    };
    await expect.poll(() => allRunning(audience), { timeout: 5_000 }).toBe(true);
    await expect.poll(() => allRunning(presenter), { timeout: 5_000 }).toBe(true);
    await audience.getByTestId('blackout').waitFor({ state: 'attached', timeout: 5_000 });
    expect(await presenter.getByTestId('blackout').count()).toBe(0);
    await presenter.getByTestId('flag-blackout').waitFor({ timeout: 5_000 });
    // The action log tells the presenter what happened.
    const logText = (await presenter.getByTestId('action-log').textContent()) ?? '';
    expect(logText).toMatch(/panic/);
    expect(logText).toMatch(/restore all/);
    // A line's age shows in its hover title, worked out when the pointer comes (no render a second for it).
    const when = presenter.getByTestId('action-log').locator('.p-log-when').first();
    expect(await when.getAttribute('title')).toBeNull();
    await when.hover();
    expect(await when.getAttribute('title')).toMatch(/^(just now|\d+ s ago)$/);
    await presenter.screenshot({ path: join(shots, 'after-panic.png') });
    await audience.screenshot({ path: join(shots, 'audience-after-panic.png') });
  });

  it('injects a fault by hand only on a second click, and restores it', async () => {
    await presenter.getByTestId('tab-chaos').click();
    try {
      const pause = presenter.getByTestId('fault-tikv0-pause');
      await pause.click();
      expect(await pause.textContent()).toMatch(/Click again: pause tikv0/);
      await presenter.waitForTimeout(400);
      expect((await tikvNodesOf(audience)).find((n) => n.name === 'tikv0')?.container).toBe('running');
      await pause.click();
      await expect
        .poll(async () => (await tikvNodesOf(audience)).find((n) => n.name === 'tikv0')?.container, { timeout: 5_000 })
        .toBe('paused');
      await presenter.getByTestId('chaos-restore-all').click();
      await expect
        .poll(async () => (await tikvNodesOf(audience)).every((n) => n.container === 'running'), { timeout: 5_000 })
        .toBe(true);
    } finally {
      await presenter.getByTestId('tab-live').click();
    }
  });

  it('sent no request off the machine from either view', () => {
    expect(foreignAudience).toEqual([]);
    expect(foreignPresenter).toEqual([]);
  });
});
