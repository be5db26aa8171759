// appResponse when a file changes under it: a deck image swapped or removed between the checks
// (stat, realpath) and the read. The real node:fs/promises runs; only its open and readFile are
// wrapped, so a test can act at that exact moment (and after the handle's fstat), and count the
// bytes read.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appResponse } from '../../../src/main/shell/app-protocol';
import { DECK_ASSET_MAX_BYTES } from '../../../src/main/show/deck-assets';

const hook = vi.hoisted(() => ({
  /** Runs just before the next open or readFile (once), e.g. to remove or swap the file. */
  beforeRead: null as null | ((file: string) => void),
  /** Runs just after the next fstat of an opened handle (once). */
  afterFstat: null as null | (() => void),
  /** Bytes read from files so far, by readFile or through an opened handle. */
  bytesRead: 0
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const before = (file: unknown): void => {
    const f = hook.beforeRead;
    hook.beforeRead = null;
    f?.(String(file));
  };
  const counted = (b: unknown): void => {
    if (typeof b === 'string' || b instanceof Uint8Array) hook.bytesRead += Buffer.byteLength(b);
  };
  const readFile = (async (file: Parameters<typeof real.readFile>[0], ...rest: unknown[]) => {
    before(file);
    const b = await (real.readFile as (...a: unknown[]) => Promise<unknown>)(file, ...rest);
    counted(b);
    return b;
  }) as typeof real.readFile;
  const open = (async (file: Parameters<typeof real.open>[0], ...rest: unknown[]) => {
    before(file);
    const fh = await (real.open as (...a: unknown[]) => Promise<import('node:fs/promises').FileHandle>)(file, ...rest);
    const { read, readFile: readAll, stat } = fh;
    fh.read = (async (...a: unknown[]) => {
      const r = await (read as (...x: unknown[]) => Promise<{ bytesRead: number }>).apply(fh, a);
      hook.bytesRead += r.bytesRead;
      return r;
    }) as typeof fh.read;
    fh.readFile = (async (...a: unknown[]) => {
      const b = await (readAll as (...x: unknown[]) => Promise<unknown>).apply(fh, a);
      counted(b);
      return b;
    }) as typeof fh.readFile;
    fh.stat = (async (...a: unknown[]) => {
      const st = await (stat as (...x: unknown[]) => Promise<unknown>).apply(fh, a);
      const f = hook.afterFstat;
      hook.afterFstat = null;
      f?.();
      return st;
    }) as typeof fh.stat;
    return fh;
  }) as typeof real.open;
  return { ...real, default: { ...real, readFile, open }, readFile, open };
});

/** Whether mkfifo can be run here (not on Windows, nor where coreutils lacks it). */
function canMkfifo(): boolean {
  if (process.platform === 'win32') return false;
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    // BSD mkfifo has no --version: try making one for real.
    const d = mkdtempSync(join(tmpdir(), 'tikv stage fifo-'));
    try {
      execFileSync('mkfifo', [join(d, 'p')], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }
}
const MKFIFO = canMkfifo();
if (!MKFIFO) console.log('app-protocol-race: the FIFO tests are skipped: mkfifo cannot be run here');

/** The answer, or 'timeout' when there is none within ms; then the FIFO is opened for writing and closed, to free the blocked reader. */
async function answeredWithin(res: Promise<Response>, ms: number, fifo: string): Promise<Response | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((ok) => (timer = setTimeout(() => ok('timeout'), ms)));
  const r = await Promise.race([res, late]);
  clearTimeout(timer);
  if (r === 'timeout') {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader any more.
    }
    await res.catch(() => undefined);
  }
  return r;
}

const made: string[] = [];
afterEach(() => {
  hook.beforeRead = null;
  hook.afterFstat = null;
  hook.bytesRead = 0;
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folders(): { base: string; renderer: string; deck: string; image: string } {
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
  return { base, renderer, deck, image };
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

  it('a deck image swapped for one over the cap answers 403 without reading more than the cap + 1 bytes', async () => {
    const f = folders();
    // Sparse: no disk is used, but a whole read would take cap + 1 MB into memory.
    hook.beforeRead = (file) => truncateSync(file, DECK_ASSET_MAX_BYTES + 1024 * 1024);
    const res = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => f.deck);
    expect(res.status).toBe(403);
    expect(hook.bytesRead).toBeLessThanOrEqual(DECK_ASSET_MAX_BYTES + 1);
  });

  it('a deck image that grows past the cap once opened answers 403, having read exactly the cap + 1 bytes', async () => {
    const f = folders();
    hook.afterFstat = () => truncateSync(f.image, DECK_ASSET_MAX_BYTES + 1024 * 1024);
    const res = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => f.deck);
    expect(res.status).toBe(403);
    expect(hook.bytesRead).toBe(DECK_ASSET_MAX_BYTES + 1);
  });

  it.runIf(MKFIFO)('a deck image swapped for a FIFO answers at once with an error, not never', async () => {
    const f = folders();
    hook.beforeRead = (file) => {
      rmSync(file);
      execFileSync('mkfifo', [file]);
    };
    const res = await answeredWithin(appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => f.deck), 2000, f.image);
    expect(res).not.toBe('timeout');
    expect((res as Response).status).toBeGreaterThanOrEqual(400);
  });

  it.runIf(MKFIFO)('a renderer file swapped for a FIFO answers at once with an error, not never', async () => {
    const f = folders();
    const js = join(f.renderer, 'assets', 'index.js');
    hook.beforeRead = (file) => {
      rmSync(file);
      execFileSync('mkfifo', [file]);
    };
    const res = await answeredWithin(appResponse({ url: 'app://stage/assets/index.js', method: 'GET' }, f.renderer), 2000, js);
    expect(res).not.toBe('timeout');
    expect((res as Response).status).toBeGreaterThanOrEqual(400);
  });

  it('a deck image swapped for a symlink out of the deck folder answers 403 or 404, never the file outside', async () => {
    const f = folders();
    const outside = join(f.base, 'secret.png');
    writeFileSync(outside, 'SECRET');
    hook.beforeRead = (file) => {
      rmSync(file);
      symlinkSync(outside, file);
    };
    const res = await appResponse({ url: 'app://stage/deck-assets/arch.png', method: 'GET' }, f.renderer, () => f.deck);
    expect([403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('SECRET');
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
