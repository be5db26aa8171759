// Pacing for the presenter: elapsed talk time against the time planned up to the current
// chapter. The durations come from ShowState.chapters (and the current and next chapter);
// chapters whose duration was never seen share what is left of the target evenly. Pure; tested in
// test/unit/renderer/pacing.test.ts.
import type { ShowState, TalkTimer } from '../../../shared/show';

/** deckFile → chapter id → planned seconds (null: the deck gives none). */
export type DurationCache = Record<string, Record<string, number | null>>;

/** The talk timer's elapsed time at `now` (main's clock). */
export function timerElapsedMs(t: TalkTimer, now: number): number {
  return t.elapsedMs + (t.running && t.since !== null ? Math.max(0, now - t.since) : 0);
}

/** Adds what this state says about durations; returns the same object when nothing is new. */
export function learnDurations(
  cache: DurationCache,
  show: Pick<ShowState, 'deckFile' | 'chapter' | 'next'> & { chapters?: ShowState['chapters'] }
): DurationCache {
  const deck = cache[show.deckFile] ?? {};
  const add: Record<string, number | null> = {};
  for (const ch of [...(show.chapters ?? []), show.chapter, show.next]) {
    if (ch && 'duration' in ch && deck[ch.id] !== ch.duration) add[ch.id] = ch.duration;
  }
  if (Object.keys(add).length === 0) return cache;
  return { ...cache, [show.deckFile]: { ...deck, ...add } };
}

export interface PlannedDurations {
  /** Seconds per chapter, in deck order (estimated where unknown). */
  seconds: number[];
  /** Which of them are estimates. */
  estimated: boolean[];
}

/** Every chapter's planned seconds: known ones as given, unknown ones sharing the rest of the target. */
export function plannedDurations(
  chapterIds: readonly string[],
  known: Record<string, number | null>,
  targetMs: number | null
): PlannedDurations {
  const knownSum = chapterIds.reduce((s, id) => s + (known[id] ?? 0), 0);
  const unknown = chapterIds.filter((id) => !(id in known)).length;
  const share = unknown > 0 && targetMs !== null ? Math.max(0, targetMs / 1000 - knownSum) / unknown : 0;
  return {
    seconds: chapterIds.map((id) => (id in known ? (known[id] ?? 0) : share)),
    estimated: chapterIds.map((id) => !(id in known))
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
export function pacing(
  show: Pick<ShowState, 'deckFile' | 'chapters' | 'index'>,
  cache: DurationCache,
  targetMs: number | null,
  elapsedMs: number
): Pace | null {
  if (targetMs === null || targetMs <= 0 || show.chapters.length === 0) return null;
  const ids = show.chapters.map((c) => c.id);
  const plan = plannedDurations(ids, cache[show.deckFile] ?? {}, targetMs);
  const i = Math.min(Math.max(0, show.index), ids.length - 1);
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
