// Deck files: Markdown slides in Slidev's convention, read the way Slidev's parser reads them
// (slidev-split.ts): a `---` line starts a slide, with a front-matter block when a `key: value`
// line follows, else a bare separator; a trailing HTML comment holds the speaker notes.
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
// `---` inside code fences is code; use `***` for a horizontal rule. A slide without `title:`
// takes its first heading's text, as in Slidev. Keys that Slidev knows and this app does not
// (`class`, `transition`, `theme`, ...) are warnings; a key neither knows is an error, so a
// typo never passes silently (in a deck written for Slidev, which passes any key to its
// components, a key not near one of ours is a warning too).
//
// parseDeck is pure and collects every error (not just the first), each naming the file, the
// 1-based line in the FILE and what is wrong, e.g. `deck.md:27: unknown action "explode": ...`.
import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { readDeckText } from './deck-file';
import { checkLocalImage } from './deck-assets';
import { isInside } from '../paths';
import { SLIDEV_KEYS, countTopLevelItems, frontMatterImage, isLayout, nearKey, rewriteImages, type BodyImage } from './slide-body';
import { isBlankSlide, splitSlidev, type SlidevSlide } from './slidev-split';
import { parseDuration, splitSlots } from './slidev-syntax';
import { z } from 'zod';
import { parseAction, type ChapterAction } from '../../shared/actions';
import { CHAPTER_LAYOUTS, type Chapter, type ChapterLayout, type ChapterPanel, type DeckProblem, type SlideImage } from '../../shared/show';

export interface Deck {
  /** The deck's title (the first slide's `deckTitle`, else the first chapter's title). */
  title: string;
  /** The file it came from, as given to parseDeck/loadDeck. */
  file: string;
  /** At least one chapter. */
  chapters: Chapter[];
  /** What the presenter should know but that does not stop the deck (Slidev keys, images). */
  warnings?: DeckError[];
  /** The local images the slides name, for loadDeck's check that they exist. */
  images?: { file: string; image: BodyImage }[];
}

/** A deck error, where it is (the contract's DeckProblem). */
export type DeckError = DeckProblem;

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
  duration: {
    schema: z.union([z.number(), z.string()]).refine((v) => {
      const d = parseDuration(v);
      return d.ok && d.seconds > 0 && d.seconds <= 86_400;
    }),
    expects: 'seconds, or a time like 90s, 35min or 1h10m (more than 0)'
  },
  layout: { schema: z.enum(CHAPTER_LAYOUTS), expects: `one of ${CHAPTER_LAYOUTS.join(', ')}` },
  image: { schema: z.string().trim().min(1), expects: 'an image file beside the deck (image-right)' },
  reveal: { schema: z.enum(['none', 'list']), expects: 'list or none' },
  /** The explicit, visible opt-in to a fault that would leave fewer than a majority running. */
  allowQuorumLoss: { schema: z.boolean(), expects: 'true or false' },
  'allow-quorum-loss': { schema: z.boolean(), expects: 'true or false' }
} as const;

type Key = keyof typeof KEYS;
const KEY_NAMES = Object.keys(KEYS) as Key[];
const isKey = (k: string): k is Key => Object.prototype.hasOwnProperty.call(KEYS, k);

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
  // A loop, not Math.min(...indents): spreading 120k+ lines overflows the stack.
  let cut = Infinity;
  for (const l of lines) if (l.trim() !== '') cut = Math.min(cut, /^[ \t]*/.exec(l)?.[0].length ?? 0);
  if (cut === Infinity) cut = 0;
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
  /** The file the slide is in (the deck, or a file it imports with `src:`). */
  file: string;
  /** Line of the opening `---` (or of the slide's first line). */
  line: number;
  values: Partial<Record<Key, unknown>>;
  /** Line of each key, for later checks that span keys or slides. */
  lines: Partial<Record<Key, number>>;
  slide: SlidevSlide;
}

interface Sink {
  errors: DeckError[];
  warnings: DeckError[];
  /** The deck uses Slidev's own keys: a key neither knows is a warning unless it looks like a typo of ours. */
  slidev: boolean;
}

