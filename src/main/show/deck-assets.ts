// Images beside a deck: `![Architecture](arch.png)` in a slide, or `image: arch.png` in its front
// matter, names a file relative to the deck file. The views ask for it as
// `/deck-assets/<path>` (browser mode's server and the Electron shell's app://stage/ protocol
// both call resolveDeckAsset), and get it only when it is a PNG, JPEG, SVG, GIF or WebP file
// inside the deck's folder: no `..`, encoded or not, no absolute path, no symlink that leads out,
// no other folder, never the network. A remote URL renders as a placeholder in the slide.
//
// An SVG is served with a sandboxing CSP and shown through <img>, never inlined: opened on its
// own, its scripts still cannot run in the app's origin.
import { realpath, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { knownContentType } from '../page-headers';
import { isInside } from '../paths';
import { codeLines } from './fences';

/** The URL prefix the views use for a deck's images. */
export const DECK_ASSET_PREFIX = '/deck-assets/';

/** The image files a deck may show, by extension (their content types are in page-headers.ts). */
const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.svg']);

/** The content type of an image a deck may show, or null for any other file name. */
export function imageType(file: string): string | null {
  return IMAGE_EXTENSIONS.has(extname(file).toLowerCase()) ? knownContentType(file) : null;
}

/** 25 MB: far beyond any slide image, small enough never to stall a talk. */
export const DECK_ASSET_MAX_BYTES = 25 * 1024 * 1024;

export type ImageRef =
  /** A file beside the deck: its path segments, relative to the deck's folder. */
  | { kind: 'local'; segments: string[] }
  | { kind: 'remote'; url: string }
  /** An inline data: image (shown as is: nothing leaves the machine). */
  | { kind: 'data' }
  | { kind: 'refused'; reason: string };

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function checkSegments(parts: string[]): string | null {
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') return 'it leaves the deck\'s folder ("..")';
    if (/[\\/\0]/.test(p)) return 'it has a backslash, a slash or a NUL inside a path segment';
  }
  return null;
}

/**
 * What an image reference, as the deck writes it, points to. As in a browser, `%20` in it also
 * means a space, so an escape is decoded once and checked after decoding (`%2e%2e` is `..`).
 */
