// Narration and notes are Markdown, rendered with marked. Raw HTML in a deck is never put in the
// page: a Vue component (a Slidev deck's `<Counter />`) becomes a labelled placeholder, a <br>
// stays a line break, and any other tag shows only its text. Links render as plain text (a click
// must never navigate away from the show). Images load only from beside the deck (main rewrote
// them to /deck-assets/ URLs) or inline data: images; anything else, a remote URL included, is a
// placeholder: no network at run time, ever. Code blocks are highlighted offline (highlight.ts).
import { Marked } from 'marked';
import { escapeHtml } from './escape-html';
import { highlightCode } from './highlight';

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;
const DECK_ASSET = /^\/deck-assets\/[A-Za-z0-9%._~!$&'()*+,;=:@/-]+$/;

/** Why an image is not shown, in a word for its placeholder. */
function imageBlocked(href: string): string {
  if (href.startsWith('missing:')) return 'image missing';
  if (href.startsWith('refused:')) return 'image outside the deck folder';
  return /^(https?:)?\/\//i.test(href) ? 'remote image, not loaded' : 'image not shown';
}

/** Raw HTML from a deck, made safe: a component placeholder, a line break, or its text only. */
export function safeHtml(raw: string): string {
  if (/^\s*<(style|script)\b[\s\S]*<\/\1>\s*$/i.test(raw) || /^\s*<!--[\s\S]*-->\s*$/.test(raw)) return '';
  const components = [...raw.matchAll(/<([A-Z][\w-]*|[a-z]+-[\w-]+)\b/g)].map((m) => m[1] ?? '');
  if (components.length) {
    const names = [...new Set(components)].slice(0, 3).join(', ');
    return `<span class="md-component" title="Vue components do not run here">&lt;${escapeHtml(names)}&gt; component</span>`;
  }
  if (/^\s*<br\s*\/?>\s*$/i.test(raw)) return '<br>';
  return escapeHtml(raw.replace(/<[^>]*>/g, ''));
}

const md = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html({ text }) {
      return safeHtml(text);
    },
    link({ tokens }) {
      return `<span class="md-link">${this.parser.parseInline(tokens)}</span>`;
    },
    image({ href, text }) {
      if (DATA_IMAGE.test(href) || DECK_ASSET.test(href)) {
        return `<img class="md-image" src="${escapeHtml(href)}" alt="${escapeHtml(text)}">`;
      }
      const label = imageBlocked(href);
      return `<span class="md-image-placeholder" data-testid="image-placeholder">${escapeHtml(label)}${text ? `: ${escapeHtml(text)}` : ''}</span>`;
    },
    code({ text, lang }) {
      return highlightCode(text, lang ?? '');
    }
  }
});

/**
 * A pure text → text function, remembered for the last `limit` inputs. A deck has a few dozen
 * slides: after the first pass through the show, a chapter change renders no Markdown (and runs
 * no highlighter) at all, so a key costs less and a long show stops compiling more of it.
 */
export function remembered(fn: (src: string) => string, limit = 128): (src: string) => string {
  const seen = new Map<string, string>();
  return (src) => {
    const hit = seen.get(src);
    if (hit !== undefined) {
      seen.delete(src); // most recently used goes last
      seen.set(src, hit);
      return hit;
    }
    const out = fn(src);
    seen.set(src, out);
    if (seen.size > limit) seen.delete(seen.keys().next().value as string);
    return out;
  };
}

/** Markdown to HTML safe to put in the page. */
export const renderMarkdown = remembered((src: string): string => {
  const out = md.parse(src ?? '', { async: false });
  return typeof out === 'string' ? out : '';
});

const notesMd = new Marked({ gfm: true, breaks: true, async: false });
notesMd.use({
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    link({ tokens }) {
      return `<span class="md-link">${this.parser.parseInline(tokens)}</span>`;
    },
    image({ text }) {
      return text ? `<span class="md-image-alt">[${escapeHtml(text)}]</span>` : '';
    }
  }
});

/** A short label at the start of a notes line ("Say:", "Watch for:") is made bold so the eye finds it. */
export function emphasiseNoteLabels(src: string): string {
  return src.replace(/^(\s*(?:[-*]\s+)?)([A-Z][A-Za-z' ]{1,24}):(\s)/gm, '$1**$2:**$3');
}

/** Presenter notes: Markdown where every line break counts (decks write notes line by line). */
export const renderNotes = remembered((src: string): string => {
  const out = notesMd.parse(emphasiseNoteLabels(src ?? ''), { async: false });
  return typeof out === 'string' ? out : '';
});
