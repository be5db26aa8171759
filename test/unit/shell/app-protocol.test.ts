// The app:// scheme: files only from the renderer folder (here in a folder whose name has a
// space, as in "TiKV Stage.app"), no traversal however it is encoded, the CSP on every answer.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../src/main/page-headers';
import { appResponse, resolveAppUrl } from '../../../src/main/shell/app-protocol';

let base: string;
let renderer: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tikv stage proto-'));
  renderer = join(base, 'TiKV Stage.app', 'Contents', 'Resources', 'app', 'out', 'renderer');
  mkdirSync(join(renderer, 'assets', 'a b'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>stage</title>');
  writeFileSync(join(renderer, 'assets', 'index.js'), 'console.log(1)');
  writeFileSync(join(renderer, 'assets', 'a b', 'font.woff2'), 'w');
  // What a traversal would reach: a sibling of the renderer folder.
  writeFileSync(join(renderer, '..', 'secret.txt'), 'secret');
  writeFileSync(join(base, 'secret.txt'), 'secret');
});

describe('resolveAppUrl', () => {
  it('maps pages and assets to files under the renderer folder', () => {
    for (const url of ['app://stage/', 'app://stage', 'app://stage/index.html', 'app://stage/index.html?view=presenter', 'app://stage/presenter'])
      expect(resolveAppUrl(url, renderer), url).toEqual({ ok: true, file: join(renderer, 'index.html') });
    expect(resolveAppUrl('app://stage/assets/index.js', renderer)).toEqual({ ok: true, file: join(renderer, 'assets', 'index.js') });
    expect(resolveAppUrl('app://stage/assets/a%20b/font.woff2', renderer)).toEqual({ ok: true, file: join(renderer, 'assets', 'a b', 'font.woff2') });
  });

  it('refuses traversal, plain or encoded, and other hosts', () => {
    const bad = [
      'app://stage/../secret.txt',
      'app://stage/%2e%2e/secret.txt',
      'app://stage/assets/..%2f..%2fsecret.txt',
      'app://stage/..%2fsecret.txt',
      'app://stage/%2E%2E%2Fsecret.txt',
      'app://stage/..%5csecret.txt',
      'app://stage/..\\secret.txt',
      'app://stage/assets/%00index.js',
      'app://stage//etc/passwd',
      'app://stage/C:%5cWindows',
      'app://stage/%252e%252e/secret.txt',
      'app://evil/index.html',
      'app://stage.evil/index.html',
      'app://user@stage/index.html',
      'file:///etc/passwd',
      'app://stage/%E0%A4%A'
    ];
    for (const url of bad) {
      const r = resolveAppUrl(url, renderer);
      if (r.ok) expect(r.file.startsWith(renderer + '/'), `${url} -> ${r.file}`).toBe(true);
      // `/../secret.txt` normalizes (as a browser would) to renderer/secret.txt, which is inside.
      if (r.ok) expect([join(renderer, '..', 'secret.txt'), join(base, 'secret.txt')]).not.toContain(r.file);
    }
    expect(resolveAppUrl('app://stage/..%2fsecret.txt', renderer).ok).toBe(false);
    expect(resolveAppUrl('app://evil/index.html', renderer).ok).toBe(false);
  });
});

describe('appResponse', () => {
  it('answers the page with the app policy as a header', async () => {
    const res = await appResponse({ url: 'app://stage/index.html?view=presenter', method: 'GET' }, renderer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy('app'));
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'none'");
    expect(await res.text()).toContain('<title>stage</title>');
  });

  it('refuses traversal with 404 and a policy header, and other methods with 405', async () => {
    for (const url of ['app://stage/..%2fsecret.txt', 'app://stage/assets/..%2f..%2f..%2fsecret.txt', 'app://stage/missing.js']) {
      const res = await appResponse({ url, method: 'GET' }, renderer);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toBe('secret');
      expect(res.headers.get('content-security-policy')).toBeTruthy();
    }
    expect((await appResponse({ url: 'app://stage/index.html', method: 'POST' }, renderer)).status).toBe(405);
    expect((await appResponse({ url: 'app://stage/assets', method: 'GET' }, renderer)).status).toBe(404);
  });

  it('the two modes differ only in connect-src', () => {
    const web = contentSecurityPolicy('web').split('; ');
    const app = contentSecurityPolicy('app').split('; ');
    expect(web.filter((d) => !app.includes(d))).toEqual(["connect-src 'self'"]);
    expect(app.filter((d) => !web.includes(d))).toEqual(["connect-src 'none'"]);
  });
});

describe('appResponse: images beside the deck', () => {
  const deckDir = mkdtempSync(join(tmpdir(), 'deck assets '));
  const outside = mkdtempSync(join(tmpdir(), 'outside-'));
  const deck = join(deckDir, 'talk.md');
  writeFileSync(deck, '---\ntitle: x\n---\n');
  mkdirSync(join(deckDir, 'img'));
  writeFileSync(join(deckDir, 'img', 'arch diagram.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(outside, 'secret.png'), 'nope');
  const get = (path: string) => appResponse({ url: `app://stage/deck-assets/${path}`, method: 'GET' }, '/nonexistent-renderer', () => deck);

  it('serves an image from the deck folder with its type and a sandboxing policy', async () => {
    const r = await get('img/arch%20diagram.svg');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/svg+xml');
    expect(r.headers.get('content-security-policy')).toMatch(/sandbox|default-src 'none'/);
    expect(await r.text()).toContain('<svg');
  });

  it('refuses anything that leaves the deck folder, however it is spelled, and non-images', async () => {
    const rel = join('..', outside.split('/').pop() ?? '', 'secret.png');
    for (const p of [rel, encodeURIComponent(rel), '%2e%2e/%2e%2e/etc/passwd', '..%2f..%2fetc%2fpasswd', 'talk.md']) {
      const r = await get(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
    }
  });

  it('without a deck lookup, /deck-assets/ is just a path under the renderer', async () => {
    const r = await appResponse({ url: 'app://stage/deck-assets/img/x.png', method: 'GET' }, '/nonexistent-renderer');
    expect(r.status).toBe(404);
  });
});
