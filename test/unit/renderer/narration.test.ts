import { describe, expect, it } from 'vitest';
import { remembered, renderMarkdown } from '../../../src/renderer/src/lib/narration';

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    expect(renderMarkdown('We **killed** `tikv1`.')).toBe('<p>We <strong>killed</strong> <code>tikv1</code>.</p>\n');
    expect(renderMarkdown('- a\n- b')).toContain('<li>a</li>');
  });
  it('never puts raw HTML from the deck in the page: components become placeholders, tags their text', () => {
    const out = renderMarkdown('Hi <img src=x onerror=alert(1)> there\n\n<script>alert(1)</script>\n\n<div class="x">**kept** text</div>');
    expect(out).not.toMatch(/<img|<script|<div/i);
    expect(out).toContain('kept');
    const vue = renderMarkdown('<Counter :count="10" />\n\nand <Tweet id="1"/> inline');
    expect(vue).toContain('&lt;Counter&gt; component');
    expect(vue).toContain('&lt;Tweet&gt; component');
    expect(vue).not.toMatch(/<Counter|<Tweet/);
  });
  it('renders links as plain text: a click must not leave the show', () => {
    const out = renderMarkdown('see [the docs](javascript:alert(1)) and <https://tikv.org>');
    expect(out).not.toContain('<a');
    expect(out).not.toContain('javascript:');
    expect(out).toContain('the docs');
  });
  it('loads images only from beside the deck or inline data:, else a placeholder that says why', () => {
    expect(renderMarkdown('![map](https://example.com/x.png)')).toContain('remote image, not loaded: map');
    expect(renderMarkdown('![map](https://example.com/x.png)')).not.toContain('<img');
    expect(renderMarkdown('![gone](missing:)')).toContain('image missing: gone');
    expect(renderMarkdown('![out](refused:)')).toContain('image outside the deck folder');
    expect(renderMarkdown('![arch](/deck-assets/img/arch.svg)')).toContain('<img class="md-image" src="/deck-assets/img/arch.svg" alt="arch">');
    expect(renderMarkdown('![x](/deck-assets/a"onerror="x.png)')).not.toContain('onerror="');
    expect(renderMarkdown('![dot](data:image/png;base64,iVBORw0KGgo=)')).toContain('<img class="md-image" src="data:image/png;base64,iVBORw0KGgo="');
  });
  it('highlights fenced code offline', () => {
    const out = renderMarkdown('```rust {2}\nfn main() {\n    let x = 1;\n}\n```');
    expect(out).toContain('class="code code-hl code-focus" data-lang="rust"');
    expect(new Set([...out.matchAll(/color:(#[0-9A-Fa-f]{6})/g)].map((m) => m[1])).size).toBeGreaterThanOrEqual(3);
  });
});

describe('remembered', () => {
  it('computes once per input, keeps at most `limit` inputs, most recently used last', () => {
    const calls: string[] = [];
    const f = remembered((s) => (calls.push(s), s.toUpperCase()), 2);
    expect(f('a')).toBe('A');
    expect(f('a')).toBe('A');
    expect(f('b')).toBe('B');
    expect(calls).toEqual(['a', 'b']);
    f('a'); // a is now the most recent
    f('c'); // evicts b, the least recently used
    expect(f('a')).toBe('A');
    expect(calls).toEqual(['a', 'b', 'c']);
    f('b');
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it('renders the same narration to the same HTML as before, from the cache', () => {
    const src = '# Title\n\n```rust\nfn main() {}\n```\n';
    expect(renderMarkdown(src)).toBe(renderMarkdown(src));
    expect(renderMarkdown(src)).toContain('<h1');
  });
});
