// Decks from disk under abuse: FIFOs, folders, huge files, YAML alias bombs, a watched deck
// overwritten mid-show, imports that lead out of the folder or multiply, notes of 200k lines.
// Every path answers with errors (file:line where there is one), and quickly.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DECK_MAX_CHAPTERS,
  DECK_MAX_IMPORTS,
  formatDeckError,
  idAllocator,
  importPath,
  loadDeck,
  parseDeck,
  type Deck,
  type DeckError
} from '../../../src/main/show/deck';
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

const lines = (...ls: string[]): string => ls.join('\n');

describe('src: imports stay inside the deck folder, by real path', () => {
  it('refuses an import whose real path leads out (a symlinked file, a symlinked folder, ..), naming its slide', async () => {
    const d = realpathSync(dir());
    writeFileSync(join(d, 'secret.txt'), 'root:x:0:0:SECRET\n');
    mkdirSync(join(d, 'outside'));
    writeFileSync(join(d, 'outside', 'x.md'), '# SECRET too\n');
    const deck = join(d, 'deck');
    mkdirSync(deck);
    symlinkSync(join(d, 'secret.txt'), join(deck, 'p.md'));
    symlinkSync(join(d, 'outside'), join(deck, 'pages'));
    const talk = join(deck, 'talk.md');
    writeFileSync(talk, lines('---', 'title: A', '---', '# A', '', '---', 'src: p.md', '---', '', '---', 'src: pages/x.md', '---', '', '---', 'src: ../outside/x.md', '---', ''));
    const r = await loadDeck(talk);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const out = (file: string): string => `it leads outside the deck's folder (to ${join(d, file)}): only files inside the deck's folder are imported`;
    expect(r.errors.map(formatDeckError)).toEqual([
      `${talk}:6: src: "p.md" is not imported: ${out('secret.txt')}`,
      `${talk}:10: src: "pages/x.md" is not imported: ${out('outside/x.md')}`,
      `${talk}:14: src: "../outside/x.md" is not imported: ${out('outside/x.md')}`
    ]);
    expect(JSON.stringify(r)).not.toContain('SECRET');
  });

  it('reads "/x.md" from the deck folder, as Slidev does, also inside an imported file in a subfolder', async () => {
    const d = dir();
    mkdirSync(join(d, 'pages'));
    writeFileSync(join(d, 'shared.md'), lines('---', 'title: Shared', '---', '# Shared', ''));
    writeFileSync(join(d, 'pages', 'shared.md'), lines('---', 'title: Wrong one', '---', '# Wrong one', ''));
    writeFileSync(join(d, 'pages', 'part.md'), lines('---', 'title: Part', '---', '# Part', '', '---', 'src: /shared.md', '---', ''));
    writeFileSync(join(d, 'talk.md'), lines('---', 'title: A', '---', '# A', '', '---', 'src: pages/part.md', '---', ''));
    const r = await loadDeck(join(d, 'talk.md'));
    if (!r.ok) throw new Error(r.errors.map(formatDeckError).join('\n'));
    expect(r.deck.chapters.map((c) => c.title)).toEqual(['A', 'Part', 'Shared']);
  });

  it('follows symlinks that stay inside, also in a deck folder reached through a symlink', async () => {
    const d = dir();
    const real = join(d, 'real');
    mkdirSync(join(real, 'pages'), { recursive: true });
    writeFileSync(join(real, 'pages', 'b.md'), lines('---', 'title: B', '---', '# B', ''));
    symlinkSync(join(real, 'pages', 'b.md'), join(real, 'alias.md'));
    writeFileSync(join(real, 'talk.md'), lines('---', 'title: A', '---', '# A', '', '---', 'src: alias.md', '---', '', '---', 'src: pages/b.md', '---', ''));
    symlinkSync(real, join(d, 'link'));
    const r = await loadDeck(join(d, 'link', 'talk.md'));
    if (!r.ok) throw new Error(r.errors.map(formatDeckError).join('\n'));
    expect(r.deck.chapters.map((c) => c.title)).toEqual(['A', 'B', 'B']);
  });
});

