import { describe, expect, it } from 'vitest';
import { goBytesSize, goDuration, goJson, hexKey, parseGoDuration, rfc3339Nano } from '../../../src/main/sim/core/format';

describe('go-units sizes', () => {
  it('prints %.4g in binary units', () => {
    expect(goBytesSize(0)).toBe('0B');
    expect(goBytesSize(312.5 * 1024 ** 2)).toBe('312.5MiB');
    expect(goBytesSize(58.37 * 1024 ** 3)).toBe('58.37GiB');
    expect(goBytesSize(1024)).toBe('1KiB');
    expect(goBytesSize(1000)).toBe('1000B');
    expect(goBytesSize(290.74 * 1024 ** 2)).toBe('290.7MiB');
  });
});

describe('Go durations', () => {
  it('formats like time.Duration.String()', () => {
    expect(goDuration(0n)).toBe('0s');
    expect(goDuration(1_500_000n)).toBe('1.5ms');
    expect(goDuration(2_000n)).toBe('2µs');
    expect(goDuration(999n)).toBe('999ns');
    expect(goDuration(60_000_000_000n)).toBe('1m0s');
    expect(goDuration(30n * 60_000_000_000n)).toBe('30m0s');
    expect(goDuration(3600_000_000_000n)).toBe('1h0m0s');
    expect(goDuration(1791_207_115_904n)).toBe('29m51.207115904s');
    expect(goDuration(2180_480_000_000n)).toBe('36m20.48s');
    expect(goDuration(-1_000_000_000n)).toBe('-1s');
  });

  it('parses like time.ParseDuration', () => {
    expect(parseGoDuration('1m')).toBe(60_000_000_000n);
    expect(parseGoDuration('30m')).toBe(1800_000_000_000n);
    expect(parseGoDuration('1h30m')).toBe(5400_000_000_000n);
    expect(parseGoDuration('1.5s')).toBe(1_500_000_000n);
    expect(parseGoDuration('500ms')).toBe(500_000_000n);
    expect(parseGoDuration('0')).toBe(0n);
    expect(() => parseGoDuration('abc')).toThrow('time: invalid duration "abc"');
    expect(() => parseGoDuration('10')).toThrow('time: missing unit in duration "10"');
    expect(() => parseGoDuration('3d')).toThrow('unknown unit "d"');
  });
});

describe('RFC3339Nano', () => {
  it('trims trailing zeros and drops an empty fraction', () => {
    expect(rfc3339Nano(1787220003207115904n)).toBe('2026-08-20T10:00:03.207115904Z');
    expect(rfc3339Nano(1787218212n * 1_000_000_000n)).toBe('2026-08-20T09:30:12Z');
    expect(rfc3339Nano(1787218212_500_000_000n)).toBe('2026-08-20T09:30:12.5Z');
  });
});

describe('PD-style JSON', () => {
  it('indents like json.MarshalIndent, omits undefined, writes bigints exactly', () => {
    const text = goJson({ a: 1, skipped: undefined, big: 12818309996638325969n, list: [], obj: {}, s: '<&>' });
    expect(text).toBe(
      '{\n  "a": 1,\n  "big": 12818309996638325969,\n  "list": [],\n  "obj": {},\n  "s": "\\u003c\\u0026\\u003e"\n}'
    );
    expect(goJson([{ x: null }])).toBe('[\n  {\n    "x": null\n  }\n]');
  });

  it('writes what JSON.stringify(v, null, 2) writes where Go and JS agree, members in the same order', () => {
    const inherited = Object.create({ fromProto: 1 }) as Record<string, number>;
    inherited.own = 2;
    const values = [
      { 10: 'ten', 2: 'two', b: [1, 2.5, -3e-7, 1e21, true, false, null], a: { deep: [[], {}, [[{}]]] } },
      [[[]], { z: 'tikv1:20160', quote: 'say "hi"\\', nl: 'a\nb\t', uni: 'é 東 😀' }],
      inherited,
      'just a string',
      0,
      []
    ];
    for (const v of values) expect(goJson(v as never)).toBe(JSON.stringify(v, null, 2));
    expect(goJson(inherited as never)).not.toContain('fromProto');
    expect(goJson({ s: 'a\u2028b\u2029c' })).toBe('{\n  "s": "a\\u2028b\\u2029c"\n}');
    expect(goJson(-0)).toBe('-0');
    expect(() => goJson({ n: NaN })).toThrow(/unsupported value/);
  });

  it('hex keys are upper case', () => {
    expect(hexKey('usertable:user3')).toBe('757365727461626C653A7573657233');
    expect(hexKey('')).toBe('');
  });
});
