// Fenced code blocks in Markdown: a run of three or more ` or ~ opens one, and a line that is
// only a run of the same character, at least as long, closes it. Parsers that look for list
// items, slot markers or images skip what this marks as code.
const FENCE = /^\s*(`{3,}|~{3,})/;

/** For each line: true when it is a fence line or inside a fenced block. Pure. */
export function codeLines(lines: readonly string[]): boolean[] {
  let fence: string | null = null;
  return lines.map((line) => {
    const f = FENCE.exec(line);
    if (!f) return fence !== null;
    const mark = f[1] ?? '```';
    if (fence === null) fence = mark;
    else if (mark.startsWith(fence) && line.trim() === mark) fence = null;
    return true;
  });
}
