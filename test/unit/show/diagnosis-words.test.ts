// The diagnosis's bounded wording and its Raft-majority rule, checked against every placement.
import { describe, expect, it } from 'vitest';
import { clip, commaList, int, majorityOf, names } from '../../../src/main/show/diagnosis-words';

/** Every way to put `k` replicas on distinct stores 0 … n-1. */
function placements(n: number, k: number, from = 0): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (let i = from; i <= n - k; i++) for (const rest of placements(n, k - 1, i + 1)) out.push([i, ...rest]);
  return out;
}

describe('majorityOf: what the replica count tells for certain', () => {
  it('matches every possible placement, for up to 8 stores and 1 to 5 replicas', () => {
    for (let replicas = 1; replicas <= 5; replicas++)
      for (let stores = 1; stores <= 8; stores++)
        for (let out = 0; out <= stores; out++) {
          const per = Math.min(replicas, stores);
          const need = Math.floor(per / 2) + 1;
          // Stores 0 … out-1 are out; a region keeps its majority with `need` replicas on the rest.
          const kept = placements(stores, per).map((p) => p.filter((s) => s >= out).length >= need);
          const want = kept.every(Boolean) ? 'all-kept' : kept.some(Boolean) ? 'some-may-have-lost' : 'all-lost';
          const got = majorityOf(stores, out, replicas);
          expect([replicas, stores, out, got.kind]).toEqual([replicas, stores, out, want]);
          if (got.kind === 'some-may-have-lost') {
            // The fewest replicas on out stores that lose a region its majority.
            const lost = placements(stores, per)
              .filter((p) => p.filter((s) => s >= out).length < need)
              .map((p) => p.filter((s) => s < out).length);
            expect(got.lostAt).toBe(Math.min(...lost));
          }
        }
  });

  it('with 3 replicas: one of five out keeps every majority, four of five lose all of them', () => {
    expect(majorityOf(5, 1, 3).kind).toBe('all-kept');
    expect(majorityOf(5, 2, 3)).toEqual({ kind: 'some-may-have-lost', perRegion: 3, need: 2, lostAt: 2 });
    expect(majorityOf(5, 4, 3).kind).toBe('all-lost');
    expect(majorityOf(3, 2, 3).kind).toBe('all-lost');
    expect(majorityOf(5000, 4999, 3).kind).toBe('all-lost');
  });
});

describe('bounded words', () => {
  it('names a handful, then how many more', () => {
    expect(names([])).toBe('');
    expect(names(['a'])).toBe('a');
    expect(names(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c, d and e');
    expect(names(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b, c, d and 2 more');
    expect(names(Array.from({ length: 5000 }, (_, i) => `s${i}`))).toBe('s0, s1, s2, s3 and 4,996 more');
    expect(commaList([1, 2, 3, 4, 5, 6, 7], (n) => `+${n}`)).toBe('+1, +2, +3, +4 and 3 more');
  });

  it('cuts a long name, without splitting a character', () => {
    expect(clip('tikv0')).toBe('tikv0');
    expect(clip('x'.repeat(1000))).toBe(`${'x'.repeat(47)}…`);
    expect(clip(`${'x'.repeat(46)}😀😀`)).toBe(`${'x'.repeat(46)}…`);
  });

  it('says an absurd number in short form', () => {
    expect(int(1200)).toBe('1,200');
    expect(int(1e300)).toBe('1.00e+300');
    expect(int(Number.NaN)).toBe('NaN');
  });
});
