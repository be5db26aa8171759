// Small read-only helpers over ShowState for the views.
import type { Chapter, ShowState, TimelineEvent } from '../../../shared/show';
import { faultCaption, type ChapterAction } from '../../../shared/actions';

/** 1-based position of the current chapter. ShowState.index is the index into `chapters`
 *  (0-based); if a sender ever made it 1-based, the chapter ids tell us. */
export function chapterPosition(show: Pick<ShowState, 'index' | 'chapters' | 'chapter'>): number {
  const at = show.chapters[show.index];
  if (at && at.id === show.chapter.id) return show.index + 1;
  const before = show.chapters[show.index - 1];
  if (before && before.id === show.chapter.id) return show.index;
  return show.index + 1;
}

/** What a chapter's action does, in plain words for a caption: "Killing a random TiKV". */
export function actionCaption(a: ChapterAction): string;
export function actionCaption(a: ChapterAction | null): string | null;
export function actionCaption(a: ChapterAction | null): string | null {
  if (!a) return null;
  switch (a.type) {
    case 'fault':
      return faultCaption(a.fault);
    case 'restore':
      return 'Bringing the node back';
    case 'restore-all':
      return 'Bringing every node back';
    case 'start-workload':
      return 'Starting the workload';
    case 'stop-workload':
      return 'Stopping the workload';
  }
}

/** The countdown number to show: main's tick, else derived from the end time. */
export function countdownNumber(chapter: Pick<Chapter, 'countdown'>, beat: ShowState['beat'], serverNow: number): number | null {
  if (beat.phase !== 'countdown') return null;
  if (beat.countdownLeft !== null) return Math.max(0, beat.countdownLeft);
  if (beat.countdownEndsAt !== null) return Math.max(0, Math.ceil((beat.countdownEndsAt - serverNow) / 1000));
  return chapter.countdown > 0 ? chapter.countdown : null;
}

export interface TimelineRow {
  key: string;
  /** Milliseconds from the fault this event belongs to (negative before the first fault). */
  offsetMs: number;
  event: TimelineEvent;
}

/** Timeline rows with times relative to the fault: each event is measured from the latest
 *  "fault-injected" event at or before it; events before any fault from the first fault; with
 *  no fault at all, from the first event. Sorted by time. */
export function timelineRows(events: readonly TimelineEvent[], timeScale = 1): TimelineRow[] {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const faults = sorted.filter((e) => e.kind === 'fault-injected');
  const firstAt = faults[0]?.at ?? sorted[0]?.at ?? 0;
  return sorted.map((e, i) => {
    let ref = firstAt;
    for (const f of faults) if (f.at <= e.at) ref = f.at;
    return { key: `${e.at}-${i}`, offsetMs: (e.at - ref) * timeScale, event: e };
  });
}
