// A custom deck, edited while the show runs: a slide with an unknown action is reported with
// its file and line (presenter view and stderr) while the show keeps its last good deck; when
// the action is fixed, the new slide appears.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../src/shared/contract';
import { launchChromium, startWeb, type RunningApp } from './harness';

const slide = (title: string, extra = ''): string => `---\ntitle: ${title}\n${extra}---\n\n# ${title}\n\nSome words.\n\n<!-- notes for ${title} -->\n\n`;

let app: RunningApp;
let browser: Browser;
let audience: Page;
let presenter: Page;
const dir = mkdtempSync(join(tmpdir(), 'tikv-stage-deck-'));
const deck = join(dir, 'talk.md');

beforeAll(async () => {
  writeFileSync(deck, slide('Hello', 'map: show\n') + slide('Middle') + slide('Bye'));
  app = await startWeb(['--mode', 'sim', '--sim-speed', '20', '--deck', deck]);
  browser = await launchChromium();
  audience = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  presenter = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await audience.goto(`${app.url}/`);
  await presenter.goto(`${app.url}/presenter`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const index = async (): Promise<string> => (await audience.getByTestId('chapter-index').textContent())?.trim() ?? '';

describe('deck reload while the show runs', () => {
  it('starts on the custom deck', async () => {
    await expect.poll(index, { timeout: 10_000 }).toBe('1 / 3');
    await audience.keyboard.press('PageDown');
    await expect.poll(index).toBe('2 / 3');
  });

  it('reports a bad slide by file and line and keeps the three good ones', async () => {
    const before = readFileSync(deck, 'utf8');
    const badLine = before.split('\n').length + 2; // the appended slide: ---, title, action
    appendFileSync(deck, slide('Boom', 'action: explode\n'));
    const expected = `talk.md:${badLine}: unknown action "explode"`;
    await expect.poll(async () => presenter.locator('body').innerText(), { timeout: 10_000 }).toContain(expected);
    expect(app.output()).toContain(expected);
    expect(await index()).toBe('2 / 3');
  });

  it('shows the fourth slide once the action is fixed, keeping the position', async () => {
    writeFileSync(deck, readFileSync(deck, 'utf8').replace('action: explode', 'action: restore-all'));
    await expect.poll(index, { timeout: 10_000 }).toBe('2 / 4');
    // The error is cleared (the action log keeps its history).
    const state = (await (await fetch(`${app.url}/api/state`)).json()) as AppState;
    expect(state.show.presenter.deckErrors).toEqual([]);
    expect(state.show.chapters.map((c) => c.title)).toEqual(['Hello', 'Middle', 'Bye', 'Boom']);
  });
});
