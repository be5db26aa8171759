// The decks shipped under resources/decks/ use the slide features and load without a warning.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDeckError, loadDeck, type Deck } from '../../../src/main/show/deck';
import { BUILTIN_DECK, BUILTIN_TITLES } from './helpers';

const EXAMPLE = join(import.meta.dirname, '../../../resources/decks/example/slides.md');

async function load(file: string): Promise<Deck> {
  const r = await loadDeck(file);
  if (!r.ok) throw new Error(r.errors.map(formatDeckError).join('\n'));
  return r.deck;
}

describe('shipped decks', () => {
  it('the example deck: an image, code, two columns, a reveal, a section, a quote, no warnings', async () => {
    const deck = await load(EXAMPLE);
    expect((deck.warnings ?? []).map(formatDeckError)).toEqual([]);
    const by = (title: string) => deck.chapters.find((c) => c.title === title);
    expect(deck.chapters[0]).toMatchObject({ layout: 'image-right', image: { kind: 'local', url: '/deck-assets/architecture.svg' }, duration: 60 });
    expect(by('Code, highlighted offline')?.narration).toMatch(/^```rust \{3-4\}/);
    expect(by('Two columns')).toMatchObject({ layout: 'two-cols', right: expect.stringContaining('```toml') });
    expect(by('One point at a time')?.steps).toBe(3);
    expect(by('The fault')?.layout).toBe('section');
    expect(by('Quote')?.layout).toBe('quote');
  });

  it('the built-in deck keeps its 8 chapters, with the architecture picture in Welcome', async () => {
    const deck = await load(BUILTIN_DECK);
    expect(deck.chapters.map((c) => c.title)).toEqual([...BUILTIN_TITLES]);
    expect((deck.warnings ?? []).map(formatDeckError)).toEqual([]);
    expect(deck.chapters[0]).toMatchObject({ layout: 'image-right', image: { kind: 'local', url: '/deck-assets/tikv-architecture.svg' } });
    expect(deck.chapters[3]?.layout).toBe('section');
  });
});
