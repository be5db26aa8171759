import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDeckError, loadDeck, parseDeck, splitNotes, type DeckError } from '../../../src/main/show/deck';
import { ACTION_GRAMMAR, actionToString } from '../../../src/shared/actions';
import { BUILTIN_DECK, BUILTIN_TITLES, builtinDeck } from './helpers';

const lines = (...ls: string[]): string => ls.join('\n');

function errorsOf(text: string): DeckError[] {
  const r = parseDeck(text, 'deck.md');
  if (r.ok) throw new Error('expected the deck to fail');
  return r.errors;
}

describe('the built-in deck', () => {
  const deck = builtinDeck();

  it('parses into the 8 chapters, in order, with their settings', () => {
    expect(deck.title).toBe('TiKV: Lose a Node, Keep Your Data');
    expect(deck.chapters.map((c) => c.title)).toEqual([...BUILTIN_TITLES]);
    const pick = deck.chapters.map((c) => [c.id, c.map, c.panel, c.action && actionToString(c.action), c.countdown, c.blocksAdvance]);
    expect(pick).toEqual([
      ['welcome', false, 'none', null, 0, false],
      ['cluster-health', true, 'none', null, 0, false],
      ['load-generation', true, 'workload', 'start-workload', 0, false],
      ['fault-injection', true, 'none', 'kill-random-tikv', 3, true],
      ['detection', true, 'timeline', null, 0, false],
      ['diagnosis', true, 'diagnosis', null, 0, false],
      ['recovery', true, 'none', 'restore', 0, true],
      ['complete', true, 'workload', null, 0, false]
    ]);
    expect(deck.chapters[0]?.source).toEqual({ file: 'tikv-resilience.md', line: 1 });
    for (const c of deck.chapters) expect(c.autoAdvance).toBeNull();
  });

  it('has short narration and useful notes that never leak to the audience', () => {
    for (const c of deck.chapters) {
      const shown = c.narration.split('\n').filter((l) => l.trim() !== '');
      expect(shown.length, c.title).toBeLessThanOrEqual(6);
      expect(c.narration).not.toContain('<!--');
      expect(c.notes.length, c.title).toBeGreaterThan(80);
    }
    const notes = deck.chapters.map((c) => c.notes).join('\n');
    expect(notes).toMatch(/10-20 s/); // leaders move
    expect(notes).toMatch(/Disconnected 10-20 s after the kill: 20 s after the LAST heartbeat/); // PD's rule, pkg/core/store.go
    expect(notes).toMatch(/30 minutes/); // Down
    expect(notes).toMatch(/10-25 s/); // back Up
    expect(notes).toMatch(/tens of seconds/); // leaders drift back
  });

  it('loads from disk', async () => {
    const r = await loadDeck(BUILTIN_DECK);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.deck.chapters).toHaveLength(8);
  });
});

