// Browser mode's deck images when the file changes between resolveDeckAsset's checks and the
// read: a FIFO, a symlink out of the deck folder or a file over the cap put in its place. The
// real node:fs runs; only open (and createReadStream) is wrapped, so a test can act at that moment.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../../src/shared/contract';
import type { Handlers } from '../../../src/main/transport/dispatch';
import { DECK_ASSET_MAX_BYTES } from '../../../src/main/show/deck-assets';
import { startWebServer, type WebServer } from '../../../src/main/transport/web-server';

const hook = vi.hoisted(() => ({ beforeOpen: null as null | ((file: string) => void) }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (file: Parameters<typeof real.open>[0], ...rest: unknown[]) => {
    const f = hook.beforeOpen;
    hook.beforeOpen = null;
    f?.(String(file));
    return (real.open as (...a: unknown[]) => Promise<unknown>)(file, ...rest);
  }) as typeof real.open;
  return { ...real, default: { ...real, open }, open };
});

// The same moment for a reader that streams from the path (createReadStream opens it itself).
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((file: Parameters<typeof real.createReadStream>[0], ...rest: unknown[]) => {
    const f = hook.beforeOpen;
    hook.beforeOpen = null;
    f?.(String(file));
    return (real.createReadStream as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof real.createReadStream;
  return { ...real, default: { ...real, createReadStream }, createReadStream };
});

let server: WebServer | null = null;
const made: string[] = [];
afterEach(async () => {
  hook.beforeOpen = null;
  await server?.close();
  server = null;
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serve(): Promise<{ port: number; image: string; outside: string }> {
  const base = mkdtempSync(join(tmpdir(), 'tikv stage web-race-'));
  made.push(base);
  mkdirSync(join(base, 'renderer'));
  writeFileSync(join(base, 'renderer', 'index.html'), '<!doctype html>');
  mkdirSync(join(base, 'deck'));
  const deckFile = join(base, 'deck', 'talk.md');
  writeFileSync(deckFile, '# talk\n');
  const image = join(base, 'deck', 'arch.png');
  writeFileSync(image, 'PNG-small');
  const outside = join(base, 'secret.txt');
  writeFileSync(outside, 'SECRET');
  const state = { show: { deckFile }, cluster: null, log: [] } as unknown as AppState;
  const handlers = new Proxy({} as Handlers, { get: () => async () => state });
  server = await startWebServer({ port: 0, rendererDir: join(base, 'renderer'), handlers, state: () => state });
  return { port: server.port, image, outside };
}

/** GET the image; 'timeout' when nothing comes within 2 s. */
function get(port: number): Promise<{ status: number; body: string } | 'timeout'> {
  return new Promise((ok) => {
    const timer = setTimeout(() => ok('timeout'), 2000);
    const req = request({ host: '127.0.0.1', port, path: '/deck-assets/arch.png', headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => {
        clearTimeout(timer);
        ok({ status: res.statusCode ?? 0, body });
      });
      res.on('error', () => ok({ status: -1, body }));
    });
    req.on('error', () => ok({ status: -1, body: '' }));
    req.end();
  });
}

describe('browser mode: a deck image that changes between its check and its read', () => {
  it('is sent as checked when nothing changes', async () => {
    const s = await serve();
    expect(await get(s.port)).toEqual({ status: 200, body: 'PNG-small' });
  });

  it('swapped for a symlink out of the deck folder: refused, never the file outside', async () => {
    const s = await serve();
    hook.beforeOpen = (file) => {
      rmSync(file);
      symlinkSync(s.outside, file);
    };
    const r = await get(s.port);
    expect(r).not.toBe('timeout');
    expect(r !== 'timeout' && [r.status, r.body.includes('SECRET')]).toEqual([403, false]);
  });

  it('swapped for a FIFO: answered at once, not never', async () => {
    const s = await serve();
    hook.beforeOpen = (file) => {
      rmSync(file);
      execFileSync('mkfifo', [file]);
    };
    const r = await get(s.port);
    expect(r).not.toBe('timeout');
    expect(r !== 'timeout' && r.status).toBe(404);
  });

  it('swapped for a file over the cap: refused', async () => {
    const s = await serve();
    hook.beforeOpen = (file) => truncateSync(file, DECK_ASSET_MAX_BYTES + 1024 * 1024);
    const r = await get(s.port);
    expect(r !== 'timeout' && r.status).toBe(403);
  });
});
