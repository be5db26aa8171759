import { describe, expect, it } from 'vitest';
import { parseDuration, splitSlots } from '../../../src/main/show/slidev-syntax';

describe('parseDuration (Slidev\'s time strings)', () => {
  it('reads what Slidev\'s parseTimeString reads', () => {
    const cases: [unknown, number][] = [
      [90, 90],
      ['90', 90],
      ['35min', 2100],
      ['10s', 10],
      ['5m', 300],
      ['3mins 5secs', 185],
      ['10.5m3s', 633],
      ['1h10m30s', 4230],
      ['1h4s', 3604],
      ['10:50', 650],
      ['1:1:1', 3661]
    ];
    for (const [v, s] of cases) expect(parseDuration(v), String(v)).toEqual({ ok: true, seconds: s });
  });

  it('refuses what is not a time', () => {
    for (const v of ['10x', 'hello 1s world', '', '10h:10m:10s', '2weeks', null, {}, Number.NaN]) expect(parseDuration(v).ok, String(v)).toBe(false);
  });
});

describe('splitSlots (::right:: and friends)', () => {
  it('cuts at marker lines, outside code fences only', () => {
    const body = ['# Left', 'text', '', '::right::', '', '```md', '::left::', '```', 'more', '::default::', 'back'].join('\n');
    expect(splitSlots(body)).toEqual({ main: '# Left\ntext\n\nback', named: { right: '```md\n::left::\n```\nmore' } });
  });

  it('no markers: everything is main', () => {
    expect(splitSlots('a\n::not a marker::x\nb')).toEqual({ main: 'a\n::not a marker::x\nb', named: {} });
  });
});
