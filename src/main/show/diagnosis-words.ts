// The diagnosis's bounded wording and its Raft-majority rule. PD's answers may list thousands of
// stores, or hostile names: the stage has room for a sentence, not a roll call. Pure.

/** Items told in full; past this many, the first few and "and N more". */
export const NAMED_MAX = 5;
/** A name longer than this (an odd or hostile PD answer) is cut. */
export const NAME_CHARS = 48;
/** Other text from outside (an error, an event's own words) is cut past this. */
export const TEXT_CHARS = 200;

/** `s`, cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(s: string, max = NAME_CHARS): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  return `${last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut}…`;
}

/** A whole number as the stage says it ("1,200"); an absurd one in short form, not 400 digits. */
export function int(n: number): string {
  const r = Math.round(n);
  return Math.abs(r) < 1e15 ? r.toLocaleString('en-US') : r.toExponential(2);
}

/** The first few items, shown, and how many are left unsaid (never just one: that one is shown). */
function bounded<T>(xs: readonly T[], show: (x: T) => string): { shown: string[]; more: number } {
  if (xs.length <= NAMED_MAX) return { shown: xs.map(show), more: 0 };
  return { shown: xs.slice(0, NAMED_MAX - 1).map(show), more: xs.length - (NAMED_MAX - 1) };
}

/** "a", "a and b", "a, b and c"; past a handful, "a, b, c, d and 4,996 more". */
export function names(xs: readonly string[]): string {
  const { shown, more } = bounded(xs, (x) => clip(x));
  const all = more > 0 ? [...shown, `${int(more)} more`] : shown;
  return all.length <= 1 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1] ?? ''}`;
}

/** "a, b, c" by commas; past a handful, "a, b, c, d and 4,996 more". */
export function commaList<T>(xs: readonly T[], show: (x: T) => string): string {
  const { shown, more } = bounded(xs, show);
  return more > 0 ? `${shown.join(', ')} and ${int(more)} more` : shown.join(', ');
}

/** PD's default max-replicas: reasoned with, and said to be assumed, while PD's own is unknown. */
export const PD_DEFAULT_REPLICAS = 3;

/** The replica count to reason with: PD's setting, or (unknown, or no count) its default, assumed. */
export function replicaCount(replicas: number | null | undefined): { count: number; assumed: boolean } {
  if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 1) return { count: replicas, assumed: false };
  return { count: PD_DEFAULT_REPLICAS, assumed: true };
}

/** Said after a data claim reasoned on the default, so the stage does not claim what it does not know. */
export const ASSUMED_REPLICAS = `This assumes PD's default of ${PD_DEFAULT_REPLICAS} replicas: PD's own setting is not known.`;

/**
 * What the replica count tells for certain about the regions' Raft majority when `out` of
 * `stores` stores are out. The app does not see where PD placed each region's replicas, so
 * between the two certain cases it can only say that some regions may have lost it.
 */
export type Majority = {
  /** Replicas of one region: PD puts each on its own store, so never more than the stores. */
  perRegion: number;
  /** A Raft majority of those. */
  need: number;
} & ({ kind: 'all-kept' } | { kind: 'all-lost' } | { kind: 'some-may-have-lost'; lostAt: number });

export function majorityOf(stores: number, out: number, replicas: number): Majority {
  const r = replicaCount(replicas).count;
  const perRegion = Math.max(1, Math.min(r, stores));
  const need = Math.floor(perRegion / 2) + 1;
  // Fewer stores up than a majority: no region can have a majority of replicas up.
  if (stores - out < need) return { kind: 'all-lost', perRegion, need };
  // Even a region with a replica on every out store keeps a majority.
  if (out <= perRegion - need) return { kind: 'all-kept', perRegion, need };
  // A region loses it with this many of its replicas on out stores.
  return { kind: 'some-may-have-lost', perRegion, need, lostAt: perRegion - need + 1 };
}

/** The regions that lost their majority, among `out` stores out: "replicas on both of them". */
export function losers(out: number, lostAt: number): string {
  if (lostAt >= out) return out === 1 ? 'a replica on it' : out === 2 ? 'replicas on both of them' : `replicas on all ${int(out)} of them`;
  return lostAt === 1 ? 'a replica on any of them' : `replicas on ${int(lostAt)} or more of them`;
}
