import { describe, expect, it } from 'vitest';
import { pacing, paceText, plannedDurations } from '../../../src/renderer/src/lib/pacing';
import { timerElapsed } from '../../../src/shared/show';
import { elapsedText } from '../../../src/renderer/src/lib/format';
import { show } from './fixtures';

const ids = ['welcome', 'the-cluster', 'detection', 'recovery', 'what-happened'];
/** The deck's chapters with the given durations (the others: none given). */
const plan = (known: Record<string, number>): { id: string; duration: number | null }[] =>
  ids.map((id) => ({ id, duration: known[id] ?? null }));

describe('talk timer', () => {
  it('adds the running stretch to the elapsed time', () => {
    expect(timerElapsed({ running: true, elapsedMs: 60_000, since: 1_000, targetMs: null }, 31_000)).toBe(90_000);
    expect(timerElapsed({ running: false, elapsedMs: 60_000, since: null, targetMs: null }, 31_000)).toBe(60_000);
    // A clock that went backwards never takes time off.
    expect(timerElapsed({ running: true, elapsedMs: 5_000, since: 10_000, targetMs: null }, 9_000)).toBe(5_000);
  });
});

describe('chapter durations', () => {
  it('shares what is left of the target among the chapters the deck gives no duration', () => {
    const p = plannedDurations(plan({ detection: 90, recovery: 90, 'what-happened': 0 }), 420_000);
    expect(p.seconds).toEqual([120, 120, 90, 90, 0]);
    expect(p.estimated).toEqual([true, true, false, false, false]);
    // Known durations beyond the target: the unknown ones get nothing, never a negative share.
    expect(plannedDurations(plan({ detection: 500 }), 60_000).seconds).toEqual([0, 0, 500, 0, 0]);
  });
});

describe('pacing', () => {
  const base = show(); // on chapter 3 (detection): planned 3:00 … 4:30
  const s = { ...base, chapters: base.chapters.map((c, i) => ({ ...c, duration: [60, 120, 90, 90, 60][i] ?? null })) };

  it('is on track between the chapter\'s planned start and end', () => {
    const p = pacing(s, 420_000, 200_000);
    expect(p).toMatchObject({ status: 'on-track', plannedStartMs: 180_000, plannedEndMs: 270_000, byMs: 70_000, estimated: false, remainingMs: 220_000 });
    expect(paceText(p!, elapsedText)).toBe('on track · 1:10 left here');
  });

  it('is ahead when the chapter came before its planned start', () => {
    const p = pacing(s, 420_000, 150_000)!;
    expect(p.status).toBe('ahead');
    expect(paceText(p, elapsedText)).toBe('0:30 ahead');
  });

  it('is behind when the chapter runs past its planned end', () => {
    const p = pacing(s, 420_000, 300_000)!;
    expect(p.status).toBe('behind');
    expect(paceText(p, elapsedText)).toBe('0:30 behind');
  });

  it('says when it had to estimate, and gives nothing without a target', () => {
    expect(pacing({ ...s, chapters: s.chapters.map((c) => ({ ...c, duration: null })) }, 420_000, 100_000)?.estimated).toBe(true);
    expect(pacing(s, null, 100_000)).toBeNull();
  });
});