export function classifyImageRef(src: string): ImageRef {
  const s = src.trim().replace(/^<|>$/g, '');
  if (/^data:image\//i.test(s)) return { kind: 'data' };
  if (s.startsWith('//') || SCHEME.test(s)) {
    if (/^[a-z]:[\\/]/i.test(s)) return { kind: 'refused', reason: 'an absolute path: images must sit in the deck\'s folder' };
    return { kind: 'remote', url: s };
  }
  const path = s.replace(/[?#].*$/, '');
  if (path.startsWith('\\')) return { kind: 'refused', reason: 'an absolute path: images must sit in the deck\'s folder' };
  let segments: string[];
  try {
    // Slidev's `/x.png` means its project's public folder: here, a path from the deck's folder.
    segments = path.split('/').map((p) => decodeURIComponent(p));
  } catch {
    return { kind: 'refused', reason: 'a malformed %-escape' };
  }
  const bad = checkSegments(segments);
  if (bad) return { kind: 'refused', reason: bad };
  segments = segments.filter((p) => p !== '' && p !== '.');
  if (segments.length === 0) return { kind: 'refused', reason: 'no file name' };
  const last = segments[segments.length - 1] ?? '';
  const ext = extname(last).toLowerCase();
  if (!imageType(last)) return { kind: 'refused', reason: `"${ext || 'no extension'}" is not an image type this app shows (PNG, JPEG, SVG, GIF, WebP)` };
  return { kind: 'local', segments };
}

/** The URL a view loads a local image from (each segment percent-encoded). */
export function deckAssetUrl(segments: readonly string[]): string {
  return DECK_ASSET_PREFIX + segments.map((p) => encodeURIComponent(p)).join('/');
}

export type DeckAsset =
  /** dev and ino: the file that was checked, for a reader to compare with what it opens. */
  | { ok: true; file: string; contentType: string; size: number; dev: number; ino: number }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * The file to serve for `urlPath` (what follows /deck-assets/, still percent-encoded), or why
 * not. Checked again at every request: the real path, after symlinks, must be a regular image
 * file inside the deck's real folder.
 */
export async function resolveDeckAsset(deckFile: string, urlPath: string): Promise<DeckAsset> {
  const raw = urlPath.replace(/^\/+/, '');
  if (raw.includes('\\') || raw.includes('\0')) return { ok: false, status: 400, reason: 'bad characters in the path' };
  let segments: string[];
  try {
    segments = raw.split('/').map((p) => decodeURIComponent(p));
  } catch {
    return { ok: false, status: 400, reason: 'a malformed %-escape' };
  }
  if (segments.some((p) => p === '' || p === '.' || p === '..' || /[\\/\0]/.test(p)))
    return { ok: false, status: 403, reason: 'only files inside the deck\'s folder are served' };
  const type = imageType(segments[segments.length - 1] ?? '');
  if (!type) return { ok: false, status: 403, reason: 'only PNG, JPEG, SVG, GIF and WebP images are served' };
  let dir: string;
  let file: string;
  try {
    dir = await realpath(dirname(await realpath(deckFile)));
    file = await realpath(join(dir, ...segments));
  } catch {
    return { ok: false, status: 404, reason: 'no such image beside the deck' };
  }
  if (!isInside(dir, file)) return { ok: false, status: 403, reason: 'the image leads outside the deck\'s folder' };
  // The real file must still be an image by name (a link named x.png to notes.txt is refused).
  const realType = imageType(file);
  if (realType !== type) return { ok: false, status: 403, reason: 'the image leads to a file of another type' };
  try {
    const s = await stat(file);
    if (!s.isFile()) return { ok: false, status: 404, reason: 'not a regular file' };
    if (s.size > DECK_ASSET_MAX_BYTES) return { ok: false, status: 403, reason: 'the image is too large' };
    return { ok: true, file, contentType: type, size: s.size, dev: s.dev, ino: s.ino };
  } catch {
    return { ok: false, status: 404, reason: 'no such image beside the deck' };
  }
}

/** Headers for a served deck image: exact type, no sniffing, and no script even if opened alone. */
export function deckAssetHeaders(contentType: string, size: number): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Length': String(size),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    'Cache-Control': 'no-cache'
  };
}

export interface ImageMention {
  src: string;
  alt: string;
  /** 0-based line within the Markdown it was found in. */
  line: number;
}

/** An image and where its destination is written: `from` just after the `(`, `to` after the destination (`<…>` included). */
export interface ImageSpan extends ImageMention {
  from: number;
  to: number;
}

/** Whether a UTF-16 code unit is JavaScript's `\s` (white space and line terminators). */
export function isSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The first index ≥ i whose code unit passes `test` (else the length). Every index a search
 * passes remembers its answer, so a line costs O(its length) however often it is asked.
 */
function nextWhere(text: string, test: (c: number) => boolean): (i: number) => number {
  let known: Int32Array | undefined; // answer + 1; 0 = not known yet
  return (i) => {
    known ??= new Int32Array(text.length);
    let j = i;
    while (j < text.length && known[j] === 0 && !test(text.charCodeAt(j))) j++;
    const found = j < text.length && known[j] !== 0 ? (known[j] ?? 1) - 1 : j;
    for (let k = i; k <= j && k < text.length; k++) known[k] = found + 1;
    return found;
  };
}

/**
 * The images of one line, exactly the matches of
 * /!\[([^\]]*)\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g, found in linear time:
 * the regex rescans to the end of the line from every `![` (quadratic: `![` repeated 40k times
 * took over a second). Attempts that share a `]` end alike, and the scans are remembered.
 */
function imagesInLine(text: string, line: number): ImageSpan[] {
  const out: ImageSpan[] = [];
  if (!text.includes('![')) return out;
  const nonSpace = nextWhere(text, (c) => !isSpace(c));
  const destEnd = nextWhere(text, (c) => c === 0x29 || isSpace(c)); // `)` or white space
  const angle = nextWhere(text, (c) => c === 0x3e); // `>`
  const quotes = { '"': nextWhere(text, (c) => c === 0x22), "'": nextWhere(text, (c) => c === 0x27) };
  // `(?:\s+(?:"…"|'…'))?\s*\)` from q: the index after the `)`, or -1.
  const close = (q: number): number => {
    const t = nonSpace(q);
    if (text[t] === ')') return t + 1;
    const quote = text[t];
    if (t === q || (quote !== '"' && quote !== "'")) return -1;
    const e = quotes[quote](t + 1);
    const u = e < text.length ? nonSpace(e + 1) : -1;
    return u >= 0 && text[u] === ')' ? u + 1 : -1;
  };
  for (let at = 0; ; ) {
    const start = text.indexOf('![', at);
    const bracket = start < 0 ? -1 : text.indexOf(']', start + 2);
    if (bracket < 0) break; // no `]` left: no image left
    at = bracket + 1; // every `![` before this `]` fails alike
    if (text[bracket + 1] !== '(') continue;
    const from = bracket + 2;
    const p = nonSpace(from);
    let to = -1;
    let end = -1;
    if (text[p] === '<') {
      to = angle(p + 1) + 1;
      end = to <= text.length ? close(to) : -1;
    }
    if (end < 0) {
      to = destEnd(p);
      end = to > p ? close(to) : -1;
    }
    if (end < 0) continue;
    out.push({ alt: text.slice(start + 2, bracket), src: text.slice(p, to), line, from, to });
    at = end;
  }
  return out;
}

/** The Markdown images a slide names, outside code fences and inline code, with where they are. */
export function scanImages(markdown: string): ImageSpan[] {
  const out: ImageSpan[] = [];
  const lines = markdown.split('\n');
  const code = codeLines(lines);
  lines.forEach((text, line) => {
    if (code[line]) return;
    const plain = text.replace(/`[^`]*`/g, (m) => ' '.repeat(m.length));
    for (const m of imagesInLine(plain, line)) out.push({ ...m, src: m.src.replace(/^<|>$/g, '') });
  });
  return out;
}

/** The Markdown images a slide names, outside code fences and inline code, with their lines. */
export function findImages(markdown: string): ImageMention[] {
  return scanImages(markdown).map(({ alt, src, line }) => ({ alt, src, line }));
}

/** Why a local image cannot be shown (missing, outside, not a file), or null when it can. */
export async function checkLocalImage(deckFile: string, segments: readonly string[]): Promise<string | null> {
  const r = await resolveDeckAsset(deckFile, segments.map((p) => encodeURIComponent(p)).join('/'));
  return r.ok ? null : r.reason;
}
