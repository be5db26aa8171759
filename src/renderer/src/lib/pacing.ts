// Pacing for the presenter: elapsed talk time against the time planned up to the current
// chapter. The durations come from ShowState.chapters; chapters whose deck gives no duration
// share what is left of the target evenly. Pure; tested in test/unit/renderer/pacing.test.ts.
import type { ChapterSummary, ShowState } from '../../../shared/show';

export interface PlannedDurations {
  /** Seconds per chapter, in deck order (estimated where unknown). */
  seconds: number[];
  /** Which of them are estimates. */
  estimated: boolean[];
}

/** Every chapter's planned seconds: known ones as given, unknown ones sharing the rest of the target. */
export function plannedDurations(chapters: readonly Pick<ChapterSummary, 'duration'>[], targetMs: number | null): PlannedDurations {
  const knownSum = chapters.reduce((s, c) => s + (c.duration ?? 0), 0);
  const unknown = chapters.filter((c) => c.duration === null).length;
  const share = unknown > 0 && targetMs !== null ? Math.max(0, targetMs / 1000 - knownSum) / unknown : 0;
  return {
    seconds: chapters.map((c) => c.duration ?? share),
    estimated: chapters.map((c) => c.duration === null)
  };
}

export type PaceStatus = 'ahead' | 'on-track' | 'behind';

export interface Pace {
  status: PaceStatus;
  /** How far ahead or behind (ms, ≥ 0); for on-track, the planned time left in this chapter. */
  byMs: number;
  /** Planned talk time when this chapter should start and end (ms). */
  plannedStartMs: number;
  plannedEndMs: number;
  /** True when a chapter up to this one had no known duration. */
  estimated: boolean;
  /** Target minus elapsed (negative: over time). */
  remainingMs: number;
}

/** Ahead if you reached this chapter before its planned start, behind if you are still on it
 *  after its planned end, on track in between (reveal.js's rule). Null without a target. */
export function pacing(show: Pick<ShowState, 'chapters' | 'index'>, targetMs: number | null, elapsedMs: number): Pace | null {
  if (targetMs === null || targetMs <= 0 || show.chapters.length === 0) return null;
  const plan = plannedDurations(show.chapters, targetMs);
  const i = Math.min(Math.max(0, show.index), show.chapters.length - 1);
  const startS = plan.seconds.slice(0, i).reduce((a, b) => a + b, 0);
  const endS = startS + (plan.seconds[i] ?? 0);
  const plannedStartMs = Math.round(startS * 1000);
  const plannedEndMs = Math.round(endS * 1000);
  const estimated = plan.estimated.slice(0, i + 1).some(Boolean);
  const remainingMs = targetMs - elapsedMs;
  if (elapsedMs < plannedStartMs)
    return { status: 'ahead', byMs: plannedStartMs - elapsedMs, plannedStartMs, plannedEndMs, estimated, remainingMs };
  if (elapsedMs > plannedEndMs)
    return { status: 'behind', byMs: elapsedMs - plannedEndMs, plannedStartMs, plannedEndMs, estimated, remainingMs };
  return { status: 'on-track', byMs: plannedEndMs - elapsedMs, plannedStartMs, plannedEndMs, estimated, remainingMs };
}

/** "1:05 ahead", "0:40 behind", "on track · 0:20 left here". */
export function paceText(p: Pace, clock: (ms: number) => string): string {
  if (p.status === 'ahead') return `${clock(p.byMs)} ahead`;
  if (p.status === 'behind') return `${clock(p.byMs)} behind`;
  return `on track · ${clock(p.byMs)} left here`;
}
