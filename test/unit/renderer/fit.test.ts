import { describe, expect, it } from 'vitest';
import { FitMemory, fullSize, scaleGrid, settleFit, type FitHint, type FitState } from '../../../src/renderer/src/lib/fit';

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
            expect(b.tried.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(maxDrop + 1)) + Math.ceil(Math.log2(scaleGrid(min).length)));
            expect(new Set(b.tried).size).toBe(b.tried.length);
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

describe('scaleGrid', () => {
  it('lists the sizes stepping tries, from full size to the minimum', () => {
    expect(scaleGrid(0.78)).toEqual([1, 0.95, 0.9, 0.85, 0.8, 0.78]);
    expect(scaleGrid(0.8)).toEqual([1, 0.95, 0.9, 0.85, 0.8]);
    expect(scaleGrid(1)).toEqual([1]);
    expect(scaleGrid(1.5)).toEqual([1]);
  });
});

describe('settleFit with a hint', () => {
  it('takes a right hint in at most three layouts, and finds the same answer from any hint, right or wrong', () => {
    let hinted = 0;
    for (let rows = 1; rows <= 9; rows++)
      for (let room = 0.5; room <= 9; room += 0.45)
        for (const min of [0.67, 0.875])
          for (const maxDrop of [0, 2, rows - 1]) {
            const want = stepwise('k', min, maxDrop, box(rows, room).overflowsAt);
            const hints: FitHint[] = [{ scale: 0.93, drop: 0, overflowing: false }, { scale: min, drop: maxDrop + 1, overflowing: true }];
            for (const scale of scaleGrid(min))
              for (let drop = 0; drop <= maxDrop; drop++) hints.push({ scale, drop, overflowing: false }, { scale, drop, overflowing: true });
            for (const hint of hints) {
              const b = box(rows, room);
              expect(settleFit(fullSize('k'), min, maxDrop, b.overflowsAt, hint)).toEqual(want);
              expect(new Set(b.tried).size).toBe(b.tried.length);
              if (hint.scale === want.scale && hint.drop === want.drop && hint.overflowing === want.overflowing) {
                expect(b.tried.length).toBeLessThanOrEqual(3);
                hinted++;
              }
            }
          }
    expect(hinted).toBeGreaterThan(500);
  });

  it('proves a hint right with the layouts that bound it: it fits, one size up does not, one fewer left out does not', () => {
    // 10 rows in 6.5 at min 0.875: the answer is 0.9 with 3 left out.
    const b = box(10, 6.5);
    expect(settleFit(fullSize('a'), 0.875, 9, b.overflowsAt, { scale: 0.9, drop: 3, overflowing: false })).toEqual({ key: 'a', scale: 0.9, drop: 3, overflowing: false });
    expect(b.tried).toEqual(['0.9/3', '0.875/2', '0.95/3']);
  });
});

describe('FitMemory', () => {
  const fit = (scale: number, drop = 0): FitHint => ({ scale, drop, overflowing: false });

  it('recalls a fit by content, size bound and items, not keeping full size (the search tries it first anyway)', () => {
    const m = new FitMemory(4);
    const id = FitMemory.id('# Title', 0.67, 0);
    expect(FitMemory.id('# Title', 0.67, 0)).toBe(id);
    expect(FitMemory.id('# Title', 0.75, 0)).not.toBe(id);
    expect(FitMemory.id('# Title', 0.67, 3)).not.toBe(id);
    expect(FitMemory.id('# Title!', 0.67, 0)).not.toBe(id);
    m.remember(id, { scale: 0.8, drop: 2, overflowing: false });
    expect(m.recall(id)).toEqual({ scale: 0.8, drop: 2, overflowing: false });
    m.remember(id, fit(1));
    expect(m.recall(id)).toBeUndefined();
    expect(m.size).toBe(0);
  });

  it('holds at most its capacity, dropping the least recently used', () => {
    const m = new FitMemory(3);
    for (const id of [1, 2, 3]) m.remember(id, fit(0.9));
    expect(m.recall(1)).toBeDefined();
    m.remember(4, fit(0.8));
    expect(m.size).toBe(3);
    expect(m.recall(2)).toBeUndefined();
    expect([1, 3, 4].map((id) => m.recall(id)?.scale)).toEqual([0.9, 0.9, 0.8]);
    for (let id = 10; id < 1000; id++) m.remember(id, fit(0.85));
    expect(m.size).toBe(3);
  });
});
