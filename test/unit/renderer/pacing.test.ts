import { describe, expect, it } from 'vitest';
import { learnDurations, pacing, paceText, plannedDurations, timerElapsedMs, type DurationCache } from '../../../src/renderer/src/lib/pacing';
import { elapsedText } from '../../../src/renderer/src/lib/format';
import { chapter, show } from './fixtures';

const ids = ['welcome', 'the-cluster', 'detection', 'recovery', 'what-happened'];

describe('talk timer', () => {
  it('adds the running stretch to the elapsed time', () => {
    expect(timerElapsedMs({ running: true, elapsedMs: 60_000, since: 1_000, targetMs: null }, 31_000)).toBe(90_000);
    expect(timerElapsedMs({ running: false, elapsedMs: 60_000, since: null, targetMs: null }, 31_000)).toBe(60_000);
    // A clock that went backwards never takes time off.
    expect(timerElapsedMs({ running: true, elapsedMs: 5_000, since: 10_000, targetMs: null }, 9_000)).toBe(5_000);
  });
});

describe('chapter durations', () => {
  it('learns every chapter duration from the chapter list, per deck, and keeps the object when nothing is new', () => {
    const s = show();
    const a = learnDurations({}, s);
    expect(a).toEqual({ '/decks/default.md': { welcome: 60, 'the-cluster': 90, detection: 90, recovery: 90, 'what-happened': null } });
    expect(learnDurations(a, s)).toBe(a);
  });

  it('still learns from the current and next chapter when the list has no durations (an older main)', () => {
    const s = { ...show(), chapters: undefined };
    const a = learnDurations({}, s);
    expect(a).toEqual({ '/decks/default.md': { detection: 90, recovery: 90 } });
    const b = learnDurations(a, { ...s, chapter: chapter({ id: 'recovery', duration: 90 }), next: chapter({ id: 'what-happened', duration: null }) });
    expect(b['/decks/default.md']).toEqual({ detection: 90, recovery: 90, 'what-happened': null });
  });

  it('shares what is left of the target among the chapters never seen', () => {
    const p = plannedDurations(ids, { detection: 90, recovery: 90, 'what-happened': null }, 420_000);
    expect(p.seconds).toEqual([120, 120, 90, 90, 0]);
    expect(p.estimated).toEqual([true, true, false, false, false]);
    // Known durations beyond the target: the unknown ones get nothing, never a negative share.
    expect(plannedDurations(ids, { detection: 500 }, 60_000).seconds).toEqual([0, 0, 500, 0, 0]);
  });
});

describe('pacing', () => {
  const cache: DurationCache = { '/decks/default.md': { welcome: 60, 'the-cluster': 120, detection: 90, recovery: 90, 'what-happened': 60 } };
  const s = show(); // on chapter 3 (detection): planned 3:00 … 4:30

  it('is on track between the chapter\'s planned start and end', () => {
    const p = pacing(s, cache, 420_000, 200_000);
    expect(p).toMatchObject({ status: 'on-track', plannedStartMs: 180_000, plannedEndMs: 270_000, byMs: 70_000, estimated: false, remainingMs: 220_000 });
    expect(paceText(p!, elapsedText)).toBe('on track · 1:10 left here');
  });

  it('is ahead when the chapter came before its planned start', () => {
    const p = pacing(s, cache, 420_000, 150_000)!;
    expect(p.status).toBe('ahead');
    expect(paceText(p, elapsedText)).toBe('0:30 ahead');
  });

  it('is behind when the chapter runs past its planned end', () => {
    const p = pacing(s, cache, 420_000, 300_000)!;
    expect(p.status).toBe('behind');
    expect(paceText(p, elapsedText)).toBe('0:30 behind');
  });

  it('says when it had to estimate, and gives nothing without a target', () => {
    expect(pacing(s, {}, 420_000, 100_000)?.estimated).toBe(true);
    expect(pacing(s, cache, null, 100_000)).toBeNull();
  });
});
