// Durations as the stage says them ("14 s", "3 min", "2 h"): one wording for main's timeline and
// diagnosis and for the views' live counts. Pure.

/** Whole seconds, never negative (clocks of two processes may disagree by a little). */
const secs = (ms: number): number => Math.max(0, Math.round(ms / 1000));

export function formatDuration(ms: number): string {
  const s = secs(ms);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}