/** Whether a deck is written for Slidev: some slide uses a key that only Slidev knows. */
function isSlidevDeck(slides: readonly SlidevSlide[]): boolean {
  return slides.some((s) => Object.keys(s.frontMatter?.data ?? {}).some((k) => !isKey(k) && SLIDEV_KEYS.has(k)));
}

/** Checks one slide's front matter; pushes errors and warnings; returns its values, or null on error. */
function readFrontMatter(slide: SlidevSlide, first: boolean, file: string, sink: Sink): SlideFields | null {
  const { errors, warnings } = sink;
  const before = errors.length;
  const err = (line: number, message: string): void => {
    errors.push({ file, line, message });
  };
  const out: SlideFields = { file, line: slide.line, values: {}, lines: {}, slide };
  const fm = slide.frontMatter;
  if (fm) {
    for (const e of fm.errors) err(e.line, e.message);
    if (fm.errors.length) return null;
    const contents = fm.doc?.contents ?? null;
    const fileLine = (offset: number): number => fm.firstLine - 1 + Math.max(1, fm.lineCounter.linePos(offset).line);
    if (contents !== null && !(isScalar(contents) && (contents.value === null || contents.value === ''))) {
      if (!isMap(contents)) {
        err(fileLine(contents.range?.[0] ?? 0), 'front matter must be "key: value" lines');
        return null;
      }
      for (const pair of contents.items) readKey(pair.key, fm.data, first, fileLine, out, sink, file);
    }
  }
  const v = out.values;
  // No `title:`: Slidev's `name:`, else the first heading.
  if (v.title === undefined && out.lines.title === undefined && slide.title !== null) v.title = slide.title;
  if (v.title === undefined && out.lines.title === undefined) {
    // Our own decks always name their slides; a Slidev deck may leave a slide untitled.
    if (fm?.style === 'frontmatter' && !sink.slidev) err(slide.line, 'missing title: every slide needs "title:" in its front matter');
    else warnings.push({ file, line: slide.line, message: 'this slide has no title and no heading: the presenter view calls it by its number' });
  }
  // (A key that is present but wrong was reported above; do not pile a second error on it.)
  const noAction = out.lines.action === undefined;
  const countdown = v.countdown;
  if (noAction && typeof countdown === 'number' && countdown > 0)
    err(out.lines.countdown ?? slide.line, `countdown: ${countdown} needs an action to count down to`);
  if (noAction && v.blocksAdvance === true)
    err(out.lines.blocksAdvance ?? slide.line, 'blocksAdvance: true needs an action (there is nothing to wait for)');
  for (const k of ['allowQuorumLoss', 'allow-quorum-loss'] as const) {
    const action = v.action;
    if (v[k] === true && !(typeof action === 'string' && parseAction(action).ok && /^(kill|stop|pause|partition)/.test(action)))
      err(out.lines[k] ?? slide.line, `${k}: true needs a fault action (kill, stop, pause or partition) on the same slide`);
  }
  return errors.length === before ? out : null;
}

