import { describe, expect, it } from 'vitest';
import { parkingLot } from '../../../src/renderer/src/lib/parking';

describe('parkingLot', () => {
  it('gives back a parked item only for its key, once', () => {
    const lot = parkingLot<string>(3, () => undefined);
    lot.park('16px', 'a');
    expect(lot.take('20px')).toBeNull();
    expect(lot.take('16px')).toBe('a');
    expect(lot.take('16px')).toBeNull();
    expect(lot.size()).toBe(0);
  });

  it('disposes of the oldest beyond its size, and nothing else', () => {
    const gone: string[] = [];
    const lot = parkingLot<string>(2, (x) => gone.push(x));
    lot.park('k', 'a');
    lot.park('k', 'b');
    lot.park('k', 'c');
    expect(gone).toEqual(['a']);
    expect(lot.size()).toBe(2);
    expect(lot.take('k')).toBe('b');
    expect(lot.take('k')).toBe('c');
  });

  it('with size 0 disposes of everything at once', () => {
    const gone: number[] = [];
    const lot = parkingLot<number>(0, (x) => gone.push(x));
    lot.park('k', 1);
    expect(gone).toEqual([1]);
    expect(lot.take('k')).toBeNull();
  });

  it('refuses a size that is not a whole number', () => {
    expect(() => parkingLot(-1, () => undefined)).toThrow(/whole number/);
    expect(() => parkingLot(1.5, () => undefined)).toThrow(/whole number/);
  });
});
