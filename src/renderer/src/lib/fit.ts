// Shrink-to-fit's search, apart from the DOM. The answer is what stepping would find: the
// fewest items left out with which the content fits at the smallest size, then the largest size
// on a 0.05 grid from full size down at which it fits. It is found with few layouts (a binary
// search over the items) and no render between them. Pure: `overflowsAt` lays out and measures.

export interface FitState {
  /** The content this fit was found for. */
  key: string;
  scale: number;
  /** Items left out (each droppable item carries its rank; ranks below this are left out). */
  drop: number;
  /** Still too big at the smallest size, with every item it may leave out left out. */
  overflowing: boolean;
}

export const FIT_STEP = 0.05;

/** Full size, nothing left out: where every new content starts. */
export function fullSize(key: string): FitState {
  return { key, scale: 1, drop: 0, overflowing: false };
}

/** The next size down the grid, never below the minimum. */
function smaller(scale: number, minScale: number): number {
  return Math.max(minScale, Math.round((scale - FIT_STEP) * 100) / 100);
}

/**
 * The fit for `from`'s content, or `from` itself when that is what it already is (no render
 * needed). Assumes what shrink-to-fit relies on: a smaller size or more left out never
 * overflows more.
 */
export function settleFit(from: FitState, minScale: number, maxDrop: number, overflowsAt: (scale: number, drop: number) => boolean): FitState {
  const same = (scale: number, drop: number, overflowing: boolean): FitState =>
    scale === from.scale && drop === from.drop && overflowing === from.overflowing ? from : { key: from.key, scale, drop, overflowing };
  const min = Math.min(1, minScale);
  if (!overflowsAt(1, 0)) return same(1, 0, false);
  // The fewest left out that fit at the smallest size.
  let lo = 0;
  let hi = Math.max(0, Math.floor(maxDrop));
  if (overflowsAt(min, hi)) return same(min, hi, true);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (overflowsAt(min, mid)) lo = mid + 1;
    else hi = mid;
  }
  let scale = 1;
  while (scale > min + 1e-6 && overflowsAt(scale, lo)) scale = smaller(scale, min);
  return same(scale, lo, false);
}