/** One front-matter key: ours (checked), Slidev's (a warning), or neither (an error). */
function readKey(
  keyNode: unknown,
  js: Record<string, unknown>,
  first: boolean,
  fileLine: (offset: number) => number,
  out: SlideFields,
  sink: Sink,
  file: string
): void {
  const keyLine = isScalar(keyNode) && keyNode.range ? fileLine(keyNode.range[0]) : out.line + 1;
  const key = isScalar(keyNode) ? String(keyNode.value) : show(keyNode);
  const err = (message: string): void => void sink.errors.push({ file, line: keyLine, message });
  const warn = (message: string): void => void sink.warnings.push({ file, line: keyLine, message });
  const value = js[key];
  if (!isKey(key)) {
    const near = nearKey(key, KEY_NAMES);
    if (SLIDEV_KEYS.has(key)) warn(`"${key}" is a Slidev setting this app does not use: ignored`);
    else if (sink.slidev && near === null) warn(`"${key}" is a custom key (Slidev passes it to components): ignored`);
    else err(`unknown key "${key}": ${near ? `did you mean "${near}"? ` : ''}expected one of ${KEY_NAMES.join(', ')}`);
    return;
  }
  out.lines[key] = keyLine;
  if (key === 'deckTitle' && !first) return err("deckTitle belongs in the first slide's front matter");
  if (key === 'layout' && typeof value === 'string' && !isLayout(value)) {
    // Slidev's other layouts (cover, intro, two-cols-header, ...) draw as the default here.
    return warn(`layout "${value}" is not one this app draws (${CHAPTER_LAYOUTS.join(', ')}): shown as default`);
  }
  const spec = KEYS[key];
  if (!spec.schema.safeParse(value).success) return err(`${key}: expected ${spec.expects}, got ${show(value)}`);
  if (key === 'action') {
    const parsed = parseAction(String(value));
    if (!parsed.ok) return err(parsed.error);
  }
  if (key === 'duration') {
    const d = parseDuration(value);
    out.values.duration = d.ok ? d.seconds : null;
    return;
  }
  out.values[key] = typeof value === 'string' ? value.trim() : value;
}

/** A slide as it comes out of its file, or out of a file it imports with `src:`. */
interface PlacedSlide {
  slide: SlidevSlide;
  file: string;
  first: boolean;
}

/**
 * The most chapters a deck may make, its own slides and those its `src:` imports bring in (an
 * import counts every time it is imported). Far beyond any talk; it stops a file imported many
 * times over (20 imports of a file that does the same, four deep, would be 160,000 slides).
 */
export const DECK_MAX_CHAPTERS = 1000;
/** The most `src:` slides a deck may follow, each counted every time its file is imported. */
export const DECK_MAX_IMPORTS = 1000;

/** What placeSlides carries down the imports: the files, each split once, and the running counts. */
interface Placing {
  sources: ReadonlyMap<string, string>;
  refused: ReadonlyMap<string, string>;
  splits: Map<string, SlidevSlide[]>;
  sink: Sink;
  out: PlacedSlide[];
  imports: number;
  /** A cap was passed (and reported): nothing more is placed. */
  over: boolean;
}

/** Where a slide of the deck file itself is: the `src:` an imported slide came through. */
type Via = { file: string; line: number } | null;

/** Reports a cap passed, at the slide where it happened (and the deck's own `src:` it came through). */
function overCap(p: Placing, file: string, line: number, via: Via, what: string): void {
  p.over = true;
  const through = via && via.file !== file ? ` (imported through ${basename(via.file)}:${via.line})` : '';
  p.sink.errors.push({ file, line, message: `${what}${through}` });
}

/** The slides Slidev shows: not hidden, disabled or blank. */
function shownSlides(slides: readonly SlidevSlide[]): SlidevSlide[] {
  return slides.filter((s) => s.frontMatter?.data.hide !== true && s.frontMatter?.data.disabled !== true && !isBlankSlide(s));
}

/**
 * Follows `src:` imports (only the files loadDeck could read inside the deck's folder) of shown
 * slides, and stops at DECK_MAX_CHAPTERS / DECK_MAX_IMPORTS as it goes: each step is a chapter or
 * an import, so the work is bounded by the caps however the files import each other.
 */
function placeSlides(slides: readonly SlidevSlide[], file: string, chain: string[], via: Via, p: Placing): void {
  const { sink, out } = p;
  for (const slide of slides) {
    if (p.over) return;
    const src = slide.frontMatter?.data.src;
    if (typeof src !== 'string') {
      if (out.length >= DECK_MAX_CHAPTERS)
        return overCap(p, file, slide.line, via, `the deck makes more than ${DECK_MAX_CHAPTERS} slides, counting each "src:" import every time it is imported: a deck may make at most ${DECK_MAX_CHAPTERS}`);
      out.push({ slide, file, first: chain.length === 1 && out.length === 0 && slide.index === 0 });
      continue;
    }
    if (++p.imports > DECK_MAX_IMPORTS)
      return overCap(p, file, slide.line, via, `the deck has more than ${DECK_MAX_IMPORTS} "src:" imports, counting each every time its file is imported: a deck may have at most ${DECK_MAX_IMPORTS}`);
    const path = importPath(file, src, chain[0]);
    const text = p.sources.get(path);
    const refused = p.refused.get(path);
    if (refused !== undefined) sink.errors.push({ file, line: slide.line, message: `src: "${src}" is not imported: ${refused}` });
    else if (chain.includes(path)) sink.warnings.push({ file, line: slide.line, message: `src: "${src}" imports itself in a circle: skipped` });
    else if (text === undefined) sink.warnings.push({ file, line: slide.line, message: `src: "${src}" cannot be read beside the deck: skipped` });
    else placeSlides(splitOnce(p, path, text), path, [...chain, path], via ?? { file, line: slide.line }, p);
  }
}

