// Slides that carry a talk, from outside, in browser mode: a deck of its own with an image beside
// it (it loads) and one that tries to leave the folder (it does not), highlighted code, two
// columns, a `reveal: list` slide stepped with PageDown; Slidev's own decks open with Slidev's
// slides and make no request off the machine; the presenter's audience mirror and next preview.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, artifactDir, chapterIndexOf, launchChromium, startWeb, watchForeignRequests, type RunningApp } from './harness';

/** A real PNG (w×h, one colour), so the browser decodes it to a non-zero natural size. */
function png(w: number, h: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = (table[(c ^ x) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x56)])));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const root = mkdtempSync(join(tmpdir(), 'tikv-stage-slides-'));
const talk = join(root, 'talk');
const deckFile = join(talk, 'deck.md');
const shots = artifactDir('slides');

const DECK = `---
title: Pictures
---
![Architecture](arch.png)

![Secret](../secret.png)

![Web](https://example.com/remote.png)

---
title: Code
---
\`\`\`rust {2}
fn main() {
    let leaders: u64 = 42; // moved
    println!("{}", leaders);
}
\`\`\`

---
title: Columns
layout: two-cols
---
Left words

::right::

Right words

---
title: Steps
reveal: list
---
- first point
- second point
- third point

---
title: After the steps
---
The end of the list.
`;

let app: RunningApp;
let browser: Browser;
let audience: Page;
let presenter: Page;
let foreignAudience: string[] = [];
let foreignPresenter: string[] = [];