describe('a cap on the slides a deck makes through src: imports', () => {
  const DECK = join(tmpdir(), 'capped', 'deck.md');
  const slides = (n: number, title: string): string => Array.from({ length: n }, (_, i) => `---\ntitle: ${title} ${i + 1}\n---\n`).join('');
  const imports = (n: number, file: string): string => Array.from({ length: n }, () => `---\nsrc: ${file}\n---\n`).join('');
  const at = (file: string): string => importPath(DECK, file);

  it(`makes ${DECK_MAX_CHAPTERS} chapters, and refuses one more at the slide past the cap`, () => {
    const sources = new Map([[at('a.md'), slides(DECK_MAX_CHAPTERS / 2, 'A')]]);
    const full = parseDeck(imports(2, 'a.md'), DECK, sources);
    expect(full.ok && full.deck.chapters.length).toBe(DECK_MAX_CHAPTERS);
    const over = parseDeck(slides(1, 'Intro') + imports(2, 'a.md'), DECK, sources);
    expect(over.ok).toBe(false);
    if (!over.ok)
      expect(over.errors.map(formatDeckError)).toEqual([
        `${at('a.md')}:${(DECK_MAX_CHAPTERS / 2 - 1) * 3 + 1}: the deck makes more than ${DECK_MAX_CHAPTERS} slides, counting each "src:" import every time it is imported: a deck may make at most ${DECK_MAX_CHAPTERS} (imported through deck.md:7)`
      ]);
  });

  it('refuses 20 imports of a file that does the same, four deep (160,000 slides), at once', () => {
    const sources = new Map<string, string>();
    const files = ['a.md', 'b.md', 'c.md', 'd.md'];
    files.forEach((f, i) => sources.set(at(f), i < files.length - 1 ? imports(20, files[i + 1] ?? '') : slides(1, 'Leaf')));
    const t0 = performance.now();
    const r = parseDeck(imports(20, 'a.md'), DECK, sources);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^the deck has more than 1000 "src:" imports/) })]);
  });

  it(`stops at ${DECK_MAX_IMPORTS} imports, even of a file of hidden slides (split once, not once per import)`, () => {
    const hidden = Array.from({ length: 1000 }, () => '---\nhide: true\n---\n# hidden\n').join('');
    const sources = new Map([[at('h.md'), hidden]]);
    const t0 = performance.now();
    const ok = parseDeck(slides(1, 'Intro') + imports(DECK_MAX_IMPORTS, 'h.md'), DECK, sources);
    expect(ok.ok && ok.deck.chapters.map((c) => c.title)).toEqual(['Intro 1']);
    const over = parseDeck(slides(1, 'Intro') + imports(DECK_MAX_IMPORTS + 1, 'h.md'), DECK, sources);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(!over.ok && over.errors.map(formatDeckError)).toEqual([
      `${DECK}:${(DECK_MAX_IMPORTS + 1) * 3 + 1}: the deck has more than ${DECK_MAX_IMPORTS} "src:" imports, counting each every time its file is imported: a deck may have at most ${DECK_MAX_IMPORTS}`
    ]);
  });
});

describe('derived ids', () => {
  /** The loop idAllocator replaced: counts up from 2 for every slide (quadratic). */
  function oldIds(bases: string[], used: Map<string, number>): string[] {
    return bases.map((base, i) => {
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.set(id, i);
      return id;
    });
  }
  /** A Map that counts its lookups: the work idAllocator does. */
  class CountingMap extends Map<string, number> {
    lookups = 0;
    override has(key: string): boolean {
      this.lookups++;
      return super.has(key);
    }
  }

  it('20,000 slides of one title: x, x-2 ... x-20000, with O(n) lookups', () => {
    const used = new CountingMap();
    const next = idAllocator(used);
    const ids = Array.from({ length: 20_000 }, (_, i) => next('x', i));
    expect(ids.slice(0, 3)).toEqual(['x', 'x-2', 'x-3']);
    expect(ids.at(-1)).toBe('x-20000');
    expect(new Set(ids).size).toBe(20_000);
    expect(used.lookups).toBeLessThan(3 * 20_000); // the old loop: about 200,000,000
  });

  it('gives the ids the old loop gave, explicit ids and look-alike titles included', () => {
    const base = fc.constantFrom('x', 'x-2', 'x-3', 'x-2-2', 'y', 'x-10');
    fc.assert(
      fc.property(fc.array(base, { maxLength: 40 }), fc.array(base, { maxLength: 5 }), (bases, explicit) => {
        const seed = (): Map<string, number> => new Map(explicit.map((id, i) => [id, i]));
        const next = idAllocator(seed());
        expect(bases.map((b, i) => next(b, i))).toEqual(oldIds(bases, seed()));
      }),
      { numRuns: 500 }
    );
    const r = parseDeck(lines('---', 'title: x', '---', '---', 'title: x', '---', '---', 'title: x-2', '---', '---', 'title: Other', 'id: x-4', '---', '---', 'title: x', '---', '---', 'title: x', '---'), 'deck.md');
    expect(r.ok && r.deck.chapters.map((c) => c.id)).toEqual(['x', 'x-2', 'x-2-2', 'x-4', 'x-3', 'x-5']);
  });
});

describe('notes of any length', () => {
  it('a note of 200,000 lines is dedented (no spread of every line into Math.min)', () => {
    const r = parseDeck(`---\ntitle: N\n---\nbody\n<!--\n${'    line\n'.repeat(200_000)}-->\n`, 'n.md');
    if (!r.ok) throw new Error(r.errors.map(formatDeckError).join('\n'));
    const notes = r.deck.chapters[0]?.notes ?? '';
    expect(notes.split('\n')).toHaveLength(200_000);
    expect(notes.startsWith('line\nline\n')).toBe(true);
  });
});
