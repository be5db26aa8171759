// keymap.json and rehearsals.json: a damaged file is moved aside with a notice, never read
// as empty and then overwritten.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeymap, writeKeymap } from '../../../src/main/keymap-store';
import { loadRehearsals, writeRehearsal } from '../../../src/main/show/rehearsal';

const dir = (): string => mkdtempSync(join(tmpdir(), 'data-'));

describe('data files that fail to parse', () => {
  it('keymap.json: moved aside with a notice, and the next save does not overwrite it', () => {
    const d = dir();
    const p = join(d, 'keymap.json');
    writeFileSync(p, '{"PageDown": "next", "b": ');
    const r = loadKeymap(p);
    expect(r.keymap).toEqual({});
    expect(r.notice).toMatch(/^The key bindings file \(keymap\.json\) was damaged: not JSON .*; moved aside to keymap\.json\.damaged-\S+, starting afresh$/);
    const aside = readdirSync(d).find((f) => f.startsWith('keymap.json.damaged-'))!;
    expect(readFileSync(join(d, aside), 'utf8')).toBe('{"PageDown": "next", "b": ');
    expect(writeKeymap(p, { x: 'next' })).toBeNull();
    expect(loadKeymap(p)).toEqual({ keymap: { x: 'next' }, notice: null });
    // A file damaged after it was read is moved aside by the save itself, with the notice.
    writeFileSync(p, '{"x": "explode"}');
    expect(writeKeymap(p, { y: 'prev' })).toMatch(/unexpected content at x/);
    expect(readdirSync(d).filter((f) => f.startsWith('keymap.json.damaged-'))).toHaveLength(2);
    expect(loadKeymap(p).keymap).toEqual({ y: 'prev' });
  });

  it('keymap.json binding a modifier by hand: that line is ignored, with a notice; the rest stays', () => {
    const p = join(mkdtempSync(join(tmpdir(), 'keymap-')), 'keymap.json');
    writeFileSync(p, JSON.stringify({ Shift: 'panic', x: 'next' }));
    expect(loadKeymap(p)).toEqual({
      keymap: { x: 'next' },
      notice: 'The key bindings file binds Shift: a modifier key cannot be bound, so that line is ignored'
    });
  });

  it('rehearsals.json: the same, and a good file keeps other decks on save', () => {
    const d = dir();
    const p = join(d, 'rehearsals.json');
    writeFileSync(p, 'not json at all');
    const notice = writeRehearsal(p, 'a.md', 1, { intro: { durationMs: 1000, cues: [] } });
    expect(notice).toMatch(/^The rehearsal records file \(rehearsals\.json\) was damaged/);
    expect(readdirSync(d).filter((f) => f.startsWith('rehearsals.json.damaged-'))).toHaveLength(1);
    expect(writeRehearsal(p, 'b.md', 2, {})).toBeNull();
    expect(Object.keys(loadRehearsals(p).store).sort()).toEqual(['a.md', 'b.md']);
    expect(loadRehearsals(join(d, 'missing.json'))).toEqual({ store: {}, notice: null });
  });
});
