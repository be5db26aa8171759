// Decks written for Slidev open here with the slides and titles Slidev gives them (after its
// loader skips hidden slides and follows `src:` imports), and this app's own checks still hold.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDeckError, loadDeck, parseDeck, type Deck, type DeckError } from '../../../src/main/show/deck';

const FIXTURES = join(import.meta.dirname, '../../fixtures/slidev');
const lines = (...ls: string[]): string => ls.join('\n');

async function load(file: string): Promise<Deck> {
  const r = await loadDeck(join(FIXTURES, file));
  if (!r.ok) throw new Error(r.errors.map(formatDeckError).join('\n'));
  return r.deck;
}
function parsed(text: string): Deck {
  const r = parseDeck(text, 'deck.md');
  if (!r.ok) throw new Error(r.errors.map(formatDeckError).join('\n'));
  return r.deck;
}
function errorsOf(text: string): DeckError[] {
  const r = parseDeck(text, 'deck.md');
  if (r.ok) throw new Error('expected the deck to fail');
  return r.errors;
}

// Slidev's titles per slide (core.ts), after its loader (fs.ts load) drops `hide`/`disabled`
// slides and replaces a `src:` slide with the slides it imports. An untitled slide is "Slide N".
const LOADED: Record<string, string[]> = {
  'starter/slides.md': [
    'Welcome to Slidev', 'What is Slidev?', 'Navigation', 'Table of contents', 'Code', 'Shiki Magic Move', 'Components', 'Themes',
    'Clicks Animations', 'Motions', '$\\LaTeX$', 'Diagrams', 'Draggable Elements', 'Imported Slides', 'Monaco Editor', 'Learn More'
  ],
  'template/slides.md': ['Welcome to Slidev', 'What is Slidev?', 'Table of contents', 'Navigation', 'Code', 'Components', 'Themes', 'Animations', 'LaTeX', 'Diagrams', 'Learn More'],
  'theme-example/slides.md': ['Slidev Theme Starter', 'What is Slidev?', 'Navigation', 'Code', 'Learn More'],
  'parser/frontmatter.md': ['Hi', 'Hello', 'Morning', 'Slide 4', 'Slide 5', 'Slide 6', 'When there is already a frontmatter, the first yaml block should be treated as content', 'Title'],
  'parser/minimal.md': ['H1', 'Hello', 'Slide 3'],
  'parser/mdc.md': ['Comark{style="color:red"}']
};

