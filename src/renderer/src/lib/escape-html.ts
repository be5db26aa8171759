// Text into HTML, for the two places that build HTML strings (narration.ts, highlight.ts): the
// five characters that could open a tag, an entity or an attribute become entities.
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
