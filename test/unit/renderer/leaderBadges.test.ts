import { describe, expect, it } from 'vitest';
import { BADGE_MS, followLeaders, LEAVE_MS, nextDrop, NO_BADGES, pruneBadges } from '../../../src/renderer/src/lib/leaderBadges';

const stores = (...counts: number[]): { storeId: string; leaderCount: number }[] => counts.map((c, i) => ({ storeId: String(i + 1), leaderCount: c }));
const T = 1_000_000;

describe('leader badges', () => {
  it('takes the first snapshot as the baseline, then returns the same state while no count moves', () => {
    const s0 = followLeaders(NO_BADGES, stores(10, 10, 10), T);
    expect(s0.badges).toEqual({});
    expect(s0.counts).not.toBeNull();
    // Same counts in a new array (a snapshot that moved only figures): no new state, so no render.
    expect(followLeaders(s0, stores(10, 10, 10), T + 1000)).toBe(s0);
  });

  it('badges the stores that moved, and adds up a burst while the badge shows', () => {
    const s0 = followLeaders(NO_BADGES, stores(10, 10, 10), T);
    const s1 = followLeaders(s0, stores(0, 15, 15), T + 1000);
    expect(s1.badges).toEqual({
      '1': { delta: -10, burst: 1, change: 0, at: T + 1000 },
      '2': { delta: 5, burst: 2, change: 0, at: T + 1000 },
      '3': { delta: 5, burst: 3, change: 0, at: T + 1000 }
    });
    // One more move on store 2 within BADGE_MS: same burst, summed, its time moved on.
    const s2 = followLeaders(s1, stores(0, 17, 13), T + 2000);
    expect(s2.badges['2']).toEqual({ delta: 7, burst: 2, change: 1, at: T + 2000 });
    expect(s2.badges['3']).toEqual({ delta: 3, burst: 3, change: 1, at: T + 2000 });
    expect(s2.badges['1']).toBe(s1.badges['1']);
    // Moves that cancel out leave no badge.
    const s3 = followLeaders(s2, stores(0, 10, 13), T + 2500);
    expect(s3.badges['2']).toBeUndefined();
  });

  it('starts a new burst for a move that comes while the badge fades', () => {
    const s0 = followLeaders(NO_BADGES, stores(10, 10), T);
    const s1 = followLeaders(s0, stores(12, 8), T);
    const fading = T + BADGE_MS + 10;
    const s2 = followLeaders(s1, stores(13, 7), fading);
    expect(s2.badges['1']).toEqual({ delta: 1, burst: 3, change: 0, at: fading });
  });

  it('drops a badge once its fade has run, and says when the next one goes', () => {
    const s0 = followLeaders(NO_BADGES, stores(10, 10), T);
    const s1 = followLeaders(s0, stores(12, 8), T);
    const s2 = followLeaders(s1, stores(12, 8, 5), T + 1000); // a new store: counted, no badge
    expect(Object.keys(s2.badges)).toEqual(['1', '2']);
    expect(s2.counts?.get('3')).toBe(5);
    expect(nextDrop(s2)).toBe(T + BADGE_MS + LEAVE_MS);
    expect(pruneBadges(s2, T + BADGE_MS + LEAVE_MS - 1)).toBe(s2);
    const gone = pruneBadges(s2, T + BADGE_MS + LEAVE_MS);
    expect(gone.badges).toEqual({});
    expect(nextDrop(gone)).toBeNull();
    // The store added later is tracked: its move is badged.
    expect(followLeaders(gone, stores(12, 8, 9), T + 9000).badges['3']?.delta).toBe(4);
  });

  it('says the CSS fade and the drop agree (01-base.css --badge-ms, --badge-leave)', async () => {
    const { readFileSync } = await import('node:fs');
    const css = readFileSync(new URL('../../../src/renderer/src/styles/01-base.css', import.meta.url), 'utf8');
    expect(css).toContain(`--badge-ms: ${BADGE_MS}ms;`);
    expect(css).toContain(`--badge-leave: ${LEAVE_MS}ms;`);
  });
});
