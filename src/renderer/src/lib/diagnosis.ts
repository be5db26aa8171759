// The Diagnosis chapter on the big screen: each of main's findings has a headline the audience
// needs ("tikv2 was killed", "No data was lost") and an explanation that can give way when the
// panel is full. The presenter view keeps the full text. Pure.
import type { Finding, FindingKind } from '../../../shared/show';

/** The chapter's punchline (the deck's "line to land"): whether data survived, and why. */
const PUNCHLINE: ReadonlySet<FindingKind> = new Set(['data', 'quorum']);

/** Which findings keep their explanation when `drop` explanations must give way: the longest go
 *  first (they cost the most room, so as many as possible stay), except the punchline's (data
 *  and its Raft majority), which goes last. */
export function keptExplanations(findings: readonly Finding[], drop: number): boolean[] {
  const order = findings
    .map((f, i) => ({ i, len: f.detail.length, key: PUNCHLINE.has(f.kind) ? 1 : 0 }))
    .filter((x) => x.len > 0)
    .sort((a, b) => a.key - b.key || b.len - a.len || b.i - a.i);
  const dropped = new Set(order.slice(0, Math.max(0, drop)).map((x) => x.i));
  return findings.map((f, i) => f.detail.length > 0 && !dropped.has(i));
}

/** How many explanations there are to give way. */
export function explanationCount(findings: readonly Finding[]): number {
  return findings.filter((f) => f.detail.length > 0).length;
}
