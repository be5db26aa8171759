import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkLocalImage,
  classifyImageRef,
  deckAssetHeaders,
  deckAssetUrl,
  findImages,
  imageType,
  resolveDeckAsset
} from '../../../src/main/show/deck-assets';
import { contentType } from '../../../src/main/page-headers';

// The 8-byte PNG signature and an IHDR: enough for a file that is a PNG by its bytes.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

let root: string;
let deck: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'deck-assets-'));
  const dir = join(root, 'talk');
  mkdirSync(join(dir, 'img', 'sub dir'), { recursive: true });
  mkdirSync(join(dir, 'folder.png'));
  deck = join(dir, 'deck.md');
  writeFileSync(deck, '# deck');
  writeFileSync(join(dir, 'arch.png'), PNG);
  writeFileSync(join(dir, 'img', 'sub dir', 'a b.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'notes.txt'), 'secret');
  writeFileSync(join(root, 'outside.png'), PNG);
  symlinkSync(join(root, 'outside.png'), join(dir, 'escape.png'));
  symlinkSync(join(dir, 'notes.txt'), join(dir, 'disguised.png'));
  symlinkSync(join(dir, 'arch.png'), join(dir, 'alias.png'));
});

describe('resolveDeckAsset', () => {
  it('serves images inside the deck\'s folder with their content type', async () => {
    expect(await resolveDeckAsset(deck, 'arch.png')).toMatchObject({ ok: true, contentType: 'image/png', size: PNG.length });
    expect(await resolveDeckAsset(deck, 'img/sub%20dir/a%20b.svg')).toMatchObject({ ok: true, contentType: 'image/svg+xml' });
    expect(await resolveDeckAsset(deck, 'alias.png')).toMatchObject({ ok: true, file: expect.stringMatching(/arch\.png$/) });
  });

  it('refuses traversal, encoded or not, and absolute paths', async () => {
    for (const p of ['../outside.png', '%2e%2e/outside.png', '..%2foutside.png', '..%5coutside.png', 'img/../../outside.png', '/etc/passwd.png', '%2fetc%2fx.png', 'a\\..\\x.png', '.%00.png', '%zz.png']) {
      const r = await resolveDeckAsset(deck, p);
      expect(r.ok, p).toBe(false);
    }
  });

  it('refuses a symlink that leads out, a file that is no image, a folder, a missing file', async () => {
    expect(await resolveDeckAsset(deck, 'escape.png')).toMatchObject({ ok: false, status: 403 });
    expect(await resolveDeckAsset(deck, 'disguised.png')).toMatchObject({ ok: false, status: 403 });
    expect(await resolveDeckAsset(deck, 'notes.txt')).toMatchObject({ ok: false, status: 403 });
    expect(await resolveDeckAsset(deck, 'deck.md')).toMatchObject({ ok: false, status: 403 });
    expect(await resolveDeckAsset(deck, 'folder.png')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveDeckAsset(deck, 'nope.png')).toMatchObject({ ok: false, status: 404 });
  });

  it('headers: exact type, nosniff, a sandbox so an SVG opened alone runs no script', () => {
    const h = deckAssetHeaders('image/svg+xml', 10);
    expect(h).toMatchObject({ 'Content-Type': 'image/svg+xml', 'X-Content-Type-Options': 'nosniff', 'Content-Length': '10' });
    expect(h['Content-Security-Policy']).toMatch(/sandbox/);
    expect(h['Content-Security-Policy']).toMatch(/default-src 'none'/);
  });

  it('checkLocalImage says why an image cannot be shown', async () => {
    expect(await checkLocalImage(deck, ['arch.png'])).toBeNull();
    expect(await checkLocalImage(deck, ['img', 'sub dir', 'a b.svg'])).toBeNull();
    expect(await checkLocalImage(deck, ['missing.png'])).toMatch(/no such image/);
  });
});

describe('imageType', () => {
  it('knows the five image types by extension, in any case, and nothing else', () => {
    expect(['a.png', 'a.JPG', 'a.jpeg', 'a.gif', 'a.webp', 'a.Svg'].map(imageType)).toEqual([
      'image/png',
      'image/jpeg',
      'image/jpeg',
      'image/gif',
      'image/webp',
      'image/svg+xml'
    ]);
    // The app's own files have types, but a deck may not show them as images.
    for (const f of ['a.js', 'a.html', 'a.ico', 'a.woff2', 'a.txt', 'a', '.png.txt']) expect(imageType(f), f).toBeNull();
    // One table: an image's type is the one the pages' server sends for it too.
    expect(contentType('x.webp')).toBe(imageType('x.webp'));
  });
});

describe('classifyImageRef', () => {
  it('local paths, relative to the deck, with their segments', () => {
    expect(classifyImageRef('arch.png')).toEqual({ kind: 'local', segments: ['arch.png'] });
    expect(classifyImageRef('./img/sub%20dir/a b.svg')).toEqual({ kind: 'local', segments: ['img', 'sub dir', 'a b.svg'] });
    expect(classifyImageRef('/arch.PNG?v=2#x')).toEqual({ kind: 'local', segments: ['arch.PNG'] });
    expect(classifyImageRef('<my pic.webp>')).toEqual({ kind: 'local', segments: ['my pic.webp'] });
  });

  it('remote URLs and data: images', () => {
    for (const u of ['https://cover.sli.dev', 'http://x/y.png', '//cdn.example/x.png', 'file:///etc/x.png']) expect(classifyImageRef(u)).toEqual({ kind: 'remote', url: u });
    expect(classifyImageRef('data:image/png;base64,AAAA')).toEqual({ kind: 'data' });
  });

  it('refuses traversal and other types', () => {
    for (const u of ['../x.png', '%2e%2e/x.png', 'a/..%2f..%2fx.png', 'C:\\x.png', '\\\\server\\x.png', 'notes.txt', 'x', '%zz.png'])
      expect(classifyImageRef(u).kind, u).toBe('refused');
  });

  it('deckAssetUrl encodes each segment', () => {
    expect(deckAssetUrl(['img', 'sub dir', 'a#b.svg'])).toBe('/deck-assets/img/sub%20dir/a%23b.svg');
  });
});

describe('findImages', () => {
  it('finds Markdown images with their lines, not in code', () => {
    const md = ['# T', '![Architecture](arch.png) and ![b](<my pic.png> "title")', '```md', '![no](code.png)', '```', '`![no](inline.png)`', '![c](https://x/y.png)'].join('\n');
    expect(findImages(md)).toEqual([
      { alt: 'Architecture', src: 'arch.png', line: 1 },
      { alt: 'b', src: 'my pic.png', line: 1 },
      { alt: 'c', src: 'https://x/y.png', line: 6 }
    ]);
  });
});
