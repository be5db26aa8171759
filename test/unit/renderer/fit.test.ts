import { describe, expect, it } from 'vitest';
import { fullSize, settleFit, type FitState } from '../../../src/renderer/src/lib/fit';

/**
 * A box: content of `rows` items of height 1 (each left out takes one away) scaled by the
 * size, in a box `room` high. Records each layout it was asked for.
 */
function box(rows: number, room: number): { overflowsAt: (s: number, d: number) => boolean; tried: string[] } {
  const tried: string[] = [];
  return { tried, overflowsAt: (s, d) => (tried.push(`${s}/${d}`), (rows - d) * s > room + 1e-9) };
}

/** The stepping this replaces, one render per step: the reference answer. */
function stepwise(key: string, minScale: number, maxDrop: number, over: (s: number, d: number) => boolean): FitState {
  let f = fullSize(key);
  for (;;) {
    if (!over(f.scale, f.drop)) return { ...f, overflowing: false };
    if (f.scale > minScale + 1e-6) f = { ...f, scale: Math.max(minScale, Math.round((f.scale - 0.05) * 100) / 100) };
    else if (f.drop < maxDrop) f = { ...f, scale: 1, drop: f.drop + 1 };
    else return { ...f, overflowing: true };
  }
}

describe('settleFit', () => {
  it('keeps content that fits at full size as it is, the same object (no render), after one layout', () => {
    const from = fullSize('a');
    const b = box(4, 4);
    expect(settleFit(from, 0.7, 3, b.overflowsAt)).toBe(from);
    expect(b.tried).toEqual(['1/0']);
  });

  it('steps the size down by 0.05 to the first that fits', () => {
    const b = box(10, 8.6);
    expect(settleFit(fullSize('a'), 0.7, 0, b.overflowsAt)).toEqual({ key: 'a', scale: 0.85, drop: 0, overflowing: false });
  });

  it('stops at the minimum and says it overflows when nothing more may be left out', () => {
    expect(settleFit(fullSize('a'), 0.875, 0, box(10, 5).overflowsAt)).toEqual({ key: 'a', scale: 0.875, drop: 0, overflowing: true });
    expect(settleFit(fullSize('a'), 0.9, 3, box(10, 5).overflowsAt)).toEqual({ key: 'a', scale: 0.9, drop: 3, overflowing: true });
  });

  it('leaves out the fewest items that fit at the smallest size, then takes the largest size that fits', () => {
    // 10 rows in 6.5: at 0.875, 7 rows fit (6.125), 8 do not (7) -> leave out 3; then 7 rows fit at 0.9 (6.3).
    expect(settleFit(fullSize('a'), 0.875, 9, box(10, 6.5).overflowsAt)).toEqual({ key: 'a', scale: 0.9, drop: 3, overflowing: false });
  });

  it('finds what stepping finds, with far fewer layouts, for every box', () => {
    for (let rows = 1; rows <= 12; rows++)
      for (let room = 0.5; room <= 12; room += 0.35)
        for (const min of [0.67, 0.78, 0.875, 1])
          for (const maxDrop of [0, 1, rows - 1]) {
            const b = box(rows, room);
            const got = settleFit(fullSize('k'), min, maxDrop, b.overflowsAt);
            expect(got).toEqual(stepwise('k', min, maxDrop, box(rows, room).overflowsAt));
            expect(b.tried.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(maxDrop + 1)) + 8);
          }
  });

  it('answers with the very object it was given when that is the fit already', () => {
    const settled: FitState = { key: 'a', scale: 0.9, drop: 3, overflowing: false };
    expect(settleFit(settled, 0.875, 9, box(10, 6.5).overflowsAt)).toBe(settled);
    const stuck: FitState = { key: 'a', scale: 0.7, drop: 0, overflowing: true };
    expect(settleFit(stuck, 0.7, 0, box(10, 1).overflowsAt)).toBe(stuck);
    // A box that grew: the items come back.
    expect(settleFit(settled, 0.875, 9, box(10, 20).overflowsAt)).toEqual(fullSize('a'));
  });
});
