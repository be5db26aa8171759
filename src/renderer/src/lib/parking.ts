// A small parking lot for things that are costly to build and cheap to move: a chart whose
// panel unmounts on one chapter and mounts again on another takes its parked twin instead of
// building a new one. Pure bookkeeping; what "dispose" means is the caller's.

export interface ParkingLot<T> {
  /** A parked item built for `key`, removed from the lot; null when none is parked. */
  take(key: string): T | null;
  /** Parks an item for later; the oldest beyond the lot's size is disposed of. */
  park(key: string, item: T): void;
  /** How many are parked. */
  size(): number;
}

export function parkingLot<T>(max: number, dispose: (item: T) => void): ParkingLot<T> {
  if (!Number.isInteger(max) || max < 0) throw new Error(`parkingLot wants a whole number >= 0, got ${max}`);
  const lot: { key: string; item: T }[] = [];
  return {
    take(key) {
      const i = lot.findIndex((p) => p.key === key);
      return i < 0 ? null : lot.splice(i, 1)[0]!.item;
    },
    park(key, item) {
      lot.push({ key, item });
      while (lot.length > max) dispose(lot.shift()!.item);
    },
    size: () => lot.length
  };
}
