// The "+3"/"−3" badges the map puts on stores whose leader count just changed, as pure state:
// a burst of changes adds up in one badge, which fades after BADGE_MS (by CSS, so the fade costs
// no render) and is dropped LEAVE_MS later. The map derives them while it renders the counts that
// moved, so a move and its badge are one commit; before, the badge came a commit later and its
// fade and its removal were two more, each re-rendering the cards.
import type { TikvStoreRow } from '../../../shared/cluster';
import { leaderDeltas } from './mapModel';

/** How long a badge shows at full strength after its last change, then how long it fades. */
export const BADGE_MS = 2600;
export const LEAVE_MS = 450;

export interface Badge {
  delta: number;
  /** Which burst of changes this is: the badge's element is new for each (and for each change, `change`). */
  burst: number;
  /** Changes in this burst so far; a new one restarts the badge's pop and fade. */
  change: number;
  /** When the burst last changed (the page's monotonic ms): the badge is dropped at `at + BADGE_MS + LEAVE_MS`. */
  at: number;
}

export interface BadgeState {
  /** Leader counts by store id as last seen; null until the first snapshot (which is the baseline). */
  counts: ReadonlyMap<string, number> | null;
  badges: Readonly<Record<string, Badge>>;
  bursts: number;
}

export const NO_BADGES: BadgeState = { counts: null, badges: {}, bursts: 0 };

const sameKeys = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean => {
  if (a.size !== b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
};

/**
 * The state after the map saw `tikv` at `now`, or `s` itself when nothing it tracks changed (so a
 * snapshot that moved only figures costs no state update).
 */
export function followLeaders(s: BadgeState, tikv: readonly Pick<TikvStoreRow, 'storeId' | 'leaderCount'>[], now: number): BadgeState {
  const { counts, deltas } = leaderDeltas(s.counts, tikv);
  if (deltas.size === 0) return s.counts !== null && sameKeys(s.counts, counts) ? s : { ...s, counts };
  const badges: Record<string, Badge> = { ...s.badges };
  let bursts = s.bursts;
  for (const [id, d] of deltas) {
    const cur = live(s.badges[id], now);
    const sum = cur ? cur.delta + d : d;
    if (sum === 0) delete badges[id];
    else badges[id] = cur ? { delta: sum, burst: cur.burst, change: cur.change + 1, at: now } : { delta: sum, burst: ++bursts, change: 0, at: now };
  }
  return { counts, badges, bursts };
}

/** A badge still showing at `now` (fading ones have left: a new change starts a new burst). */
function live(b: Badge | undefined, now: number): Badge | undefined {
  return b && now < b.at + BADGE_MS ? b : undefined;
}

/** The state without the badges gone by `now`, or `s` itself when none is. */
export function pruneBadges(s: BadgeState, now: number): BadgeState {
  let badges: Record<string, Badge> | null = null;
  for (const [id, b] of Object.entries(s.badges)) {
    if (now < b.at + BADGE_MS + LEAVE_MS) continue;
    badges ??= { ...s.badges };
    delete badges[id];
  }
  return badges ? { ...s, badges } : s;
}

/** When the next badge is to be dropped (the clock `at` is on), or null with none showing. */
export function nextDrop(s: BadgeState): number | null {
  let at: number | null = null;
  for (const b of Object.values(s.badges)) at = Math.min(at ?? Infinity, b.at + BADGE_MS + LEAVE_MS);
  return at;
}
