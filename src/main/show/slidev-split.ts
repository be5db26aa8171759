// Splitting a deck into slides the way Slidev's parser (@slidev/parser, core.ts) does, so a
// Slidev deck opens here with the same slides, titles and notes as in Slidev:
//
// - a line starting with `---` ends the slide before it. If the line is not `----…` and the next
//   line is not blank, it opens a front-matter block that runs to the next line that is exactly
//   `---`; otherwise it is a bare separator and the next slide has no front matter;
// - lines inside a backtick code fence or an HTML comment never separate slides;
// - a slide without a `---` block may start with a ```yaml block: that block is its front matter;
// - the slide's last HTML comment, when nothing follows it, is its speaker notes;
// - the title is front matter `title` (or `name`), else the text of the first `#` heading.
//
// Two deliberate differences, both for files Slidev would read oddly: a leading `---` followed by a
// blank line is a separator with nothing before it (Slidev keeps the dashes as slide text), and a
// front-matter block never closed is reported (Slidev reads it as the rest of the file).
//
// Pure: no I/O. Line numbers are 1-based lines of the file, for `file:line` messages.
import { LineCounter, parseDocument, type Document } from 'yaml';

export interface SlidevFrontMatter {
  /** 'frontmatter' = a `---` block; 'yaml' = a leading ```yaml code block (Slidev's other form). */
  style: 'frontmatter' | 'yaml';
  raw: string;
  /** File line of the block's first YAML line. */
  firstLine: number;
  /** The parsed document (for key positions), or null when it did not parse. */
  doc: Document | null;
  lineCounter: LineCounter;
  /** Its value as plain data; {} when empty, not a map, or unreadable. */
  data: Record<string, unknown>;
  /** YAML problems, each at its file line. */
  errors: { line: number; message: string }[];
}

export interface SlidevSlide {
  /** 0-based position in the file. */
  index: number;
  /** File line of the `---` that opened the slide, else of its first line. */
  line: number;
  /** File line where the slide's content (after any front matter) starts. */
  contentLine: number;
  /** File line after the slide's last line (exclusive end). */
  endLine: number;
  frontMatter: SlidevFrontMatter | null;
  /** Markdown body without front matter and notes, trimmed (Slidev's `content`). */
  content: string;
  /** The last HTML comment when it closes the slide, trimmed; null when none. */
  note: string | null;
  /** The same comment's text as written (indentation kept), for notes that keep their shape. */
  noteRaw: string | null;
  /** Front matter `title`/`name`, else the first heading's text; null when neither. */
  title: string | null;
  titleFrom: 'front-matter' | 'heading' | null;
  /** Heading depth (1 for `#`), or front matter `level`. */
  level: number | null;
}

export interface SlidevSplit {
  slides: SlidevSlide[];
  /** Structural problems (an unclosed front matter), each at its file line. */
  errors: { line: number; message: string }[];
}

