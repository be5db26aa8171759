// Structural sharing for data that arrives as JSON: the new value, with every part that is
// deep-equal to the old one replaced by the old part. A snapshot where only the clock moved
// then keeps its stores, members and workload series as the same objects, so memoized views
// (which compare by identity) skip them. Pure; plain objects and arrays only.

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `next`, sharing every part deep-equal to the same part of `prev`; `prev` itself when all is equal. */
export function keepEqual<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (Array.isArray(prev) && Array.isArray(next)) {
    let same = prev.length === next.length;
    let shared = false;
    const out = next.map((v: unknown, i) => {
      const kept = keepEqual(prev[i], v);
      if (!Object.is(kept, prev[i])) same = false;
      if (kept !== v) shared = true;
      return kept;
    });
    return (same ? prev : shared ? out : next) as T;
  }
  if (isPlainObject(prev) && isPlainObject(next)) {
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(prev).length;
    let shared = false;
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const kept = keepEqual(prev[k], next[k]);
      if (!Object.hasOwn(prev, k) || !Object.is(kept, prev[k])) same = false;
      if (kept !== next[k]) shared = true;
      // JSON may carry an own "__proto__" key; plain assignment would set the prototype instead.
      if (k === '__proto__') Object.defineProperty(out, k, { value: kept, enumerable: true, writable: true, configurable: true });
      else out[k] = kept;
    }
    // Nothing shared: the new value itself, not a copy.
    return (same ? prev : shared ? out : next) as T;
  }
  return next;
}
