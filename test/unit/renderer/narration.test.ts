import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/renderer/src/lib/narration';

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    expect(renderMarkdown('We **killed** `tikv1`.')).toBe('<p>We <strong>killed</strong> <code>tikv1</code>.</p>\n');
    expect(renderMarkdown('- a\n- b')).toContain('<li>a</li>');
  });
  it('shows raw HTML from the deck as text, never as markup', () => {
    const out = renderMarkdown('Hi <img src=x onerror=alert(1)> there\n\n<script>alert(1)</script>');
    expect(out).not.toMatch(/<img|<script/i);
    expect(out).toContain('&lt;script&gt;');
  });
  it('renders links as plain text: a click must not leave the show', () => {
    const out = renderMarkdown('see [the docs](javascript:alert(1)) and <https://tikv.org>');
    expect(out).not.toContain('<a');
    expect(out).not.toContain('javascript:');
    expect(out).toContain('the docs');
  });
  it('keeps only inline data: images, else shows the alt text', () => {
    expect(renderMarkdown('![map](https://example.com/x.png)')).toContain('[map]');
    expect(renderMarkdown('![map](https://example.com/x.png)')).not.toContain('<img');
    expect(renderMarkdown('![dot](data:image/png;base64,iVBORw0KGgo=)')).toContain('<img src="data:image/png;base64,iVBORw0KGgo="');
  });
});
