import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyDelta, deckSlug, diffCore, recordingFileName, type CoreSnapshot } from '../../../src/main/replay/recording-format';
import { parseRecording } from '../../../src/main/replay/recording-reader';
import { record, story } from './story';

const dir = mkdtempSync(join(tmpdir(), 'rec-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text = readFileSync(record(dir, story({ seconds: 200 })).path, 'utf8');
const lines = text.split('\n');

describe('recording reader', () => {
  it('a whole recording reads without damage', () => {
    const r = parseRecording(text);
    expect(r.ok && r.damage).toBe(null);
    expect(r.ok && r.recording.lines).toBe(lines.length - 1);
  });

  it('a recording cut mid-line is an error naming that line', () => {
    const cut = text.slice(0, text.length - 30);
    const n = cut.split('\n').length;
    const r = parseRecording(cut);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`^line ${n}: cut off mid-line`)), line: n });
  });

  it('or, when the caller chooses, the lines before the damage', () => {
    const cut = text.slice(0, text.length - 30);
    const n = cut.split('\n').length;
    const r = parseRecording(cut, { upToDamage: true });
    if (!r.ok) throw new Error(r.error);
    expect(r.damage?.line).toBe(n);
    expect(r.recording.lines).toBe(n - 1);
    expect(r.recording.end).toBe(null);
  });

  it('a garbled line in the middle is an error with its number, and stops the prefix there', () => {
    const bad = [...lines];
    bad[5] = '{"k":"delta","t":"soon"}';
    const r = parseRecording(bad.join('\n'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.line).toBe(6);
    expect(!r.ok && r.error).toMatch(/^line 6: unexpected content at t/);
    const prefix = parseRecording(bad.join('\n'), { upToDamage: true });
    expect(prefix.ok && prefix.recording.lines).toBe(5);
  });

  it('a file without a header is no recording, whatever the caller chooses', () => {
    const r = parseRecording(lines.slice(1).join('\n'), { upToDamage: true });
    expect(r).toMatchObject({ ok: false, line: 1, error: expect.stringMatching(/^line 1 is not a recording header/) });
    expect(parseRecording('')).toMatchObject({ ok: false, error: 'the recording is empty' });
  });

  it("keeps PD's max-replicas; an older recording without it reads as unknown; an absurd one is damage", () => {
    const first = lines.findIndex((l) => l.includes('"k":"snap"'));
    const snap = JSON.parse(lines[first]!);
    const withCount = (n: unknown): string => [...lines.slice(0, first), JSON.stringify({ ...snap, s: { ...snap.s, maxReplicas: n } }), ...lines.slice(first + 1)].join('\n');
    const five = parseRecording(withCount(5));
    expect(five.ok && five.recording.snaps[0]!.core.maxReplicas).toBe(5);
    const older = parseRecording(text);
    expect(older.ok && older.recording.snaps[0]!.core.maxReplicas).toBe(null);
    const { maxReplicas: _dropped, ...before } = snap.s;
    const without = parseRecording([...lines.slice(0, first), JSON.stringify({ ...snap, s: before }), ...lines.slice(first + 1)].join('\n'));
    expect(without.ok && without.recording.snaps[0]!.core.maxReplicas).toBe(undefined);
    for (const bad of [1000, 0, 2.5, '3']) expect(parseRecording(withCount(bad)).ok).toBe(false);
  });

  it('a recording from a newer format says so', () => {
    const h = JSON.parse(lines[0]!);
    const r = parseRecording([JSON.stringify({ ...h, format: 99 }), ...lines.slice(1)].join('\n'));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/newer TiKV Stage/) });
  });

  it('a change before any full snapshot is damage', () => {
    const firstSnap = lines.findIndex((l) => l.includes('"k":"snap"'));
    const bad = lines.filter((_, i) => i !== firstSnap);
    const r = parseRecording(bad.join('\n'));
    expect(!r.ok && r.error).toMatch(/a change before any full snapshot/);
  });
});

describe('format', () => {
  const node = fc.record({
    state: fc.constantFrom('up' as const, 'disconnected' as const, 'down' as const),
    container: fc.constantFrom('running' as const, 'exited' as const),
    leaderCount: fc.nat(100),
    hb: fc.option(fc.nat(1e6), { nil: null })
  });
  const core = fc.record({
    pdLeader: fc.constantFrom('pd0', 'pd1', null),
    stale: fc.boolean(),
    takenAt: fc.nat(1e6),
    nodes: fc.uniqueArray(fc.tuple(fc.constantFrom('tikv0', 'tikv1', 'tikv2', 'tikv3'), node), { selector: (x) => x[0], maxLength: 4 })
  });
  type CoreArb = typeof core extends fc.Arbitrary<infer T> ? T : never;
  const build = (c: CoreArb): CoreSnapshot => ({
    pdUrl: 'http://pd',
    stale: c.stale,
    takenAt: c.takenAt,
    pdError: null,
    containerNote: null,
    clusterId: '1',
    pdLeader: c.pdLeader,
    regionCount: 3,
    timeScale: 1,
    tikv: c.nodes
      .map(([name, n], i) => ({ storeId: String(i + 1), name, address: `${name}:20160`, partitioned: false, regionCount: 3, ...n }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    pd: [{ memberId: '9', name: 'pd0', health: true, isLeader: true, container: 'running', partitioned: false }]
  });

  it('a delta applied to the old core gives the new one, unless only volatile fields moved', () => {
    fc.assert(
      fc.property(core, core, (a, b) => {
        const x = build(a);
        const y = build(b);
        const d = diffCore(x, y);
        if (d) expect(applyDelta(x, d)).toEqual(y);
        else {
          const strip = (c: CoreSnapshot): unknown => ({ ...c, takenAt: 0, tikv: c.tikv.map((n) => ({ ...n, hb: 0 })) });
          expect(strip(x)).toEqual(strip(y));
        }
      })
    );
  });

  it('names files by deck, mode and a sortable time', () => {
    expect(deckSlug('/home/me/talks/My Talk (v2).md')).toBe('my-talk-v2');
    expect(deckSlug('')).toBe('deck');
    expect(recordingFileName('my-talk', 'live', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('my-talk--live--2026-01-02T03-04-05-006Z.jsonl');
  });
});