describe('parseDeck: slides, notes and defaults', () => {
  it('extracts notes from the trailing comment only', () => {
    const r = parseDeck(
      lines(
        '---',
        'title: One',
        '---',
        '# Hello',
        '<!-- an inline comment stays in the narration -->',
        'Body text.',
        '',
        '<!--',
        '  Say this.',
        '    Then that.',
        '-->',
        ''
      ),
      'deck.md'
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.deck.chapters[0];
    expect(c?.notes).toBe('Say this.\n  Then that.');
    expect(c?.narration).toBe('# Hello\n<!-- an inline comment stays in the narration -->\nBody text.');
    expect(splitNotes('no notes here')).toEqual({ narration: 'no notes here', notes: '' });
  });

  it('applies defaults, derives ids from titles and disambiguates clashes', () => {
    const r = parseDeck(lines('---', 'title: Señor Café!', '---', 'a', '---', 'title: Señor Café!', '---', 'b'), 'deck.md');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.deck.title).toBe('Señor Café!');
    expect(r.deck.chapters.map((c) => c.id)).toEqual(['senor-cafe', 'senor-cafe-2']);
    const [a, b] = r.deck.chapters;
    expect(a).toMatchObject({
      action: null,
      countdown: 0,
      autoAdvance: null,
      blocksAdvance: false,
      map: false,
      panel: 'none',
      duration: null,
      source: { file: 'deck.md', line: 1 }
    });
    expect(b?.source).toEqual({ file: 'deck.md', line: 5 });
  });

  it('accepts map as show/hide or true/false, and every key', () => {
    const r = parseDeck(
      lines(
        '---',
        'deckTitle: My talk',
        'title: A',
        'id: first',
        'map: hide',
        '---',
        '---',
        'title: B',
        'map: true',
        'panel: timeline',
        'action: "kill:tikv2"',
        'countdown: 5',
        'autoAdvance: 2.5',
        'blocksAdvance: true',
        'duration: 45',
        '---'
      ),
      'deck.md'
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.deck.title).toBe('My talk');
    expect(r.deck.chapters[0]).toMatchObject({ id: 'first', map: false });
    expect(r.deck.chapters[1]).toMatchObject({
      id: 'b',
      map: true,
      panel: 'timeline',
      action: { type: 'fault', fault: { kind: 'kill', target: { type: 'named', name: 'tikv2' } } },
      countdown: 5,
      autoAdvance: 2.5,
      blocksAdvance: true,
      duration: 45
    });
  });

  it('does not split on --- inside a fenced code block, and counts CRLF lines right', () => {
    const text = ['---', 'title: Code', '---', '```yaml', '---', 'a: 1', '```', '---', 'title: Next', 'panel: bogus', '---'].join('\r\n');
    const errs = errorsOf(text);
    expect(errs).toEqual([{ file: 'deck.md', line: 10, message: 'panel: expected one of none, timeline, diagnosis, workload, got "bogus"' }]);
  });
});

