// Code blocks on a slide, highlighted offline: Shiki (the highlighter Slidev uses) with its
// JavaScript regex engine (no WebAssembly) and a fixed set of TextMate grammars imported
// statically, so Vite bundles exactly these into the renderer and nothing is fetched at run time.
// The theme is GitHub's dark high-contrast one: its token colours keep at least 7:1 against its
// background (test/unit/renderer/highlight.test.ts checks), readable from the back of a hall.
//
// Line focus uses Slidev's syntax after the language: ```rust {2,4-5} dims every other line.
// Slidev's click steps (`{all|2|4-5}`) show their first step: a slide is one picture here.
import { createHighlighterCoreSync, type HighlighterCore, type ThemedToken } from '@shikijs/core';
import { createJavaScriptRegexEngine } from '@shikijs/engine-javascript';
import go from '@shikijs/langs/go';
import json from '@shikijs/langs/json';
import python from '@shikijs/langs/python';
import rust from '@shikijs/langs/rust';
import shellscript from '@shikijs/langs/shellscript';
import sql from '@shikijs/langs/sql';
import toml from '@shikijs/langs/toml';
import typescript from '@shikijs/langs/typescript';
import yaml from '@shikijs/langs/yaml';
import theme from '@shikijs/themes/github-dark-high-contrast';
import { escapeHtml } from './escape-html';

export const CODE_THEME = 'github-dark-high-contrast';

/** Each name a fence may use → the grammar that reads it (JavaScript is read by TypeScript's). */
const LANG_ALIASES: Readonly<Record<string, string>> = {
  rust: 'rust',
  rs: 'rust',
  go: 'go',
  golang: 'go',
  sql: 'sql',
  toml: 'toml',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonc: 'json',
  sh: 'shellscript',
  bash: 'shellscript',
  shell: 'shellscript',
  shellscript: 'shellscript',
  zsh: 'shellscript',
  console: 'shellscript',
  ts: 'typescript',
  typescript: 'typescript',
  js: 'typescript',
  javascript: 'typescript',
  mjs: 'typescript',
  py: 'python',
  python: 'python'
};

export const HIGHLIGHTED_LANGS = Object.freeze([...new Set(Object.values(LANG_ALIASES))]);

let highlighter: HighlighterCore | null = null;
function shiki(): HighlighterCore {
  highlighter ??= createHighlighterCoreSync({
    themes: [theme],
    langs: [go, json, python, rust, shellscript, sql, toml, typescript, yaml],
    engine: createJavaScriptRegexEngine({ forgiving: true })
  });
  return highlighter;
}

export interface FenceInfo {
  /** The language as written (lower-cased), '' when none. */
  lang: string;
  /** 1-based lines to focus; null = all lines. */
  focus: ReadonlySet<number> | null;
}

/** `rust {2,4-5}`, `ts [file.ts] {all|3}`, `sh` → the language and the lines in focus. */
export function parseFenceInfo(info: string): FenceInfo {
  const s = info.trim();
  const lang = (/^[^\s{[]*/.exec(s)?.[0] ?? '').toLowerCase();
  const braces = /\{([^}]*)\}/.exec(s.slice(lang.length));
  if (!braces) return { lang, focus: null };
  const first = (braces[1] ?? '').split('|')[0]?.trim() ?? '';
  if (first === '' || first === 'all' || first === '*') return { lang, focus: null };
  const focus = new Set<number>();
  for (const part of first.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return { lang, focus: null }; // `{monaco}`, `{lines:true}`: options, not lines
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let n = from; n <= Math.min(to, from + 10_000); n++) focus.add(n);
  }
  return { lang, focus };
}

const COLOUR = /^#[0-9a-f]{3,8}$/i;

/** One token as HTML: its colour (checked to be a plain hex colour) and its font style. */
function tokenHtml(t: ThemedToken): string {
  const style: string[] = [];
  if (t.color && COLOUR.test(t.color)) style.push(`color:${t.color}`);
  const fs = t.fontStyle ?? 0;
  if (fs & 1) style.push('font-style:italic');
  if (fs & 2) style.push('font-weight:700');
  if (fs & 4) style.push('text-decoration:underline');
  return style.length ? `<span style="${style.join(';')}">${escapeHtml(t.content)}</span>` : escapeHtml(t.content);
}

/** The grammar a fence's language maps to, or null when it is not one we bundle. */
export function grammarFor(lang: string): string | null {
  return LANG_ALIASES[lang.toLowerCase()] ?? null;
}

/**
 * A fenced code block as safe HTML: `<pre class="code">` with one `<span class="line">` per
 * line, coloured when the language is bundled, plain (escaped) otherwise.
 */
export function highlightCode(code: string, info: string): string {
  const { lang, focus } = parseFenceInfo(info);
  const grammar = grammarFor(lang);
  const source = code.replace(/\n$/, '');
  let lines: string[];
  try {
    lines = grammar
      ? shiki()
          .codeToTokensBase(source, { lang: grammar, theme: CODE_THEME })
          .map((ts) => ts.map(tokenHtml).join(''))
      : source.split('\n').map(escapeHtml);
  } catch {
    lines = source.split('\n').map(escapeHtml); // a grammar that trips must not lose the slide
  }
  const body = lines
    .map((l, i) => {
      const cls = focus === null ? 'line' : focus.has(i + 1) ? 'line line-focus' : 'line line-dim';
      return `<span class="${cls}">${l === '' ? ' ' : l}</span>`;
    })
    .join('\n');
  const attrs = `class="code${grammar ? ' code-hl' : ''}${focus ? ' code-focus' : ''}" data-lang="${escapeHtml(lang)}"`;
  return `<pre ${attrs}><code>${body}</code></pre>`;
}

/** The theme's background and default text colour, for the code block's box. */
export function codeColours(): { bg: string; fg: string } {
  const t = shiki().getTheme(CODE_THEME);
  return { bg: t.bg, fg: t.fg };
}