describe('Slidev decks open with Slidev\'s slides', () => {
  for (const [file, titles] of Object.entries(LOADED)) {
    it(`${file}: ${titles.length} slides`, async () => {
      const deck = await load(file);
      expect(deck.chapters.map((c) => c.title)).toEqual(titles);
      expect(new Set(deck.chapters.map((c) => c.id)).size).toBe(titles.length);
    });
  }

  it('composable-vue: 38 slides less its 3 disabled ones, titles from name: and headings', async () => {
    const deck = await load('composable-vue/slides.md');
    expect(deck.chapters).toHaveLength(35);
    expect(deck.chapters.slice(0, 3).map((c) => c.title)).toEqual(['Composable Vue', 'Anthony Fu', 'Sponsors']);
    expect(deck.chapters.at(-1)?.title).toBe('Thank You!');
  });

  it('the starter: Slidev keys are warnings with file:line; layouts, image and duration are read', async () => {
    const deck = await load('starter/slides.md');
    const warnings = (deck.warnings ?? []).map(formatDeckError);
    const file = join(FIXTURES, 'starter/slides.md');
    expect(warnings).toContain(`${file}:3: "theme" is a Slidev setting this app does not use: ignored`);
    expect(warnings).toContain(`${file}:15: "class" is a Slidev setting this app does not use: ignored`);
    expect(warnings).toContain(`${file}:49: "transition" is a Slidev setting this app does not use: ignored`);
    expect(warnings).toContain(`${file}:578: "foo" is a custom key (Slidev passes it to components): ignored`);
    expect(warnings.some((w) => w.startsWith(`${file}:137: image: "https://cover.sli.dev" is remote`))).toBe(true);
    const [welcome, , , toc, code] = deck.chapters;
    expect(welcome?.duration).toBe(35 * 60);
    expect(welcome?.narration).not.toMatch(/^# Welcome/);
    expect(toc).toMatchObject({ layout: 'two-cols', right: expect.stringContaining('<Toc') });
    expect(code).toMatchObject({ layout: 'image-right', image: { kind: 'placeholder' } });
    expect(deck.chapters[13]?.source?.file).toBe(join(FIXTURES, 'starter/pages/imported-slides.md'));
  });
});

describe('this app\'s keys and checks in a Slidev world', () => {
  it('a key neither knows is still an error (with a hint for a typo), also in a Slidev deck', () => {
    expect(errorsOf(lines('---', 'title: A', 'colour: red', '---'))[0]).toMatchObject({ line: 3, message: expect.stringMatching(/^unknown key "colour"/) });
    const typo = errorsOf(lines('---', 'theme: seriph', 'title: A', 'acton: restore', '---'));
    expect(typo).toEqual([{ file: 'deck.md', line: 4, message: expect.stringMatching(/^unknown key "acton": did you mean "action"\?/) }]);
  });

  it('layouts, reveal steps, two columns, durations with units', () => {
    const deck = parsed(
      lines(
        '---', 'title: Steps', 'reveal: list', 'duration: 2min', '---', '- one', '- two', '  - nested', '- three', '', '```md', '- not an item', '```',
        '---', 'layout: two-cols', '---', '# Cols', 'left', '', '::right::', '', 'right side',
        '---', 'layout: section', '---', '# Part two',
        '---', 'layout: cover', '---', '# Cover'
      )
    );
    expect(deck.chapters.map((c) => [c.title, c.layout, c.steps])).toEqual([
      ['Steps', 'default', 3],
      ['Cols', 'two-cols', 0],
      ['Part two', 'section', 0],
      ['Cover', 'default', 0]
    ]);
    expect(deck.chapters[0]?.duration).toBe(120);
    expect(deck.chapters[1]).toMatchObject({ narration: 'left', right: 'right side' });
    expect((deck.warnings ?? []).map(formatDeckError)).toContain('deck.md:28: layout "cover" is not one this app draws (default, center, section, two-cols, image-right, quote): shown as default');
    expect(errorsOf(lines('---', 'title: A', 'layout: 3', '---'))[0]?.message).toMatch(/^layout: expected one of default/);
    expect(errorsOf(lines('---', 'title: A', 'duration: 3 parsecs', '---'))[0]).toMatchObject({ line: 3 });
    expect(errorsOf(lines('---', 'title: A', 'reveal: all', '---'))[0]?.message).toMatch(/^reveal: expected list or none/);
  });

  it('images: beside the deck become /deck-assets/ URLs; escaping and remote ones do not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slides-'));
    mkdirSync(join(dir, 'img'));
    writeFileSync(join(dir, 'img', 'arch.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, 'pic.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    const deckFile = join(dir, 'deck.md');
    writeFileSync(
      deckFile,
      lines('---', 'title: Pictures', '---', '![Arch](img/arch.svg)', '![Out](../secret.png)', '![Gone](gone.png)', '![Web](https://example.com/x.png)', '---', 'title: Right', 'layout: image-right', 'image: pic.png', '---', 'Text')
    );
    const r = await loadDeck(deckFile);
    if (!r.ok) throw new Error(r.errors.map(formatDeckError).join('\n'));
    const [pics, right] = r.deck.chapters;
    expect(pics?.narration).toContain('![Arch](/deck-assets/img/arch.svg)');
    expect(pics?.narration).toContain('![Out](refused:)');
    expect(pics?.narration).toContain('![Gone](missing:)');
    expect(pics?.narration).toContain('![Web](https://example.com/x.png)');
    expect(right?.image).toEqual({ kind: 'local', url: '/deck-assets/pic.png', alt: '' });
    const w = (r.deck.warnings ?? []).map(formatDeckError);
    expect(w).toContain(`${deckFile}:5: image "../secret.png" is not shown: it leaves the deck's folder ("..")`);
    expect(w).toContain(`${deckFile}:6: image "gone.png": no such image beside the deck`);
    expect(w.some((x) => x.startsWith(`${deckFile}:7: image "https://example.com/x.png" is remote`))).toBe(true);
  });
});
