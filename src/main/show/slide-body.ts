// What a slide's front matter and body mean beyond this app's own keys: the Slidev keys this app
// reads past (warnings, not errors), the layouts it draws, the list items a `reveal: list` slide
// shows one by one, and the images it names (rewritten to the /deck-assets/ URLs the views load).
// Pure.
import { CHAPTER_LAYOUTS, type ChapterLayout, type SlideImage } from '../../shared/show';
import { classifyImageRef, deckAssetUrl, scanImages } from './deck-assets';
import { codeLines } from './fences';

/**
 * Front-matter keys Slidev knows (headmatter and per slide) that this app does not use. A deck
 * written for Slidev opens with them; each is a warning on the presenter view.
 */
export const SLIDEV_KEYS: ReadonlySet<string> = new Set([
  'theme', 'addons', 'info', 'author', 'keywords', 'favicon', 'titleTemplate', 'remoteAssets',
  'monaco', 'monacoTypesSource', 'monacoTypesAdditionalPackages', 'monacoTypesIgnorePackages', 'monacoRunAdditionalDeps',
  'download', 'exportFilename', 'export', 'highlighter', 'twoslash', 'lineNumbers', 'colorSchema', 'routerMode',
  'aspectRatio', 'canvasWidth', 'selectable', 'record', 'presenter', 'css', 'themeConfig', 'fonts', 'drawings',
  'plantUmlServer', 'codeCopy', 'magicMoveCopy', 'htmlAttrs', 'contextMenu', 'wakeLock', 'editor', 'mcp', 'pwa', 'remote',
  'mdc', 'comark', 'seoMeta', 'notesAutoRuby', 'browserExporter', 'timer', 'magicMoveDuration', 'preloadImages',
  'clickAnimation', 'defaults', 'config', 'meta', 'transition', 'class', 'clicks', 'clicksStart', 'background',
  'backgroundSize', 'layoutClass', 'level', 'hideInToc', 'preload', 'routeAlias', 'zoom', 'dragPos', 'name', 'src',
  'hide', 'disabled', 'hideInToc', 'lang', 'image', 'backgroundImage', 'url', 'title', 'duration', 'layout'
]);

/** Levenshtein distance, capped: enough to tell a typo (`acton`) from a custom key (`foo`). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** The app key a typo most likely meant (within 2 edits), or null. */
export function nearKey(key: string, keys: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of keys) {
    const d = distance(key, k);
    if (d < bestD && d < Math.max(2, k.length / 2)) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

export function isLayout(v: unknown): v is ChapterLayout {
  return typeof v === 'string' && (CHAPTER_LAYOUTS as readonly string[]).includes(v);
}

const TOP_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;

/** How many top-level list items a slide body has (outside code fences): its reveal steps. */
export function countTopLevelItems(markdown: string): number {
  const lines = markdown.split('\n');
  const code = codeLines(lines);
  return lines.filter((line, i) => !code[i] && TOP_ITEM.test(line)).length;
}

export interface BodyImage {
  /** The local file's path segments, relative to the deck's folder. */
  segments: string[];
  url: string;
  /** 1-based file line. */
  line: number;
}

/**
 * Rewrites the images of a slide body for the views: a file beside the deck becomes its
 * /deck-assets/ URL; a path that would leave the folder becomes `refused:` (a placeholder) and
 * a warning. Remote URLs are left as written: the renderer shows them as placeholders. Each
 * destination is replaced where the image was found, and each line rebuilt once: linear, however
 * many images share a line.
 */
export function rewriteImages(
  markdown: string,
  firstLine: number,
  warn: (line: number, message: string) => void
): { markdown: string; images: BodyImage[] } {
  const images: BodyImage[] = [];
  const lines = markdown.split('\n');
  const edits = new Map<number, { from: number; to: number; url: string }[]>();
  for (const m of scanImages(markdown)) {
    const ref = classifyImageRef(m.src);
    const line = firstLine + m.line;
    let url: string | null = null;
    if (ref.kind === 'local') {
      url = deckAssetUrl(ref.segments);
      images.push({ segments: ref.segments, url, line });
    } else if (ref.kind === 'refused') {
      url = 'refused:';
      warn(line, `image "${m.src}" is not shown: ${ref.reason}`);
    } else if (ref.kind === 'remote') warn(line, `image "${m.src}" is remote: shown as a placeholder (nothing is fetched on stage)`);
    if (url === null) continue;
    const list = edits.get(m.line) ?? [];
    list.push({ from: m.from, to: m.to, url });
    edits.set(m.line, list);
  }
  for (const [i, list] of edits) {
    const text = lines[i] ?? '';
    const parts: string[] = [];
    let at = 0;
    for (const e of list) {
      parts.push(text.slice(at, e.from), e.url);
      at = e.to;
    }
    parts.push(text.slice(at));
    lines[i] = parts.join('');
  }
  return { markdown: lines.join('\n'), images };
}

/** image-right's `image:` value as a slide image (local, or a placeholder), with a warning when needed. */
export function frontMatterImage(
  value: string,
  line: number,
  warn: (line: number, message: string) => void
): { image: SlideImage; local: BodyImage | null } {
  const ref = classifyImageRef(value);
  if (ref.kind === 'local') {
    const url = deckAssetUrl(ref.segments);
    return { image: { kind: 'local', url, alt: '' }, local: { segments: ref.segments, url, line } };
  }
  if (ref.kind === 'data') return { image: { kind: 'placeholder', text: 'inline image', alt: '' }, local: null };
  const text = ref.kind === 'remote' ? 'remote image: not fetched on stage' : `image not shown: ${ref.reason}`;
  warn(line, `image: "${value}" ${ref.kind === 'remote' ? 'is remote: shown as a placeholder (nothing is fetched on stage)' : `is not shown: ${ref.reason}`}`);
  return { image: { kind: 'placeholder', text, alt: '' }, local: null };
}
