// Decks from disk under abuse: FIFOs, folders, huge files, YAML alias bombs, a watched deck
// overwritten mid-show. Every path answers with errors (file:line where there is one).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeck, parseDeck, type Deck, formatDeckError, type DeckError } from '../../../src/main/show/deck';
import { readDeckText } from '../../../src/main/show/deck-file';
import { watchDeck } from '../../../src/main/show/deck-watch';

const dir = (): string => mkdtempSync(join(tmpdir(), 'deck-'));
const GOOD = '---\ntitle: One\n---\n# One\n\n---\ntitle: Two\n---\n# Two\n';

/** A billion laughs: each level doubles ten times over. */
function aliasBomb(levels = 9): string {
  const lines = ['---', 'title: Bomb', 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  lines.push('---', '# boom', '');
  return lines.join('\n');
}

describe('deck files from disk', () => {
  it('refuses a FIFO at once, without waiting for a writer', async () => {
    const p = join(dir(), 'pipe.md');
    execFileSync('mkfifo', [p]);
    const t0 = Date.now();
    const r = await loadDeck(p);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toBe('cannot read the deck: it is a named pipe (FIFO), not a deck file');
  });

  it('refuses a folder, a missing file, a file over the cap and bytes that are not UTF-8', async () => {
    const d = dir();
    mkdirSync(join(d, 'folder.md'));
    writeFileSync(join(d, 'big.md'), GOOD + 'x'.repeat(3 * 1024 * 1024));
    writeFileSync(join(d, 'bin.md'), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x00]));
    const msg = async (name: string): Promise<string> => {
      const r = await loadDeck(join(d, name));
      return r.ok ? 'ok' : r.errors.map((e) => e.message).join('; ');
    };
    expect(await msg('folder.md')).toMatch(/it is a folder, not a deck file/);
    expect(await msg('missing.md')).toMatch(/cannot read the deck: ENOENT/);
    expect(await msg('big.md')).toMatch(/it is 3\.0 MB; a deck may be at most 2 MB/);
    expect(await msg('bin.md')).toMatch(/not UTF-8 text/);
    writeFileSync(join(d, 'ok.md'), GOOD);
    expect((await readDeckText(join(d, 'ok.md'))).ok).toBe(true);
    expect(await msg('ok.md')).toBe('ok');
  });

  it('reads a YAML alias bomb as an error on its line, quickly', () => {
    const t0 = Date.now();
    const r = parseDeck(aliasBomb(), 'bomb.md');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: 'bomb.md', line: 2, message: expect.stringMatching(/front matter cannot be read: .*alias/i) });
    // A few aliases are still fine.
    expect(parseDeck('---\ntitle: &t Hello\nid: hello\n---\n# x\n', 'ok.md').ok).toBe(true);
  });

  it('keeps the last good deck when a watched deck is overwritten with an alias bomb', async () => {
    const p = join(dir(), 'talk.md');
    writeFileSync(p, GOOD);
    const decks: Deck[] = [];
    const errors: string[][] = [];
    const lines = (e: DeckError[]): string[] => e.map(formatDeckError);
    const w = watchDeck(p, { deck: (d) => decks.push(d), errors: (e) => errors.push(lines(e)) }, 40);
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(p, aliasBomb());
    await expect.poll(() => errors.length, { timeout: 5000 }).toBe(1);
    expect(errors[0]![0]).toMatch(/^.*talk\.md:2: front matter cannot be read/);
    expect(decks).toEqual([]);
    writeFileSync(p, GOOD.replace('One', 'Uno'));
    await expect.poll(() => decks.length, { timeout: 5000 }).toBe(1);
    expect(decks[0]!.chapters[0]!.title).toBe('Uno');
    await w.close();
  });

  it('a loader that throws is reported, not thrown', async () => {
    const p = join(dir(), 'talk.md');
    writeFileSync(p, GOOD);
    const errors: string[][] = [];
    const lines = (e: DeckError[]): string[] => e.map(formatDeckError);
    const w = watchDeck(p, { deck: () => undefined, errors: (e) => errors.push(lines(e)) }, 40, async () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(p, GOOD + '\n');
    await expect.poll(() => errors.length, { timeout: 5000 }).toBe(1);
    expect(errors[0]![0]).toMatch(/talk\.md: the deck could not be reloaded: Maximum call stack/);
    await w.close();
  });
});
