// Deck files: Markdown slides in Slidev's convention. Each slide opens with a front-matter block
// between two `---` lines, then its Markdown body; a trailing HTML comment holds the speaker notes.
//
//   ---
//   title: Fault Injection
//   action: kill-random-tikv
//   countdown: 3
//   blocksAdvance: true
//   map: show
//   ---
//   # We kill a node. Live.
//
//   <!-- Say: ... Watch for: ... -->
//
// As in Slidev, a `---` line in a body starts the next slide (outside fenced code blocks): use
// `***` for a horizontal rule. Unknown keys are errors, so a typo never passes silently.
//
// parseDeck is pure and collects every error (not just the first), each naming the file, the
// 1-based line in the FILE and what is wrong, e.g. `deck.md:27: unknown action "explode": ...`.
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import { readDeckText } from './deck-file';
import { z } from 'zod';
import { parseAction, type ChapterAction } from '../../shared/actions';
import type { Chapter, ChapterPanel } from '../../shared/show';

export interface Deck {
  /** The deck's title (the first slide's `deckTitle`, else the first chapter's title). */
  title: string;
  /** The file it came from, as given to parseDeck/loadDeck. */
  file: string;
  /** At least one chapter. */
  chapters: Chapter[];
}

export interface DeckError {
  file: string;
  /** 1-based line in the file; 0 when the error concerns the whole file (unreadable, empty). */
  line: number;
  message: string;
}

export type DeckResult = { ok: true; deck: Deck } | { ok: false; errors: DeckError[] };

/** `deck.md:27: unknown action "explode": ...` (or `deck.md: ...` for whole-file errors). */
export function formatDeckError(e: DeckError): string {
  return e.line > 0 ? `${e.file}:${e.line}: ${e.message}` : `${e.file}: ${e.message}`;
}

const PANELS = ['none', 'timeline', 'diagnosis', 'workload'] as const satisfies readonly ChapterPanel[];

/** The front-matter keys, each with the check of its value and the words for what it expects. */
const KEYS = {
  title: { schema: z.string().trim().min(1), expects: 'a non-empty title' },
  deckTitle: { schema: z.string().trim().min(1), expects: 'a non-empty deck title' },
  id: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    expects: 'lower-case letters, digits and dashes (like "fault-injection")'
  },
  action: { schema: z.string().trim().min(1), expects: 'an action name' },
  countdown: { schema: z.number().int().min(0).max(10), expects: 'whole seconds from 0 to 10' },
  autoAdvance: { schema: z.number().positive().max(3600).nullable(), expects: 'seconds (more than 0, at most 3600)' },
  blocksAdvance: { schema: z.boolean(), expects: 'true or false' },
  map: { schema: z.union([z.boolean(), z.enum(['show', 'hide'])]), expects: 'show, hide, true or false' },
  panel: { schema: z.enum(PANELS), expects: `one of ${PANELS.join(', ')}` },
  duration: { schema: z.number().positive().max(86_400), expects: 'seconds (more than 0)' },
  /** The explicit, visible opt-in to a fault that would leave fewer than a majority running. */
  allowQuorumLoss: { schema: z.boolean(), expects: 'true or false' },
  'allow-quorum-loss': { schema: z.boolean(), expects: 'true or false' }
} as const;

type Key = keyof typeof KEYS;
const KEY_NAMES = Object.keys(KEYS) as Key[];
const isKey = (k: string): k is Key => Object.prototype.hasOwnProperty.call(KEYS, k);

interface RawSlide {
  /** Line of the opening `---`. */
  line: number;
  yaml: string;
  body: string;
}

