import { describe, expect, it } from 'vitest';
import { mayReload, pageGoneText, RELOADS_PER_MINUTE } from '../../../src/main/shell/page-revive';

describe('reloading a page whose process died', () => {
  it('reloads up to three times a minute, then leaves it; a minute later it may again', () => {
    let recent: number[] = [];
    const at = (t: number): boolean => {
      const r = mayReload(recent, t);
      recent = r.recent;
      return r.reload;
    };
    expect([at(0), at(1_000), at(2_000), at(3_000)]).toEqual([true, true, true, false]);
    expect(recent).toEqual([0, 1_000, 2_000]);
    expect(at(60_000)).toBe(true); // the first one has aged out
    expect(recent).toEqual([1_000, 2_000, 60_000]);
    expect(RELOADS_PER_MINUTE).toBe(3);
  });

  it('says what happened in plain words', () => {
    expect(pageGoneText('audience', 'oom', true)).toBe("The audience window's page stopped (oom) and was reloaded; the show went on");
    expect(pageGoneText('presenter', 'crashed', false)).toMatch(/3 times within a minute and is left as it is/);
  });
});
