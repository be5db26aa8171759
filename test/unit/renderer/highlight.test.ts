import { describe, expect, it } from 'vitest';
import { codeColours, grammarFor, highlightCode, HIGHLIGHTED_LANGS, parseFenceInfo } from '../../../src/renderer/src/lib/highlight';

const SAMPLES: Record<string, string> = {
  rust: 'fn main() {\n    let n: u64 = 42; // answer\n    println!("{}", n);\n}',
  go: 'package main\n\nfunc main() {\n\tfmt.Println("hi", 3)\n}',
  sql: "SELECT id, name FROM stores WHERE state = 'Up' LIMIT 3;",
  toml: '[server]\naddr = "0.0.0.0:20160"\nworkers = 4 # threads',
  yaml: 'name: tikv\nreplicas: 3\nlabels: [a, b] # zones',
  json: '{"store": {"id": 1, "up": true, "name": "tikv0"}}',
  sh: 'docker kill tikv1 && echo "killed $NAME" # bye',
  ts: 'const n: number = 3;\nexport function f(x: string): string { return `${x}!`; }',
  python: 'def f(x: int) -> str:\n    return f"{x}"  # done'
};

const colours = (html: string): Set<string> => new Set([...html.matchAll(/color:(#[0-9a-f]{3,8})/gi)].map((m) => (m[1] ?? '').toLowerCase()));

function luminance(hex: string): number {
  const h = hex.replace('#', '').slice(0, 6);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}
const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return ((x ?? 0) + 0.05) / ((y ?? 0) + 0.05);
};

describe('highlightCode', () => {
  it('colours every language the issue names with several distinct token colours', () => {
    for (const [lang, code] of Object.entries(SAMPLES)) {
      const html = highlightCode(code, lang);
      expect(html, lang).toMatch(/^<pre class="code code-hl" data-lang="[a-z]+"><code>/);
      expect(colours(html).size, lang).toBeGreaterThanOrEqual(3);
      expect(html.match(/<span class="line">/g)?.length, lang).toBe(code.split('\n').length);
    }
    expect(HIGHLIGHTED_LANGS).toEqual(expect.arrayContaining(['rust', 'go', 'sql', 'toml', 'yaml', 'json', 'shellscript', 'typescript', 'python']));
  });

  it('every token colour keeps 7:1 against the code background', () => {
    const { bg } = codeColours();
    for (const [lang, code] of Object.entries(SAMPLES))
      for (const c of colours(highlightCode(code, lang))) expect(contrast(c, bg), `${lang} ${c} on ${bg}`).toBeGreaterThanOrEqual(7);
  });

  it('escapes the code: markup in a code block stays text', () => {
    const src = '<img src=x onerror=alert(1)> & "q"';
    for (const info of ['html', 'ts', '']) {
      const html = highlightCode(src, info);
      expect(html).not.toMatch(/<img/);
      const text = html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      expect(text, info).toBe(src);
    }
  });

  it('an unknown language is plain, escaped text with its line structure', () => {
    const html = highlightCode('graph TD\n  A --> B\n', 'mermaid');
    expect(html).toContain('data-lang="mermaid"');
    expect(html).not.toContain('code-hl');
    expect(colours(html).size).toBe(0);
    expect(html.match(/class="line"/g)).toHaveLength(2);
  });

  it('focuses lines with Slidev\'s {2,4-5}', () => {
    const code = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `let ${x} = 1;`).join('\n');
    const html = highlightCode(code, 'rust {2,4-5}');
    const classes = [...html.matchAll(/<span class="(line[^"]*)"/g)].map((m) => m[1]);
    expect(classes).toEqual(['line line-dim', 'line line-focus', 'line line-dim', 'line line-focus', 'line line-focus', 'line line-dim']);
    expect(html).toContain('code-focus');
  });
});

describe('parseFenceInfo', () => {
  it('reads the language, a file name, steps and options', () => {
    expect(parseFenceInfo('rust {2,4-5}')).toEqual({ lang: 'rust', focus: new Set([2, 4, 5]) });
    expect(parseFenceInfo('ts [filename-example.ts] {all|4|6|6-7|9|all} twoslash')).toEqual({ lang: 'ts', focus: null });
    expect(parseFenceInfo('ts {3|4}')).toEqual({ lang: 'ts', focus: new Set([3]) });
    expect(parseFenceInfo('ts {monaco}')).toEqual({ lang: 'ts', focus: null });
    expect(parseFenceInfo('TS{1}')).toEqual({ lang: 'ts', focus: new Set([1]) });
    expect(parseFenceInfo('')).toEqual({ lang: '', focus: null });
    expect(grammarFor('yml')).toBe('yaml');
    expect(grammarFor('cobol')).toBeNull();
  });
});
