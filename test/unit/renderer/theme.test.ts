// The stage's colours, read from the stylesheet itself: text must reach 7:1 against the
// backgrounds it sits on, and state colours 3:1 as graphics (they never carry meaning alone).
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = resolve(__dirname, '../../../src/renderer/src/styles');
const css = readdirSync(dir)
  .filter((f) => f.endsWith('.css'))
  .sort()
  .map((f) => readFileSync(resolve(dir, f), 'utf8'))
  .join('\n');
const root = /:root\s*{([^}]*)}/.exec(css)?.[1] ?? '';
const vars = new Map<string, string>();
for (const m of root.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})\s*;/gi)) vars.set(m[1]!, m[2]!.toLowerCase());

function hex(name: string): string {
  const v = vars.get(name) ?? (name.startsWith('#') ? name : undefined);
  if (!v) throw new Error(`--${name} is not defined in :root`);
  return v;
}

function luminance(h: string): number {
  const c = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(hex(a)), luminance(hex(b))].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

describe('stage colours', () => {
  it('text reaches 7:1 on every background it is used on', () => {
    for (const bg of ['bg', 'panel', 'panel-dead']) {
      for (const fg of ['text', 'muted']) expect(contrast(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(7);
    }
    // dark text on the accent badges (leader, +3) and the blackout flag
    expect(contrast('#0b0e14', 'accent')).toBeGreaterThanOrEqual(7);
    expect(contrast('warn-text', 'panel')).toBeGreaterThanOrEqual(7);
    expect(contrast('bad-text', 'panel')).toBeGreaterThanOrEqual(7);
    expect(contrast('warn-text', 'bg')).toBeGreaterThanOrEqual(7);
    expect(contrast('bad-text', 'bg')).toBeGreaterThanOrEqual(7);
  });
  it('state colours stand out as graphics (3:1) on the card', () => {
    for (const s of ['ok', 'warn', 'bad', 'sky', 'blue', 'purple', 'grey', 'accent']) {
      expect(contrast(s, 'panel'), s).toBeGreaterThanOrEqual(3);
    }
  });
  it('icon glyphs read on their state disc', () => {
    for (const s of ['ok', 'warn', 'bad', 'sky', 'purple', 'grey', 'accent']) {
      expect(contrast('#0b0e14', s), s).toBeGreaterThanOrEqual(3);
    }
  });
});
