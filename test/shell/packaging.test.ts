// Packaging, checked offline: `electron-builder --linux dir` with a stand-in Electron dist (an
// executable named `electron` that carries Electron's fuse wire, so the fuses are really
// flipped and read back), then app.asar's contents and size, then the main bundle from that
// asar booted as a packaged app on the shell stand-in. Needs `electron-vite build` first.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootPackaged, failIfExited, launchChromium, ROOT, until } from './standin/boot';
import { display } from './standin/electron';

const run = promisify(execFile);
const MAX_ASAR = 12 * 1024 * 1024;
/** Electron's fuse sentinel (@electron/fuses) and a V1 wire as a stock Electron binary has it. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const STOCK_WIRE = '10110001';

let base: string;
let out: string;
let unpacked: string;
let asar: string;
let files: string[];
let log = '';

/** A folder electron-builder takes for an unpacked Electron: one executable named `electron`. */
function standinElectronDist(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, STOCK_WIRE.length]), Buffer.from(STOCK_WIRE)]);
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron"\nexit 0\n# '), wire, Buffer.from('\n')]), { mode: 0o755 });
  writeFileSync(join(dir, 'version'), '45.5.0');
}

/** Every package a production install holds: package.json's dependencies and theirs, from the lock. */
function productionPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const names = new Set<string>();
  for (const [path, p] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || p.dev) continue;
    names.add(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  return names;
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'tikv stage pack-'));
  standinElectronDist(join(base, 'electron-dist'));
  out = join(base, 'dist');
  const cli = join(ROOT, 'node_modules', 'electron-builder', 'cli.js');
  const started = Date.now();
  const r = await run(
    process.execPath,
    [cli, '--linux', 'dir', '--projectDir', ROOT, `-c.electronDist=${join(base, 'electron-dist')}`, `-c.directories.output=${out}`, '-c.electronVersion=45.5.0'],
    { cwd: ROOT, timeout: 120_000, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' }, maxBuffer: 16 * 1024 * 1024 }
  );
  log = `${r.stdout}\n${r.stderr}\n(packed in ${Date.now() - started} ms)`;
  unpacked = join(out, 'linux-unpacked');
  asar = join(unpacked, 'resources', 'app.asar');
  files = listPackage(asar, { isPack: false }).map((f) => f.replace(/\\/g, '/'));
}, 150_000);

describe('electron-builder --linux dir on a stand-in Electron dist', () => {
  it('packs the built app into app.asar, extraResources beside it', () => {
    expect(existsSync(asar), log).toBe(true);
    for (const f of ['/package.json', '/out/main/index.js', '/out/preload/index.js', '/out/renderer/index.html']) expect(files, f).toContain(f);
    expect(files.some((f) => f.startsWith('/out/renderer/assets/') && f.endsWith('.js'))).toBe(true);
    for (const r of ['resources/decks/tikv-resilience.md', 'docker-compose.tikv.yml']) expect(existsSync(join(unpacked, 'resources', r)), r).toBe(true);
  });

  it('holds only what main and the preload load at run time, and is at most 12 MB', () => {
    const modules = new Set(
      files
        .filter((f) => /^\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(f))
        .map((f) => f.slice('/node_modules/'.length))
        .filter((n) => !n.startsWith('.'))
    );
    for (const dev of ['vite', 'vitest', 'playwright-core', 'typescript', 'electron', 'electron-builder', 'electron-vite', 'eslint', 'tsx', 'react', 'react-dom', 'zustand', '@fontsource/inter', 'marked'])
      expect(modules.has(dev), dev).toBe(false);
    const production = productionPackages();
    const extra = [...modules].filter((m) => !production.has(m) && !m.startsWith('@types/'));
    expect(extra, 'packages in the asar that a production install would not have').toEqual([]);
    // Every package the main bundle requires is there (a missing one would fail on stage, not here).
    const bundle = readdirSync(join(ROOT, 'out', 'main'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(ROOT, 'out', 'main', f), 'utf8'))
      .join('\n');
    const required = new Set([...bundle.matchAll(/require\("([^."][^"]*)"\)/g)].map((m) => m[1]!).filter((n) => !n.startsWith('node:') && n !== 'electron'));
    for (const r of required) expect(modules.has(r.startsWith('@') ? r.split('/').slice(0, 2).join('/') : r.split('/')[0]!), r).toBe(true);
    // The sandboxed preload can require nothing but electron.
    expect([...readFileSync(join(ROOT, 'out', 'preload', 'index.js'), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    const size = statSync(asar).size;
    expect(size, `app.asar is ${(size / 1e6).toFixed(1)} MB`).toBeLessThanOrEqual(MAX_ASAR);
  });

  it('flips the fuses in the packed executable', () => {
    // Read the wire ourselves (not through @electron/fuses, which wrote it): after the
    // sentinel, a version byte, a length byte, then one '0'/'1' per fuse in V1 order.
    const exe = readFileSync(join(unpacked, 'tikv-stage'));
    const at = exe.indexOf(SENTINEL) + SENTINEL.length;
    expect(at).toBeGreaterThan(SENTINEL.length - 1);
    expect(exe[at]).toBe(1);
    const wire = exe.subarray(at + 2, at + 2 + exe[at + 1]!).toString('latin1');
    const fuse = (i: number): string => wire[i]!;
    expect(fuse(0), 'RunAsNode').toBe('0');
    expect(fuse(1), 'EnableCookieEncryption').toBe('1');
    expect(fuse(2), 'EnableNodeOptionsEnvironmentVariable').toBe('0');
    expect(fuse(3), 'EnableNodeCliInspectArguments').toBe('0');
    expect(fuse(4), 'EnableEmbeddedAsarIntegrityValidation').toBe('1');
    expect(fuse(5), 'OnlyLoadAppFromAsar').toBe('1');
    expect(fuse(7), 'GrantFileProtocolExtraPrivileges').toBe('0');
    expect(wire).not.toBe(STOCK_WIRE);
  });
});

describe('the main bundle from that asar', () => {
  let browser: Browser;
  afterAll(async () => {
    await browser?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('boots the same way on the stand-in: two windows, the show moves, quit exits 0', async () => {
    browser = await launchChromium();
    const app = await bootPackaged({
      browser,
      source: { kind: 'packed', resourcesDir: join(unpacked, 'resources') },
      args: ['--mode', 'sim', '--sim-speed', '5'],
      displays: [display(1, 0, { internal: true }), display(2, 1920)]
    });
    try {
      await until('two windows', () => app.standin.windows().length === 2 || failIfExited(app), 30_000);
      const [audience, presenter] = app.standin.windows();
      const pages: Page[] = [await audience!.page!.ready, await presenter!.page!.ready];
      await pages[0]!.getByTestId('slide-title').waitFor({ timeout: 20_000 });
      await pages[1]!.getByTestId('presenter-notes').waitFor({ timeout: 20_000 });
      expect(audience!.webContents.getURL()).toBe('app://stage/index.html');
      await presenter!.webContents.press('PageDown');
      for (const p of pages)
        await until('chapter 2', async () => ((await p.getByTestId('chapter-index').first().textContent()) ?? '').startsWith('2 /'), 10_000);
      await until('audience on the projector', () => audience!.isFullScreen() && audience!.display().id === 2);
    } finally {
      expect(await app.shutdown(), app.output()).toBe(0);
      rmSync(app.base, { recursive: true, force: true });
    }
  });
});