const SEPARATOR = /^---[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** Cuts the file into slides. Lines inside fenced code blocks are never separators. */
function splitSlides(text: string, file: string, errors: DeckError[]): RawSlide[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const slides: RawSlide[] = [];
  let mode: 'preamble' | 'front' | 'body' = 'preamble';
  let fence: string | null = null;
  let start = 0;
  let yaml: string[] = [];
  let body: string[] = [];
  let preambleReported = false;

  const finish = (): void => {
    slides.push({ line: start, yaml: yaml.join('\n'), body: body.join('\n') });
    yaml = [];
    body = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const lineNo = i + 1;
    if (mode === 'front') {
      if (SEPARATOR.test(text)) {
        mode = 'body';
        fence = null;
      } else yaml.push(text);
      continue;
    }
    const f = FENCE.exec(text);
    if (f) {
      const mark = f[1] ?? '```';
      if (fence === null) fence = mark;
      else if (fence === mark) fence = null;
    }
    if (fence === null && SEPARATOR.test(text)) {
      if (mode === 'body') finish();
      mode = 'front';
      start = lineNo;
      continue;
    }
    if (mode === 'preamble') {
      if (text.trim() !== '' && !preambleReported) {
        preambleReported = true;
        errors.push({ file, line: lineNo, message: 'text before the first slide: a deck starts with a "---" line and the first slide\'s front matter' });
      }
      continue;
    }
    body.push(text);
  }

  if (mode === 'front') {
    // A trailing `---` with nothing after it is harmless; an unclosed block with content is not.
    if (yaml.some((l) => l.trim() !== ''))
      errors.push({ file, line: start, message: 'front matter is not closed: expected a second "---" line' });
  } else if (mode === 'body') finish();
  return slides;
}

/** Splits a slide body into narration and the notes of a trailing `<!-- ... -->` comment. */
export function splitNotes(body: string): { narration: string; notes: string } {
  const trimmed = body.trimEnd();
  if (trimmed.endsWith('-->')) {
    const open = trimmed.lastIndexOf('<!--');
    if (open >= 0 && trimmed.indexOf('-->', open + 4) === trimmed.length - 3) {
      const notes = dedent(trimmed.slice(open + 4, trimmed.length - 3));
      return { narration: trimmed.slice(0, open).trim(), notes };
    }
  }
  return { narration: body.trim(), notes: '' };
}

function dedent(s: string): string {
  const lines = s.replace(/^\s*\n/, '').trimEnd().split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines
    .map((l) => l.slice(cut))
    .join('\n')
    .trim();
}

export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

interface SlideFields {
  /** Line of the opening `---`. */
  line: number;
  values: Partial<Record<Key, unknown>>;
  /** Line of each key, for later checks that span keys or slides. */
  lines: Partial<Record<Key, number>>;
  body: string;
}

/** Parses one slide's front matter; pushes errors; returns the checked values, or null on error. */
function readFrontMatter(slide: RawSlide, first: boolean, file: string, errors: DeckError[]): SlideFields | null {
  const lc = new LineCounter();
  const doc = parseDocument(slide.yaml, { lineCounter: lc, prettyErrors: false });
  // The block starts on the line after the opening `---`.
  const fileLine = (offset: number): number => slide.line + Math.max(1, lc.linePos(offset).line);
  const before = errors.length;
  const err = (line: number, message: string): void => {
    errors.push({ file, line, message });
  };

  if (doc.errors.length) {
    for (const e of doc.errors) err(fileLine(e.pos[0]), `bad YAML in front matter: ${e.message.split('\n')[0] ?? e.message}`);
    return null;
  }
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    err(slide.line, 'missing title: every slide needs "title:" in its front matter');
    return null;
  }
  if (!isMap(contents)) {
    err(fileLine(contents.range?.[0] ?? 0), 'front matter must be "key: value" lines');
    return null;
  }
  let js: Record<string, unknown>;
  try {
    // A few aliases are fine; an alias bomb (a billion laughs) is refused, never expanded.
    js = doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (e) {
    err(slide.line + 1, `front matter cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  const out: SlideFields = { line: slide.line, values: {}, lines: {}, body: slide.body };
  for (const pair of contents.items) {
    const keyNode = pair.key;
    const keyLine = isScalar(keyNode) && keyNode.range ? fileLine(keyNode.range[0]) : slide.line + 1;
    const key = isScalar(keyNode) ? String(keyNode.value) : show(keyNode);
    if (!isKey(key)) {
      err(keyLine, `unknown key "${key}": expected one of ${KEY_NAMES.join(', ')}`);
      continue;
    }
    const value = js[key];
    out.lines[key] = keyLine;
    if (key === 'deckTitle' && !first) {
      err(keyLine, "deckTitle belongs in the first slide's front matter");
      continue;
    }
    const spec = KEYS[key];
    if (!spec.schema.safeParse(value).success) {
      err(keyLine, `${key}: expected ${spec.expects}, got ${show(value)}`);
      continue;
    }
    if (key === 'action') {
      const parsed = parseAction(String(value));
      if (!parsed.ok) {
        err(keyLine, parsed.error);
        continue;
      }
    }
    out.values[key] = typeof value === 'string' ? value.trim() : value;
  }
  if (out.values.title === undefined && out.lines.title === undefined)
    err(slide.line, 'missing title: every slide needs "title:" in its front matter');
  // (A key that is present but wrong was reported above; do not pile a second error on it.)
  const noAction = out.lines.action === undefined;
  const countdown = out.values.countdown;
  if (noAction && typeof countdown === 'number' && countdown > 0)
    err(out.lines.countdown ?? slide.line, `countdown: ${countdown} needs an action to count down to`);
  if (noAction && out.values.blocksAdvance === true)
    err(out.lines.blocksAdvance ?? slide.line, 'blocksAdvance: true needs an action (there is nothing to wait for)');
  for (const k of ['allowQuorumLoss', 'allow-quorum-loss'] as const) {
    const action = out.values.action;
    if (out.values[k] === true && !(typeof action === 'string' && parseAction(action).ok && /^(kill|stop|pause|partition)/.test(action)))
      err(out.lines[k] ?? slide.line, `${k}: true needs a fault action (kill, stop, pause or partition) on the same slide`);
  }
  return errors.length === before ? out : null;
}

/** Parses a deck file's text. Pure: `file` only names the source in errors and chapters. */
export function parseDeck(text: string, file: string): DeckResult {
  const errors: DeckError[] = [];
  const slides = splitSlides(text, file, errors);
  if (slides.length === 0 && errors.length === 0)
    errors.push({ file, line: 0, message: 'the deck has no slides: each slide starts with a front-matter block between two "---" lines' });

  const fields: SlideFields[] = [];
  slides.forEach((slide, i) => {
    const f = readFrontMatter(slide, i === 0, file, errors);
    if (f) fields.push(f);
  });

  // Explicit ids must be unique; derived ones (slug of the title) get -2, -3... on a clash.
  const used = new Map<string, number>();
  for (const f of fields) {
    const id = f.values.id;
    if (typeof id !== 'string') continue;
    const first = used.get(id);
    if (first !== undefined)
      errors.push({ file, line: f.lines.id ?? f.line, message: `duplicate id "${id}" (also used on line ${first})` });
    else used.set(id, f.lines.id ?? f.line);
  }
  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };

  const chapters: Chapter[] = fields.map((f, i) => {
    const v = f.values;
    const title = String(v.title);
    let id = typeof v.id === 'string' ? v.id : null;
    if (id === null) {
      const base = slugify(title) || `chapter-${i + 1}`;
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.set(id, f.line);
    }
    const { narration, notes } = splitNotes(f.body);
    const map = v.map;
    return {
      id,
      title,
      narration,
      notes,
      action: typeof v.action === 'string' ? withQuorumOptIn(parsedAction(v.action), v.allowQuorumLoss === true || v['allow-quorum-loss'] === true) : null,
      countdown: typeof v.countdown === 'number' ? v.countdown : 0,
      autoAdvance: typeof v.autoAdvance === 'number' ? v.autoAdvance : null,
      blocksAdvance: v.blocksAdvance === true,
      map: map === true || map === 'show',
      panel: (v.panel as ChapterPanel | undefined) ?? 'none',
      duration: typeof v.duration === 'number' ? v.duration : null,
      source: { file, line: f.line }
    };
  });
  const first = fields[0];
  const deckTitle = typeof first?.values.deckTitle === 'string' ? first.values.deckTitle : (chapters[0]?.title ?? file);
  return { ok: true, deck: { title: deckTitle, file, chapters } };
}

/** A fault beat with the deck's opt-in to quorum loss carries it in its FaultSpec. Pure. */
function withQuorumOptIn(action: ChapterAction | null, allow: boolean): ChapterAction | null {
  return action && allow && action.type === 'fault' ? { ...action, fault: { ...action.fault, allowQuorumLoss: true } } : action;
}

/** How many alias expansions one slide's front matter may need. */
const YAML_MAX_ALIAS_COUNT = 50;

/**
 * Reads and parses a deck file; an unreadable file (missing, a FIFO, a folder, too big, too
 * slow) is a DeckError (line 0), and so is anything the parser throws: never a throw.
 */
export async function loadDeck(path: string): Promise<DeckResult> {
  const fail = (message: string): DeckResult => ({ ok: false, errors: [{ file: path, line: 0, message }] });
  try {
    const r = await readDeckText(path);
    if (!r.ok) return fail(r.message);
    return parseDeck(r.text, path);
  } catch (e) {
    return fail(`the deck could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The chapter's action, already checked by slideValues (an error there drops the deck). */
function parsedAction(raw: string): ChapterAction | null {
  const p = parseAction(raw);
  return p.ok ? p.action : null;
}