beforeAll(async () => {
  mkdirSync(talk, { recursive: true });
  writeFileSync(join(talk, 'arch.png'), png(64, 40));
  writeFileSync(join(root, 'secret.png'), png(8, 8));
  writeFileSync(deckFile, DECK);
  app = await startWeb(['--mode', 'sim', '--sim-speed', '20', '--deck', deckFile]);
  browser = await launchChromium();
  audience = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  presenter = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  foreignAudience = watchForeignRequests(audience, app.url);
  foreignPresenter = watchForeignRequests(presenter, app.url);
  await audience.goto(`${app.url}/`);
  await presenter.goto(`${app.url}/presenter`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const title = async (p: Page): Promise<string> => ((await p.getByTestId('slide-title').first().textContent()) ?? '').trim();
const press = async (key = 'PageDown'): Promise<void> => {
  await audience.keyboard.press(key);
  await audience.waitForTimeout(120);
};

describe('a deck of my own', () => {
  it('the image beside the deck loads; the one leaving the folder and the remote one do not', async () => {
    await expect.poll(() => chapterIndexOf(audience), { timeout: 15_000 }).toBe('1 / 5');
    const img = audience.locator('.narration img[alt="Architecture"]');
    await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth), { timeout: 10_000 }).toBe(64);
    expect(await audience.locator('img[alt="Secret"]').count()).toBe(0);
    expect(await audience.locator('img[alt="Web"]').count()).toBe(0);
    const placeholders = await audience.locator('.md-image-placeholder').allTextContents();
    expect(placeholders).toEqual(['image outside the deck folder: Secret', 'remote image, not loaded: Web']);
    // Asked for directly, however encoded, the server refuses to leave the deck's folder.
    for (const p of ['../secret.png', '%2e%2e/secret.png', '..%2fsecret.png', '%2E%2E%2Fsecret.png', 'x/..%2f..%2fsecret.png']) {
      const r = await fetch(`${app.url}/deck-assets/${p}`);
      expect(r.status, p).not.toBe(200);
    }
    const ok = await fetch(`${app.url}/deck-assets/arch.png`);
    expect(ok.headers.get('content-type')).toBe('image/png');
    await audience.screenshot({ path: join(shots, 'pictures-720p.png') });
  });

  it('the code block shows several distinct token colours, with line focus', async () => {
    await press();
    await expect.poll(() => title(audience)).toBe('Code');
    const colours = await audience.$$eval('pre.code span[style*="color"]', (els) => [...new Set(els.map((e) => getComputedStyle(e).color))]);
    expect(colours.length).toBeGreaterThanOrEqual(4);
    expect(await audience.locator('pre.code .line-focus').count()).toBe(1);
    expect(await audience.locator('pre.code .line-dim').count()).toBe(3);
    for (const [w, h, name] of [[1280, 720, '720p'], [1920, 1080, '1080p'], [3840, 2160, '4k']] as const) {
      await audience.setViewportSize({ width: w, height: h });
      await audience.waitForTimeout(200);
      await audience.screenshot({ path: join(shots, `code-${name}.png`) });
    }
    await audience.setViewportSize({ width: 1280, height: 720 });
  });

  it('two columns: the ::right:: slot sits beside the left one', async () => {
    await press();
    await expect.poll(() => title(audience)).toBe('Columns');
    const [left, right] = await audience.$$eval('.slide-cols .slide-col', (els) => els.map((e) => ({ x: e.getBoundingClientRect().x, text: e.textContent?.trim() })));
    expect(left?.text).toBe('Left words');
    expect(right?.text).toBe('Right words');
    expect((right?.x ?? 0) > (left?.x ?? 0) + 200).toBe(true);
    await audience.screenshot({ path: join(shots, 'two-cols-720p.png') });
  });

  it('the reveal slide shows one, two, three items on PageDown while the chapter index stays, then moves on', async () => {
    await press();
    await expect.poll(() => title(audience)).toBe('Steps');
    const shown = (p: Page): Promise<number> => p.$$eval('.narration > ul > li', (els) => els.filter((e) => getComputedStyle(e).visibility === 'visible').length);
    expect(await shown(audience)).toBe(0);
    for (const n of [1, 2, 3]) {
      await press();
      await expect.poll(() => shown(audience)).toBe(n);
      expect(await chapterIndexOf(audience)).toBe('4 / 5');
      // The presenter's mirror shows the same step.
      await expect.poll(() => presenter.$$eval('[data-testid="audience-mirror"] .narration > ul > li', (els) => els.filter((e) => getComputedStyle(e).visibility === 'visible').length)).toBe(n);
    }
    await audience.screenshot({ path: join(shots, 'reveal-3-720p.png') });
    await press('PageUp');
    await expect.poll(() => shown(audience)).toBe(2);
    await press();
    await press();
    await expect.poll(() => chapterIndexOf(audience)).toBe('5 / 5');
    await expect.poll(() => title(audience)).toBe('After the steps');
  });
});

describe('the presenter view', () => {
  it('the audience mirror shows the audience\'s title and says blacked out while the audience is', async () => {
    await press('Home');
    await expect.poll(() => title(audience)).toBe('Pictures');
    const mirror = presenter.getByTestId('audience-mirror');
    await expect.poll(async () => (await mirror.textContent()) ?? '').toContain('Pictures');
    expect(await mirror.getAttribute('data-blackout')).toBe('false');
    await audience.keyboard.press('b');
    await expect.poll(() => mirror.getAttribute('data-blackout')).toBe('true');
    expect(await mirror.textContent()).toMatch(/Blacked out/);
    expect(await audience.getByTestId('blackout').count()).toBe(1);
    await presenter.screenshot({ path: join(shots, 'presenter-blackout.png') });
    await audience.keyboard.press('b');
    await expect.poll(() => mirror.getAttribute('data-blackout')).toBe('false');
    // Only the presenter's own ids are on its page: the mirror's are renamed.
    expect(await presenter.getByTestId('slide-title').count()).toBe(1);
  });

  it('the next preview shows the next slide\'s title and text, rendered; on a reveal slide, the next step', async () => {
    const preview = presenter.getByTestId('next-preview');
    await expect.poll(async () => (await preview.textContent()) ?? '').toContain('Code');
    expect(await preview.locator('pre.code span[style*="color"]').count()).toBeGreaterThan(3);
    await press();
    await press();
    await press();
    await expect.poll(() => title(audience)).toBe('Steps');
    await expect.poll(() => preview.getAttribute('data-step')).toBe('1');
    expect(await preview.locator('.narration > ul > li[data-reveal="shown"]').count()).toBe(1);
    await presenter.screenshot({ path: join(shots, 'presenter-reveal.png') });
    expect(foreignAudience).toEqual([]);
    expect(foreignPresenter).toEqual([]);
  });
});

// Slidev's own decks (test/fixtures/slidev, from slidevjs/slidev): the slide count and titles its
// parser gives them, and no request leaves the machine (their remote images are placeholders).
const SLIDEV: Record<string, string[]> = {
  'template/slides.md': ['Welcome to Slidev', 'What is Slidev?', 'Table of contents', 'Navigation', 'Code', 'Components', 'Themes', 'Animations', 'LaTeX', 'Diagrams', 'Learn More'],
  'starter/slides.md': [
    'Welcome to Slidev', 'What is Slidev?', 'Navigation', 'Table of contents', 'Code', 'Shiki Magic Move', 'Components', 'Themes',
    'Clicks Animations', 'Motions', '$\\LaTeX$', 'Diagrams', 'Draggable Elements', 'Imported Slides', 'Monaco Editor', 'Learn More'
  ]
};

describe('Slidev\'s example decks', () => {
  for (const [file, titles] of Object.entries(SLIDEV)) {
    it(`${file}: ${titles.length} slides with Slidev's titles, nothing fetched`, async () => {
      const slidev = await startWeb(['--mode', 'sim', '--sim-speed', '20', '--deck', join(ROOT, 'test/fixtures/slidev', file)]);
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      const away = watchForeignRequests(page, slidev.url);
      try {
        await page.goto(`${slidev.url}/`);
        const seen: string[] = [];
        for (let i = 0; i < titles.length; i++) {
          await expect.poll(() => chapterIndexOf(page), { timeout: 10_000 }).toBe(`${i + 1} / ${titles.length}`);
          seen.push(await title(page));
          if (i === 4) await page.screenshot({ path: join(shots, `slidev-${file.split('/')[0]}-${i + 1}.png`) });
          await page.keyboard.press('PageDown');
        }
        expect(seen).toEqual(titles);
        expect(away).toEqual([]);
      } finally {
        await page.close();
        await slidev.stop();
      }
    });
  }
});
