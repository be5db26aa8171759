// Property tests over what reads outside input: deck text, PD's HTTP answers, the fault
// ledger's bytes. Any input gives a value or a clear error, never a throw.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDeck } from '../../src/main/show/deck';
import { parseConfigObject, parseHealth, parseMembers, parseRegionCount, parseStores } from '../../src/main/cluster/pd-parse';
import { openLedger, parseLedger } from '../../src/main/chaos/ledger';

/** Deck-like text: lines drawn from the deck grammar's pieces, YAML anchors and junk. */
const deckLine = fc.oneof(
  fc.constantFrom(
    '---',
    '--- ',
    '```',
    '~~~',
    'title: A',
    'title:',
    'id: a',
    'id: A B',
    'action: kill-random-tikv',
    'action: explode',
    'action: kill:tikv9',
    'countdown: 3',
    'countdown: -1',
    'blocksAdvance: true',
    'map: show',
    'panel: nope',
    'deckTitle: T',
    'x: &a [1, 2]',
    'y: *a',
    'z: *missing',
    '<!-- notes -->',
    '<!--',
    '-->',
    '  - item',
    ': :',
    '? key',
    '"unterminated',
    '\t',
    '\uFEFF---',
    '\r'
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 })
);
const deckText = fc.oneof(
  fc.array(deckLine, { maxLength: 40 }).map((l) => l.join('\n')),
  fc.string({ unit: 'binary', maxLength: 400 })
);

describe('deck parser (property)', () => {
  it('any text gives a deck or errors with file and line, never a throw', () => {
    fc.assert(
      fc.property(deckText, (text) => {
        const r = parseDeck(text, 'fuzz.md');
        const lines = text.split(/\r\n|\r|\n/).length;
        if (r.ok) {
          expect(r.deck.chapters.length).toBeGreaterThan(0);
          for (const c of r.deck.chapters) expect(c.title.trim()).not.toBe('');
        } else {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) {
            expect(e.file).toBe('fuzz.md');
            expect(Number.isInteger(e.line) && e.line >= 0 && e.line <= lines + 1).toBe(true);
            expect(e.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 12_000 }
    );
  });
});

/** JSON-ish bodies: real JSON values, PD-shaped objects with wrong types, and raw bytes. */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const pdShaped = fc.oneof(
  fc.record({ count: fc.oneof(fc.integer(), fc.string(), anyJson), stores: fc.oneof(fc.array(anyJson, { maxLength: 4 }), anyJson) }, { requiredKeys: [] }),
  fc.record({ members: fc.oneof(fc.array(anyJson, { maxLength: 4 }), anyJson), leader: anyJson, header: anyJson }, { requiredKeys: [] }),
  fc.array(fc.record({ name: anyJson, member_id: anyJson, client_urls: anyJson, health: anyJson }, { requiredKeys: [] }), { maxLength: 4 })
);
const body = fc.oneof(
  anyJson.map((v) => JSON.stringify(v)),
  pdShaped.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '<html><title>502</title></html>', '{"count": 1e999}', '{"count": 12345678901234567890}', '"error string"', 'null', '{"a":1,"a":2}')
);

describe('PD response parsers (property)', () => {
  const parsers = { parseStores, parseMembers, parseHealth, parseRegionCount, parseConfigObject };
  for (const [name, parse] of Object.entries(parsers))
    it(`${name}: any body gives a view or a clear error, never a throw`, () => {
      fc.assert(
        fc.property(body, (b) => {
          const r = (parse as (s: string) => { ok: boolean; error?: string })(b);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) {
            expect(typeof r.error).toBe('string');
            expect(r.error!.length).toBeGreaterThan(0);
            expect(r.error!.length).toBeLessThan(2000);
          }
        }),
        { numRuns: 4000 }
      );
    });
});

const goodEntry = fc.record({
  op: fc.constant('open'),
  id: fc.uuid(),
  spec: fc.constant({ kind: 'kill', target: { type: 'named', name: 'tikv1' } }),
  node: fc.constantFrom('tikv0', 'tikv1', 'pd0'),
  scope: fc.constant('demo'),
  at: fc.integer({ min: 0 })
});
const ledgerBytes = fc.array(
  fc.oneof(
    goodEntry.map((e) => JSON.stringify(e)),
    goodEntry.map((e) => JSON.stringify(e).slice(0, 20)),
    fc.string({ maxLength: 60 }),
    fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a).toString('latin1'))
  ),
  { maxLength: 20 }
);

describe('ledger reader (property)', () => {
  it('any bytes give records and a damaged-line count that add up', () => {
    fc.assert(
      fc.property(ledgerBytes, (lines) => {
        const text = lines.join('\n');
        const r = parseLedger(text);
        const nonEmpty = text.split('\n').filter((l) => l.trim() !== '').length;
        expect(r.entries.length + r.bad).toBe(nonEmpty);
      }),
      { numRuns: 5000 }
    );
  });

  it('a damaged file on disk is kept byte for byte, and the clean one holds every readable entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-ledger-'));
    let n = 0;
    fc.assert(
      fc.property(ledgerBytes, (lines) => {
        const path = join(dir, `l${n++}.jsonl`);
        const text = lines.join('\n');
        writeFileSync(path, text, 'latin1');
        const read = readFileSync(path, 'utf8');
        const expected = parseLedger(read);
        const ledger = openLedger(path);
        const d = ledger.damage();
        if (expected.bad === 0) expect(d).toBeNull();
        else {
          expect(d!.lines).toBe(expected.bad);
          expect(d!.readable).toBe(expected.entries.length);
          expect(readFileSync(d!.movedTo!, 'latin1')).toBe(text);
          expect(parseLedger(readFileSync(path, 'utf8'))).toEqual({ entries: expected.entries, bad: 0, mentioned: [] });
        }
        expect(ledger.records().length).toBeLessThanOrEqual(expected.entries.length);
      }),
      { numRuns: 300 }
    );
  });
});