/** An imported file's shown slides, split (and its split errors reported) once however often it is imported. */
function splitOnce(p: Placing, path: string, text: string): SlidevSlide[] {
  let slides = p.splits.get(path);
  if (slides === undefined) {
    const split = splitSlidev(text);
    for (const e of split.errors) p.sink.errors.push({ file: path, line: e.line, message: e.message });
    slides = shownSlides(split.slides);
    p.splits.set(path, slides);
  }
  return slides;
}

/**
 * The file a `src:` names: `/x.md` from the deck's folder (Slidev's project root, also inside
 * an imported file in a subfolder), else beside the importing file.
 */
export function importPath(from: string, src: string, deckFile: string = from): string {
  const rel = src.split('#')[0] ?? src;
  return rel.startsWith('/') ? resolve(dirname(deckFile), `.${rel}`) : resolve(dirname(from), rel);
}

/**
 * Parses a deck file's text. Pure: `file` names the source; `sources` holds the files it imports
 * (by importPath), `refused` the imports loadDeck would not read, with why (an error on their slide).
 */
export function parseDeck(
  text: string,
  file: string,
  sources: ReadonlyMap<string, string> = new Map(),
  refused: ReadonlyMap<string, string> = new Map()
): DeckResult {
  const split = splitSlidev(text);
  const sink: Sink = { errors: split.errors.map((e) => ({ file, ...e })), warnings: [], slidev: isSlidevDeck(split.slides) };
  const placing: Placing = { sources, refused, splits: new Map(), sink, out: [], imports: 0, over: false };
  placeSlides(shownSlides(split.slides), file, [resolve(file)], null, placing);
  const placed = placing.out;
  if (placed.length === 0 && sink.errors.length === 0)
    sink.errors.push({ file, line: 0, message: 'the deck has no slides: each slide starts with a front-matter block between two "---" lines' });

  const fields: SlideFields[] = [];
  for (const p of placed) {
    const f = readFrontMatter(p.slide, p.first, p.file, sink);
    if (f) fields.push(f);
  }

  // Explicit ids must be unique; derived ones (slug of the title) get -2, -3... on a clash.
  const used = new Map<string, number>();
  for (const f of fields) {
    const id = f.values.id;
    if (typeof id !== 'string') continue;
    const first = used.get(id);
    if (first !== undefined)
      sink.errors.push({ file: f.file, line: f.lines.id ?? f.line, message: `duplicate id "${id}" (also used on line ${first})` });
    else used.set(id, f.lines.id ?? f.line);
  }
  if (sink.errors.length) return { ok: false, errors: sink.errors.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file === file ? -1 : 1)) };

  const images: NonNullable<Deck['images']> = [];
  const nextId = idAllocator(used);
  const chapters = fields.map((f, i) => toChapter(f, i, nextId, sink, images));
  const first = fields[0];
  const deckTitle = typeof first?.values.deckTitle === 'string' ? first.values.deckTitle : (chapters[0]?.title ?? file);
  return { ok: true, deck: { title: deckTitle, file, chapters, warnings: sink.warnings, images } };
}

/**
 * Hands out derived ids: the base, else base-2, base-3... past every id in `used` (which it adds
 * to). It remembers how far each base got, so n slides with one title cost O(n), not O(n²): ids
 * only ever join `used`, so a suffix once taken stays taken.
 */
