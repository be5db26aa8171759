// The Diagnosis chapter on the big screen: each of main's findings has a headline the audience
// needs ("tikv2 was killed", "No data was lost") and an explanation that can give way when the
// panel is full. The presenter view keeps the full text. Pure.
import type { Finding, FindingKind } from '../../../shared/show';

/** The chapter's punchline (the deck's "line to land"): whether data survived, and why. */
const PUNCHLINE: ReadonlySet<FindingKind> = new Set(['data', 'quorum']);

/** The order in which explanations give way when the panel is full: each finding's rank (0 goes
 *  first), or -1 for one without an explanation. The longest go first (they cost the most room,
 *  so as many as possible stay), except the punchline's (data and its Raft majority), which
 *  goes last. */
export function explanationRanks(findings: readonly Finding[]): number[] {
  const order = findings
    .map((f, i) => ({ i, len: f.detail.length, key: PUNCHLINE.has(f.kind) ? 1 : 0 }))
    .filter((x) => x.len > 0)
    .sort((a, b) => a.key - b.key || b.len - a.len || b.i - a.i);
  const rank = findings.map(() => -1);
  order.forEach((x, r) => (rank[x.i] = r));
  return rank;
}

/** Which explanations stay when `drop` must give way, from their ranks (explanationRanks). */
export function keptByRank(ranks: readonly number[], drop: number): boolean[] {
  return ranks.map((r) => r >= Math.max(0, drop));
}

/** How many explanations there are to give way. */
export function explanationCount(findings: readonly Finding[]): number {
  return findings.filter((f) => f.detail.length > 0).length;
}