const MAX_ALIASES = 50;
const LEADING_FENCE = /^\s*`+/;
const HEADING = /^(#+) (.*)$/m;
const YAML_BLOCK = /^\s*```ya?ml([\s\S]*?)```/;

/** Whether, after `line`, the text is still inside an HTML comment (Slidev's comment tracking). */
function inCommentAfter(line: string, inside: boolean): boolean {
  let at = 0;
  while (at < line.length) {
    if (inside) {
      const end = line.indexOf('-->', at);
      if (end < 0) return true;
      inside = false;
      at = end + 3;
    } else {
      const start = line.indexOf('<!--', at);
      if (start < 0) return false;
      const end = line.indexOf('-->', start + 4);
      if (end < 0) return true;
      at = end + 3;
    }
  }
  return inside;
}

interface Cut {
  /** 0-based first line of the slide's raw text (its `---` when it has front matter). */
  start: number;
  /** 0-based first content line. */
  contentStart: number;
  /** 0-based exclusive end. */
  end: number;
  /** 0-based line of the separator that opened the slide, or null. */
  opener: number | null;
  /** 0-based lines of a `---` front-matter block's YAML: [from, to). */
  yaml: [number, number] | null;
}

/**
 * For each line: whether a later line closes a code fence it opens, i.e. starts with its fence
 * (its leading whitespace and run of backticks): a later line with the same leading whitespace
 * and at least as many backticks. Found in one pass from the end, keeping each indentation's
 * longest run, instead of a scan to the end of the file for every unclosed fence (quadratic).
 */
export function fenceCloses(lines: readonly string[]): boolean[] {
  const closes: boolean[] = new Array<boolean>(lines.length).fill(false);
  const longest = new Map<string, number>();
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i] ?? '';
    const fence = LEADING_FENCE.exec(raw.trimEnd())?.[0];
    if (fence === undefined) continue;
    const indent = fence.slice(0, fence.indexOf('`'));
    const run = fence.length - indent.length;
    const after = longest.get(indent) ?? 0;
    closes[i] = after >= run;
    if (run > after) longest.set(indent, run);
  }
  return closes;
}

/** Where each slide starts and ends, as Slidev's parse loop finds them. */
function cutSlides(lines: string[], errors: SlidevSplit['errors']): Cut[] {
  const closes = fenceCloses(lines);
  const cuts: Cut[] = [];
  let start = 0;
  let contentStart = 0;
  let opener: number | null = null;
  let yaml: [number, number] | null = null;
  let inComment = false;
  const slice = (end: number): void => {
    if (start === end) return;
    cuts.push({ start, contentStart, end, opener, yaml });
    start = end + 1;
    contentStart = end + 1;
    yaml = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.trimEnd();
    if (inComment) {
      inComment = inCommentAfter(raw, true);
      continue;
    }
    if (line.startsWith('---')) {
      slice(i);
      if (i === 0) start = contentStart = 1; // a leading separator: nothing before it
      opener = i;
      const next = lines[i + 1];
      if (line[3] !== '-' && next !== undefined && next.trim() !== '') {
        start = i;
        const open = i;
        for (i += 1; i < lines.length; i++) if ((lines[i] ?? '').trimEnd() === '---') break;
        if (i >= lines.length) {
          errors.push({ line: open + 1, message: 'front matter is not closed: expected a second "---" line' });
          yaml = [open + 1, lines.length];
        } else yaml = [open + 1, i];
        contentStart = i + 1;
      }
    } else if (line.trimStart().startsWith('```')) {
      // An unclosed fence hides nothing. fenceCloses says which close, so no search runs to the
      // end of the file, and the lines a closed one's search passes are jumped over: linear.
      if (!closes[i]) continue;
      const fence = LEADING_FENCE.exec(line)?.[0] ?? '```';
      let j = i + 1;
      while (j < lines.length && !(lines[j] ?? '').startsWith(fence)) j++;
      i = j;
    } else inComment = inCommentAfter(raw, false);
  }
  if (start <= lines.length - 1) slice(lines.length);
  return cuts;
}

function readYaml(raw: string, firstLine: number, style: SlidevFrontMatter['style']): SlidevFrontMatter {
  const lineCounter = new LineCounter();
  const fm: SlidevFrontMatter = { style, raw, firstLine, doc: null, lineCounter, data: {}, errors: [] };
  const at = (offset: number): number => firstLine - 1 + Math.max(1, lineCounter.linePos(offset).line);
  const doc = parseDocument(raw, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    for (const e of doc.errors) fm.errors.push({ line: at(e.pos[0]), message: `bad YAML in front matter: ${e.message.split('\n')[0] ?? e.message}` });
    return fm;
  }
  fm.doc = doc;
  try {
    // A few aliases are fine; an alias bomb (a billion laughs) is refused, never expanded.
    const js: unknown = doc.toJS({ maxAliasCount: MAX_ALIASES });
    if (js !== null && typeof js === 'object' && !Array.isArray(js)) fm.data = js as Record<string, unknown>;
  } catch (e) {
    fm.errors.push({ line: firstLine, message: `front matter cannot be read: ${e instanceof Error ? e.message : String(e)}` });
  }
  return fm;
}

