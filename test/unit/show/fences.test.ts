import { describe, expect, it } from 'vitest';
import { codeLines } from '../../../src/main/show/fences';

describe('codeLines', () => {
  it('marks fence lines and what is between them, and nothing after the close', () => {
    const lines = ['- a', '```ts', '- not an item', '```', '- b'];
    expect(codeLines(lines)).toEqual([false, true, true, true, false]);
  });

  it('closes only on a line of the same character, at least as long, alone', () => {
    const lines = ['````', '```', '~~~', '```` x', '`````', 'after'];
    expect(codeLines(lines)).toEqual([true, true, true, true, true, false]);
    expect(codeLines(['~~~', '```', '~~~', 'x'])).toEqual([true, true, true, false]);
  });

  it('leaves an unclosed fence open to the end', () => {
    expect(codeLines(['text', '```', 'code', 'more'])).toEqual([false, true, true, true]);
    expect(codeLines([])).toEqual([]);
  });
});
