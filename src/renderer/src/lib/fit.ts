// Shrink-to-fit's search, apart from the DOM. The answer is what stepping would find: the
// fewest items left out with which the content fits at the smallest size, then the largest size
// on a 0.05 grid from full size down at which it fits. It is found with few layouts (binary
// searches over the items and over the sizes) and no render between them, and with at most three
// when an answer found before for the same content is offered as a hint and proves right.
// Pure: `overflowsAt` lays out and measures.

export interface FitState {
  /** The content this fit was found for. */
  key: string;
  scale: number;
  /** Items left out (each droppable item carries its rank; ranks below this are left out). */
  drop: number;
  /** Still too big at the smallest size, with every item it may leave out left out. */
  overflowing: boolean;
}

/** A fit found before, offered to the search: used only when the layouts prove it right. */
export type FitHint = Pick<FitState, 'scale' | 'drop' | 'overflowing'>;

const FIT_STEP = 0.05;

/** Full size, nothing left out: where every new content starts. */
export function fullSize(key: string): FitState {
  return { key, scale: 1, drop: 0, overflowing: false };
}

/** The next size down the grid, never below the minimum. */
function smaller(scale: number, minScale: number): number {
  return Math.max(minScale, Math.round((scale - FIT_STEP) * 100) / 100);
}

/** The sizes stepping tries, largest first: 1, 0.95, … and the minimum last. */
export function scaleGrid(minScale: number): number[] {
  const min = Math.min(1, minScale);
  const grid = [1];
  while (grid[grid.length - 1]! > min + 1e-6) grid.push(smaller(grid[grid.length - 1]!, min));
  return grid;
}

/**
 * The fit for `from`'s content, or `from` itself when that is what it already is (no render
 * needed). Assumes what shrink-to-fit relies on: a smaller size or more left out never
 * overflows more. `hint` (by default `from`) is tried first and taken only when three layouts
 * prove it is the answer the search would find; a wrong hint costs those layouts, never the answer.
 */
export function settleFit(
  from: FitState,
  minScale: number,
  maxDrop: number,
  overflowsAt: (scale: number, drop: number) => boolean,
  hint: FitHint = from
): FitState {
  const same = (scale: number, drop: number, overflowing: boolean): FitState =>
    scale === from.scale && drop === from.drop && overflowing === from.overflowing ? from : { key: from.key, scale, drop, overflowing };
  const min = Math.min(1, minScale);
  const maxD = Math.max(0, Math.floor(maxDrop));
  const grid = scaleGrid(min);
  // Each layout at most once: what proving the hint wrong measured, the search reuses.
  const seen = new Map<string, boolean>();
  const over = (scale: number, drop: number): boolean => {
    const k = `${scale}/${drop}`;
    let o = seen.get(k);
    if (o === undefined) seen.set(k, (o = overflowsAt(scale, drop)));
    return o;
  };
  if (provesRight(hint, grid, maxD, over)) return same(hint.scale, hint.drop, hint.overflowing);
  if (!over(1, 0)) return same(1, 0, false);
  // The fewest left out that fit at the smallest size.
  let lo = 0;
  let hi = maxD;
  if (over(min, hi)) return same(min, hi, true);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (over(min, mid)) lo = mid + 1;
    else hi = mid;
  }
  // The largest size that fits with those left out (the grid's last, the minimum, does).
  let a = 0;
  let b = grid.length - 1;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (over(grid[mid]!, lo)) a = mid + 1;
    else b = mid;
  }
  return same(grid[a]!, lo, false);
}

/** Whether the layouts show `h` is the search's answer: it fits, one fewer left out does not fit even at the smallest size, and one size up does not fit. */
function provesRight(h: FitHint, grid: number[], maxD: number, over: (scale: number, drop: number) => boolean): boolean {
  const min = grid[grid.length - 1]!;
  if (h.overflowing) return h.scale === min && h.drop === maxD && over(min, maxD);
  const i = grid.indexOf(h.scale);
  if (i < 0 || !Number.isInteger(h.drop) || h.drop < 0 || h.drop > maxD) return false;
  return !over(h.scale, h.drop) && (h.drop === 0 || over(min, h.drop - 1)) && (i === 0 || over(grid[i - 1]!, h.drop));
}

/**
 * Fits found before, by content (a hash of the content's key, its minimum size and how many items
 * it may leave out): the same slide comes back in every loop of the show, and the presenter's
 * mirror shows what its preview of the next press has just shown. Bounded; the least recently
 * used goes first. A hash collision only offers a wrong hint, which the search then disproves.
 */
export class FitMemory {
  private readonly fits = new Map<number, FitHint>();
  constructor(private readonly capacity = 32) {}

  static id(key: string, minScale: number, maxDrop: number): number {
    // FNV-1a, 32 bits.
    let h = 0x811c9dc5;
    const s = `${minScale}|${maxDrop}|${key}`;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  recall(id: number): FitHint | undefined {
    const f = this.fits.get(id);
    if (f) {
      this.fits.delete(id);
      this.fits.set(id, f);
    }
    return f;
  }

  /** Keeps only fits that took a search: full size is what the search tries first anyway. */
  remember(id: number, f: FitHint): void {
    this.fits.delete(id);
    if (f.scale === 1 && f.drop === 0 && !f.overflowing) return;
    this.fits.set(id, { scale: f.scale, drop: f.drop, overflowing: f.overflowing });
    if (this.fits.size > this.capacity) this.fits.delete(this.fits.keys().next().value!);
  }

  get size(): number {
    return this.fits.size;
  }
}