/**
 * The last HTML comment of a slide, when nothing follows it, is its notes. Comments are found left
 * to right as /<!--([\s\S]*?)-->/g finds them, but by indexOf: the regex retries every unclosed
 * `<!--` to the end of the text, quadratic on `<!--` repeated (minutes at the 2 MB deck cap).
 */
export function takeNote(content: string): { content: string; note: string | null; noteRaw: string | null } {
  let last: { start: number; end: number } | null = null;
  for (let at = 0; ; ) {
    const start = content.indexOf('<!--', at);
    const close = start < 0 ? -1 : content.indexOf('-->', start + 4);
    if (close < 0) break; // no `-->` after this `<!--`: none after a later one either
    last = { start, end: close + 3 };
    at = close + 3;
  }
  if (last && last.end >= content.length) {
    const raw = content.slice(last.start + 4, last.end - 3);
    return { content: content.slice(0, last.start).trim(), note: raw.trim(), noteRaw: raw };
  }
  return { content, note: null, noteRaw: null };
}

/** Slidev's title from the first `#` heading (anywhere in the content, as Slidev looks). */
export function headingOf(content: string): { title: string; level: number } | null {
  const m = HEADING.exec(content);
  return m ? { title: (m[2] ?? '').trim(), level: (m[1] ?? '#').length } : null;
}

const textValue = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

function readSlide(lines: string[], cut: Cut, index: number): SlidevSlide {
  let frontMatter: SlidevFrontMatter | null = null;
  if (cut.yaml) frontMatter = readYaml(lines.slice(cut.yaml[0], cut.yaml[1]).join('\n'), cut.yaml[0] + 1, 'frontmatter');
  let body = lines.slice(cut.contentStart, cut.end).join('\n');
  let contentLine = cut.contentStart + 1;
  if (!frontMatter) {
    const y = YAML_BLOCK.exec(body);
    if (y) {
      const before = body.slice(0, y.index + y[0].indexOf('```') + 3);
      const first = cut.contentStart + before.split('\n').length; // 1-based line after the fence line
      frontMatter = readYaml((y[1] ?? '').replace(/^[^\n]*\n/, ''), first + 1, 'yaml');
      const cutText = body.slice(0, y.index + y[0].length);
      contentLine += cutText.split('\n').length - 1;
      body = body.slice(y.index + y[0].length);
    }
  }
  const leading = /^\s*/.exec(body)?.[0] ?? '';
  contentLine += leading.split('\n').length - 1;
  const { content, note, noteRaw } = takeNote(body.trim());
  const data = frontMatter?.data ?? {};
  const fmTitle = textValue(data.title) ?? textValue(data.name);
  const heading = fmTitle === null ? headingOf(content) : null;
  const level = typeof data.level === 'number' ? data.level : (heading?.level ?? null);
  return {
    index,
    line: (cut.opener ?? cut.start) + 1,
    contentLine,
    endLine: cut.end + 1,
    frontMatter,
    content,
    note,
    noteRaw,
    title: fmTitle ?? (heading && heading.title !== '' ? heading.title : null),
    titleFrom: fmTitle !== null ? 'front-matter' : heading && heading.title !== '' ? 'heading' : null,
    level
  };
}

/** Splits a deck's text into slides as Slidev does. */
export function splitSlidev(text: string): SlidevSplit {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: SlidevSplit['errors'] = [];
  const slides = cutSlides(lines, errors).map((cut, i) => readSlide(lines, cut, i));
  return { slides, errors };
}

/** Whether a slide is blank: no front matter, no content, no notes (Slidev still counts it). */
export function isBlankSlide(s: SlidevSlide): boolean {
  return s.frontMatter === null && s.content === '' && s.note === null;
}
