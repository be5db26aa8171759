// appResponse when a file changes under it: a deck image swapped or removed between the checks
// (stat, realpath) and the read. The real node:fs/promises runs; only its readFile is wrapped so
// a test can act at that exact moment.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appResponse } from '../../../src/main/shell/app-protocol';

/** Runs just before the next readFile (once), e.g. to remove or swap the file. */
const hook = vi.hoisted(() => ({ beforeRead: null as null | ((file: string) => void) }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = ((file: Parameters<typeof real.readFile>[0], ...rest: unknown[]) => {
    const before = hook.beforeRead;
    hook.beforeRead = null;
    before?.(String(file));
    return (real.readFile as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof real.readFile;
  return { ...real, default: { ...real, readFile }, readFile };
});

const made: string[] = [];
afterEach(() => {
  hook.beforeRead = null;
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folders(): { renderer: string; deck: string; image: string } {
  const base = mkdtempSync(join(tmpdir(), 'tikv stage race-'));
  made.push(base);
  const renderer = join(base, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
  writeFileSync(join(renderer, 'assets', 'index.js'), 'console.log(1)');
  const deck = join(base, 'deck', 'talk.md');
  mkdirSync(join(base, 'deck'));
  writeFileSync(deck, '# talk\n');
  const image = join(base, 'deck', 'arch.png');
  writeFileSync(image, 'PNG-small');
  return { renderer, deck, image };
}

describe('appResponse: a file that changes between its check and its read', () => {
  it('a deck image removed after its checks answers 404, not a rejection', async () => {
    const f = folders();
    hook.beforeRead = (file) => rmSync(file);
    const res = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => f.deck);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    expect(await res.text()).toMatch(/not found/);
  });

  it('a renderer file removed between its stat and its read answers 404', async () => {
    const f = folders();
    hook.beforeRead = (file) => rmSync(file);
    const res = await appResponse({ url: 'app://stage/assets/index.js', method: 'GET' }, f.renderer);
    expect(res.status).toBe(404);
  });

  it('a deck image swapped for a folder answers 404, and one that cannot be read 500', async () => {
    const f = folders();
    hook.beforeRead = (file) => {
      rmSync(file);
      mkdirSync(file);
    };
    const dir = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => f.deck);
    expect(dir.status).toBe(404);
    const g = folders();
    hook.beforeRead = () => {
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    };
    const broken = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, g.renderer, () => g.deck);
    expect(broken.status).toBe(500);
    expect(await broken.text()).toBe('could not read the file (EIO)\n');
  });

  it('a deck image swapped for a bigger one is sent whole, with the length that was read', async () => {
    const f = folders();
    const bigger = 'PNG-much-bigger-than-before';
    hook.beforeRead = (file) => writeFileSync(file, bigger);
    const res = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => f.deck);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bigger.length));
    expect(await res.text()).toBe(bigger);
  });

  it('a deck lookup that throws answers 500', async () => {
    const f = folders();
    const res = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => {
      throw new Error('no show yet');
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('could not answer this request\n');
  });
});