export function idAllocator(used: Map<string, number>): (base: string, line: number) => string {
  const next = new Map<string, number>();
  return (base, line) => {
    let id = base;
    if (used.has(base)) {
      let n = next.get(base) ?? 2;
      while (used.has(`${base}-${n}`)) n++;
      id = `${base}-${n}`;
      next.set(base, n + 1);
    }
    used.set(id, line);
    return id;
  };
}

/** One checked slide as the chapter that crosses the bridge. */
function toChapter(f: SlideFields, i: number, nextId: (base: string, line: number) => string, sink: Sink, images: NonNullable<Deck['images']>): Chapter {
  const v = f.values;
  const slide = f.slide;
  const titled = typeof v.title === 'string';
  const title = titled ? String(v.title) : `Slide ${i + 1}`;
  const id = typeof v.id === 'string' ? v.id : nextId(slugify(title) || `chapter-${i + 1}`, f.line);
  const warn = (line: number, message: string): void => void sink.warnings.push({ file: f.file, line, message });
  // A slide that opens with its own title as a heading shows it once, as the title.
  let body = slide.content;
  const opening = /^#{1,6} (.*)/.exec(body);
  if (opening && (opening[1] ?? '').trim() === title) body = body.replace(/^[^\n]*\n?/, '').trim();
  const slots = splitSlots(body);
  const main = rewriteImages(slots.main, slide.contentLine, warn);
  const right = slots.named.right !== undefined ? rewriteImages(slots.named.right, slide.contentLine, warn) : null;
  for (const im of [...main.images, ...(right?.images ?? [])]) images.push({ file: f.file, image: im });
  let image: SlideImage | null = null;
  if (typeof v.image === 'string') {
    const fmi = frontMatterImage(v.image, f.lines.image ?? f.line, warn);
    image = fmi.image;
    if (fmi.local) images.push({ file: f.file, image: fmi.local });
  }
  const layout: ChapterLayout = isLayout(v.layout) ? v.layout : 'default';
  if (layout === 'image-right' && image === null) warn(f.lines.layout ?? f.line, 'layout image-right needs "image:" (a file beside the deck)');
  if (layout !== 'two-cols' && right !== null) warn(slide.contentLine, '::right:: is only laid out by layout: two-cols');
  const steps = v.reveal === 'list' ? countTopLevelItems(main.markdown) : 0;
  if (v.reveal === 'list' && steps === 0) warn(f.lines.reveal ?? f.line, 'reveal: list, but the slide has no top-level list items');
  const map = v.map;
  return {
    id,
    title,
    narration: main.markdown,
    notes: slide.noteRaw !== null ? dedent(slide.noteRaw) : '',
    action: typeof v.action === 'string' ? withQuorumOptIn(parsedAction(v.action), v.allowQuorumLoss === true || v['allow-quorum-loss'] === true) : null,
    countdown: typeof v.countdown === 'number' ? v.countdown : 0,
    autoAdvance: typeof v.autoAdvance === 'number' ? v.autoAdvance : null,
    blocksAdvance: v.blocksAdvance === true,
    map: map === true || map === 'show',
    panel: (v.panel as ChapterPanel | undefined) ?? 'none',
    duration: typeof v.duration === 'number' ? v.duration : null,
    source: { file: f.file, line: f.line },
    layout,
    right: layout === 'two-cols' ? (right?.markdown ?? '') : null,
    image,
    steps,
    titled
  };
}

/** A fault beat with the deck's opt-in to quorum loss carries it in its FaultSpec. Pure. */
function withQuorumOptIn(action: ChapterAction | null, allow: boolean): ChapterAction | null {
  return action && allow && action.type === 'fault' ? { ...action, fault: { ...action.fault, allowQuorumLoss: true } } : action;
}

/**
 * Reads and parses a deck file; an unreadable file (missing, a FIFO, a folder, too big, too
 * slow) is a DeckError (line 0), and so is anything the parser throws: never a throw.
 */
