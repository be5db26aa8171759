// Exact origin comparison for the app's pages: look-alikes of app://stage/ and of the old
// file:// page are refused, and the dev server is trusted only in an unpackaged app.
import { describe, expect, it } from 'vitest';
import { createTrust } from '../../../src/main/shell/trust';

const LOOK_ALIKES = [
  'app://stage.evil/index.html',
  'app://stage:8080/index.html',
  'app://evil/app://stage/index.html',
  'app://user@stage/index.html',
  'app://stage@evil/index.html',
  'apps://stage/index.html',
  'https://stage/index.html',
  'file:///Applications/TiKV%20Stage.app/Contents/Resources/app.asar/out/renderer/index.html',
  'file:///work/out/renderer/index.html.evil.html',
  'http://localhost:5173/',
  'about:blank',
  'data:text/html,<p>app://stage/</p>',
  '',
  'not a url'
];

describe('createTrust', () => {
  it("trusts the app's own pages, whatever the path and query", () => {
    const t = createTrust({ packaged: true });
    for (const url of ['app://stage/index.html', 'app://stage/index.html?view=presenter', 'app://stage/', 'app://stage/assets/x.js#y'])
      expect(t.trusted(url), url).toBe(true);
  });

  it('refuses look-alikes and other schemes', () => {
    const t = createTrust({ packaged: true });
    for (const url of LOOK_ALIKES) expect(t.trusted(url), url).toBe(false);
  });

  it('the dev server counts only when the app is not packaged', () => {
    const dev = createTrust({ packaged: false, devServerUrl: 'http://localhost:5173' });
    expect(dev.trusted('http://localhost:5173/?view=presenter')).toBe(true);
    expect(dev.trusted('http://localhost:5174/')).toBe(false);
    expect(dev.trusted('http://localhost.evil:5173/')).toBe(false);
    expect(dev.pageUrl('presenter')).toBe('http://localhost:5173/?view=presenter');
    expect(dev.source).toBe('dev-server');

    const packaged = createTrust({ packaged: true, devServerUrl: 'http://localhost:5173' });
    expect(packaged.trusted('http://localhost:5173/')).toBe(false);
    expect(packaged.pageUrl('audience')).toBe('app://stage/index.html');
    expect(packaged.source).toBe('app');
  });

  it('a dev server that is not loopback http is ignored', () => {
    const t = createTrust({ packaged: false, devServerUrl: 'http://example.com:5173' });
    expect(t.trusted('http://example.com:5173/')).toBe(false);
    expect(t.pageUrl('presenter')).toBe('app://stage/index.html?view=presenter');
  });
});
