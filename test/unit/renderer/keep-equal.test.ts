import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keepEqual } from '../../../src/renderer/src/lib/keep-equal';

describe('keepEqual', () => {
  it('keeps the parts that did not change and replaces the ones that did', () => {
    const prev = { now: 1, tikv: [{ id: 1, leaders: 3 }, { id: 2, leaders: 4 }], workload: { ops: 10, history: [1, 2] } };
    const next = JSON.parse(JSON.stringify({ ...prev, now: 2, tikv: [prev.tikv[0], { id: 2, leaders: 5 }] })) as typeof prev;
    const out = keepEqual(prev, next);
    expect(out).toEqual(next);
    expect(out).not.toBe(prev);
    expect(out.workload).toBe(prev.workload);
    expect(out.tikv).not.toBe(prev.tikv);
    expect(out.tikv[0]).toBe(prev.tikv[0]);
    expect(out.tikv[1]).toBe(next.tikv[1]);
  });

  it('gives the old value back when nothing changed', () => {
    const prev = { a: [1, { b: null }], c: 'x' };
    expect(keepEqual(prev, JSON.parse(JSON.stringify(prev)))).toBe(prev);
  });

  it('sees added, removed and re-typed keys and lengths', () => {
    expect(keepEqual({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    const dropped = keepEqual({ a: 1, b: 2 } as Record<string, number>, { a: 1 });
    expect(dropped).toEqual({ a: 1 });
    expect(Object.keys(dropped)).toEqual(['a']);
    expect(keepEqual({ a: undefined } as Record<string, unknown>, { b: undefined })).toEqual({ b: undefined });
    expect(keepEqual([1, 2], [1])).toEqual([1]);
    expect(keepEqual({ a: [1] }, { a: { 0: 1 } })).toEqual({ a: { 0: 1 } });
    expect(keepEqual(null, { a: 1 })).toEqual({ a: 1 });
  });

  it('keeps an own "__proto__" key of a JSON value as a key (the property test found it, rarely)', () => {
    const prev = JSON.parse('{"x":{"y":1}}') as unknown;
    const next = JSON.parse('{"x":{"y":1},"__proto__":{"z":2}}') as Record<string, unknown>;
    const out = keepEqual(prev, next);
    expect(out).toStrictEqual(next);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['x', '__proto__']);
  });

  it('always equals the new value, and shares only what is equal (property)', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        const out = keepEqual(a, b);
        expect(out).toStrictEqual(b);
        // Anything it took from the old value is deep-equal to the new one.
        if (out === a) expect(a).toStrictEqual(b);
      }),
      { numRuns: 500 }
    );
  });
});