export async function loadDeck(path: string): Promise<DeckResult> {
  const fail = (message: string): DeckResult => ({ ok: false, errors: [{ file: path, line: 0, message }] });
  try {
    const r = await readDeckText(path);
    if (!r.ok) return fail(r.message);
    const imports = await readImports(path, r.text);
    const parsed = parseDeck(r.text, path, imports.sources, imports.refused);
    if (!parsed.ok) return parsed;
    return { ok: true, deck: await withImageChecks(parsed.deck) };
  } catch (e) {
    return fail(`the deck could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The chapter's action, already checked by slideValues (an error there drops the deck). */
function parsedAction(raw: string): ChapterAction | null {
  const p = parseAction(raw);
  return p.ok ? p.action : null;
}

/** How deep `src:` imports may nest, and how many files a deck may import in all. */
const IMPORT_DEPTH = 4;
const IMPORT_FILES = 50;

/** The files a deck imports, by importPath, and the ones refused, with why. */
interface DeckImports {
  sources: Map<string, string>;
  refused: Map<string, string>;
}

/**
 * Reads the files a deck imports with `src:`, only inside the deck's folder: the real path, after
 * symlinks, of each file must lie inside the folder's real path (a `p.md` linked to /etc/passwd
 * is refused, not shown), and the real file is what is read. loadDeck's reader refuses FIFOs and giants.
 */
async function readImports(deckFile: string, text: string): Promise<DeckImports> {
  const root = await realpath(dirname(resolve(deckFile)));
  const found: DeckImports = { sources: new Map(), refused: new Map() };
  const tried = new Set<string>();
  let wave: { file: string; text: string }[] = [{ file: deckFile, text }];
  for (let depth = 0; depth < IMPORT_DEPTH && wave.length && found.sources.size < IMPORT_FILES; depth++) {
    const next: { file: string; text: string }[] = [];
    for (const w of wave) {
      for (const s of splitSlidev(w.text).slides) {
        const src = s.frontMatter?.data.src;
        if (typeof src !== 'string') continue;
        const path = importPath(w.file, src, deckFile);
        if (tried.has(path) || found.sources.size >= IMPORT_FILES) continue;
        tried.add(path);
        const r = await readImport(root, path);
        if ('refused' in r) found.refused.set(path, r.refused);
        else if (r.text !== null) {
          found.sources.set(path, r.text);
          next.push({ file: path, text: r.text });
        }
      }
    }
    wave = next;
  }
  return found;
}

/** One imported file's text (null when it cannot be read: a warning later), or why it is refused. */
async function readImport(root: string, path: string): Promise<{ text: string | null } | { refused: string }> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { text: null };
  }
  if (!isInside(root, real)) return { refused: `it leads outside the deck's folder (to ${real}): only files inside the deck's folder are imported` };
  const r = await readDeckText(real);
  return { text: r.ok ? r.text : null };
}

/** A missing image is a warning (file:line) and its slide shows a placeholder in its place. */
async function withImageChecks(deck: Deck): Promise<Deck> {
  const missing = new Map<string, string>();
  const warnings = [...(deck.warnings ?? [])];
  for (const { file, image } of deck.images ?? []) {
    const why = await checkLocalImage(deck.file, image.segments);
    if (why === null) continue;
    missing.set(image.url, why);
    warnings.push({ file, line: image.line, message: `image "${image.segments.join('/')}": ${why}` });
  }
  if (missing.size === 0) return deck;
  const fix = (md: string): string => md.replace(/\]\((\/deck-assets\/[^)\s]+)/g, (m: string, url: string) => (missing.has(url) ? '](missing:' : m));
  const chapters = deck.chapters.map((c) => ({
    ...c,
    narration: fix(c.narration),
    right: c.right ? fix(c.right) : (c.right ?? null),
    image: c.image?.kind === 'local' && missing.has(c.image.url) ? { kind: 'placeholder' as const, text: 'image missing beside the deck', alt: c.image.alt } : (c.image ?? null)
  }));
  return { ...deck, chapters, warnings: warnings.sort((a, b) => a.line - b.line) };
}