describe('parseDeck: errors name the file line', () => {
  it('a bad action on line N', () => {
    const text = lines(
      '---', //             1
      'title: Welcome', //  2
      '---', //             3
      '# Hi', //            4
      '', //                5
      '---', //             6
      'title: Boom', //     7
      'map: show', //       8
      'action: explode', // 9
      '---', //             10
      'Body'
    );
    const errs = errorsOf(text);
    expect(errs).toEqual([{ file: 'deck.md', line: 9, message: `unknown action "explode": expected one of ${ACTION_GRAMMAR}` }]);
    expect(formatDeckError(errs[0] as DeckError)).toBe(`deck.md:9: unknown action "explode": expected one of ${ACTION_GRAMMAR}`);
  });

  it('a bad node name in an action', () => {
    const errs = errorsOf(lines('---', 'title: A', 'action: kill:mysql', '---'));
    expect(errs).toEqual([
      { file: 'deck.md', line: 3, message: 'unknown node "mysql" in action "kill:mysql": expected a name like tikv0 or pd1' }
    ]);
  });

  it('a missing title names the slide\'s opening line', () => {
    const errs = errorsOf(lines('---', 'title: One', '---', 'text', '', '---', 'map: show', '---', 'body'));
    expect(errs).toEqual([{ file: 'deck.md', line: 6, message: 'missing title: every slide needs "title:" in its front matter' }]);
    expect(errorsOf(lines('---', '---', 'body'))[0]).toMatchObject({ line: 1, message: expect.stringMatching(/^missing title/) });
  });

  it('bad YAML, at the line of the fault', () => {
    const errs = errorsOf(lines('---', 'title: A', '---', '', '---', 'title: B', 'map: show', 'countdown: [1, 2', '---'));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ file: 'deck.md', line: 8 });
    expect(errs[0]?.message).toMatch(/^bad YAML in front matter: /);
    const nested = errorsOf(lines('', '---', 'title: a: b', '---'));
    expect(nested[0]).toMatchObject({ line: 3, message: 'bad YAML in front matter: Nested mappings are not allowed in compact mappings' });
  });

  it('an unknown key', () => {
    const errs = errorsOf(lines('---', 'title: A', 'map: show', 'colour: red', '---'));
    expect(errs).toEqual([
      {
        file: 'deck.md',
        line: 4,
        message: 'unknown key "colour": expected one of title, deckTitle, id, action, countdown, autoAdvance, blocksAdvance, map, panel, duration, layout, image, reveal, allowQuorumLoss, allow-quorum-loss'
      }
    ]);
  });

  it('wrong values, every one of them, across slides', () => {
    const errs = errorsOf(
      lines(
        '---', //                  1
        'title: A', //             2
        'countdown: 12', //        3
        'map: yes', //             4
        '---', //                  5
        '---', //                  6
        'title: B', //             7
        'blocksAdvance: maybe', // 8
        'autoAdvance: -1', //      9
        'deckTitle: Late', //      10
        '---' //                   11
      )
    );
    expect(errs.map(formatDeckError)).toEqual([
      'deck.md:3: countdown: expected whole seconds from 0 to 10, got 12',
      'deck.md:4: map: expected show, hide, true or false, got "yes"',
      'deck.md:8: blocksAdvance: expected true or false, got "maybe"',
      'deck.md:9: autoAdvance: expected seconds (more than 0, at most 3600), got -1',
      "deck.md:10: deckTitle belongs in the first slide's front matter"
    ]);
  });

  it('a countdown or blocksAdvance without an action, duplicate ids', () => {
    const errs = errorsOf(
      lines('---', 'title: A', 'countdown: 3', 'blocksAdvance: true', '---', '---', 'title: B', 'id: a', '---', '---', 'title: C', 'id: a', '---')
    );
    expect(errs.map(formatDeckError)).toEqual([
      'deck.md:3: countdown: 3 needs an action to count down to',
      'deck.md:4: blocksAdvance: true needs an action (there is nothing to wait for)',
      'deck.md:12: duplicate id "a" (also used on line 8)'
    ]);
  });

  it('text before the first slide is a slide (as in Slidev), an unclosed front matter, an empty deck', () => {
    const stray = parseDeck(lines('# Stray', '---', 'title: A', '---'), 'deck.md');
    expect(stray.ok && stray.deck.chapters.map((c) => [c.title, c.source?.line])).toEqual([
      ['Stray', 1],
      ['A', 2]
    ]);
    expect(errorsOf(lines('---', 'title: A', '---', 'x', '---', 'title: B', 'map: show'))).toEqual([
      { file: 'deck.md', line: 5, message: 'front matter is not closed: expected a second "---" line' }
    ]);
    expect(errorsOf('')[0]).toMatchObject({ line: 0, message: expect.stringMatching(/no slides/) });
    expect(formatDeckError({ file: 'deck.md', line: 0, message: 'x' })).toBe('deck.md: x');
  });

  it('loadDeck reports an unreadable file as an error, never a throw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deck-'));
    const missing = join(dir, 'nope.md');
    const r = await loadDeck(missing);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: missing, line: 0, message: expect.stringMatching(/^cannot read the deck/) });

    const bad = join(dir, 'bad.md');
    writeFileSync(bad, lines('---', 'title: A', 'action: explode', '---'));
    const r2 = await loadDeck(bad);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(formatDeckError(r2.errors[0] as DeckError)).toMatch(new RegExp(`bad\\.md:3: unknown action "explode"`));
  });
});

describe('deck: the quorum opt-in', () => {
  const deckWith = (extra: string, action = 'kill:tikv1') =>
    parseDeck(`---\ntitle: One\n---\n# a\n\n---\ntitle: Two\naction: ${action}\n${extra}\n---\n# b\n`, 'q.md');

  it('carries allow-quorum-loss into the fault it opts in', () => {
    for (const key of ['allow-quorum-loss', 'allowQuorumLoss']) {
      const r = deckWith(`${key}: true`);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.deck.chapters[1]?.action).toEqual({ type: 'fault', fault: { kind: 'kill', target: { type: 'named', name: 'tikv1' }, allowQuorumLoss: true } });
    }
    const plain = deckWith('countdown: 0');
    expect(plain.ok && plain.deck.chapters[1]?.action).toEqual({ type: 'fault', fault: { kind: 'kill', target: { type: 'named', name: 'tikv1' } } });
  });

  it('refuses the opt-in on a slide without a fault, with its line', () => {
    const r = deckWith('allow-quorum-loss: true', 'restore-all');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ line: 9, message: expect.stringMatching(/needs a fault action/) });
  });
});
