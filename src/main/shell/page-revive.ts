// A window whose page process died (a renderer crash, an out-of-memory kill) is reloaded, so the
// projector does not stay black for the rest of the talk; a page that dies on every load must
// not spin the machine, so only a few reloads a minute.

export const RELOADS_PER_MINUTE = 3;

/** Whether a page that died at `now` may be reloaded, given the times of its recent reloads. Pure. */
export function mayReload(recent: readonly number[], now: number, limit = RELOADS_PER_MINUTE, windowMs = 60_000): { reload: boolean; recent: number[] } {
  const kept = recent.filter((t) => now - t < windowMs);
  if (kept.length >= limit) return { reload: false, recent: kept };
  return { reload: true, recent: [...kept, now] };
}

/** What the presenter is told. Pure. */
export function pageGoneText(view: string, reason: string, reloaded: boolean): string {
  return reloaded
    ? `The ${view} window's page stopped (${reason}) and was reloaded; the show went on`
    : `The ${view} window's page stopped (${reason}) ${RELOADS_PER_MINUTE} times within a minute and is left as it is: restart the app when you can`;
}
