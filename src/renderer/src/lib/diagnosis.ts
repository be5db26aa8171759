// The Diagnosis chapter on the big screen: each of main's lines has a headline the audience
// needs ("tikv2 was killed", "No data was lost") and an explanation that can give way when the
// panel is full. The presenter view keeps the full text. Pure.

export interface DiagnosisLine {
  lead: string;
  /** The explanation after the headline, or '' when the line is all headline. */
  rest: string;
}

const MIN_LEAD_WORDS = 3;

/** Splits at the first ": " or ". " outside parentheses whose headline has at least three words. */
export function splitDiagnosisLine(line: string): DiagnosisLine {
  const text = line.trim();
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ':' || c === '.') && text[i + 1] === ' ') {
      const lead = text.slice(0, i).trim();
      if (lead.split(/\s+/).length < MIN_LEAD_WORDS) continue;
      const rest = text.slice(i + 2).trim();
      if (!rest) break;
      // Node names (tikv1, pd0) keep their lower case.
      return { lead, rest: /^(tikv|pd)\d/.test(rest) ? rest : rest.charAt(0).toUpperCase() + rest.slice(1) };
    }
  }
  return { lead: text.replace(/[.:]$/, ''), rest: '' };
}

/** The chapter's punchline (the deck's "line to land"): whether data survived, and why. */
const PUNCHLINE = /\b(majority|replicas?)\b/i;

/** Which lines keep their explanation when `drop` explanations must give way: the longest go
 *  first (they cost the most room, so as many as possible stay), except the punchline's (data
 *  and its Raft majority), which goes last. */
export function keptExplanations(lines: readonly DiagnosisLine[], drop: number): boolean[] {
  const order = lines
    .map((l, i) => ({ i, len: l.rest.length, key: PUNCHLINE.test(l.lead) || PUNCHLINE.test(l.rest) ? 1 : 0 }))
    .filter((x) => x.len > 0)
    .sort((a, b) => a.key - b.key || b.len - a.len || b.i - a.i);
  const dropped = new Set(order.slice(0, Math.max(0, drop)).map((x) => x.i));
  return lines.map((l, i) => l.rest.length > 0 && !dropped.has(i));
}

/** How many explanations there are to give way. */
export function explanationCount(lines: readonly DiagnosisLine[]): number {
  return lines.filter((l) => l.rest.length > 0).length;
}
