// Narration and notes are Markdown, rendered with marked. Raw HTML in a deck is shown as text
// (escaped), links render as plain text (a click must never navigate away from the show), and
// images only when they are inline data: images (no network at run time, ever).
import { Marked } from 'marked';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const md = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    link({ tokens }) {
      return `<span class="md-link">${this.parser.parseInline(tokens)}</span>`;
    },
    image({ href, text }) {
      if (/^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(href)) {
        return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}">`;
      }
      return text ? `<span class="md-image-alt">[${escapeHtml(text)}]</span>` : '';
    }
  }
});

/** Markdown to HTML safe to put in the page. */
export function renderMarkdown(src: string): string {
  const out = md.parse(src ?? '', { async: false });
  return typeof out === 'string' ? out : '';
}

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
export function renderNotes(src: string): string {
  const out = notesMd.parse(emphasiseNoteLabels(src ?? ''), { async: false });
  return typeof out === 'string' ? out : '';
}
