// Starts the built app in browser mode (`node out/main/web.js`) and Debian's chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export interface RunningApp {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startWeb(args: string[]): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tikv-stage-e2e-'));
  const proc = spawn(process.execPath, [join(ROOT, 'out', 'main', 'web.js'), '--port', '0', '--data-dir', dataDir, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`web did not start in 30 s:\n${out}`)), 30_000);
    const check = (): void => {
      const m = /audience view (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`web exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((ok) => proc.once('exit', ok));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 6000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync'
    ]
  });
}

/** Records every request the page makes that leaves the app's own origin. */
export function watchForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    const o = new URL(u).origin;
    const wsOrigin = origin.replace(/^http/, 'ws');
    if (o !== origin && o !== wsOrigin) foreign.push(u);
  });
  return foreign;
}

export function artifactDir(name: string): string {
  const dir = join(ARTIFACTS, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The "N / M" text of the page's chapter-index testid. */
export async function chapterIndexOf(page: Page): Promise<string> {
  return ((await page.getByTestId('chapter-index').first().textContent()) ?? '').trim();
}

export interface TikvSeen {
  name: string;
  state: string;
  container: string;
  leaders: number;
}

/** The TiKV nodes a page shows (cluster-node testids with data-kind="tikv"). */
export async function tikvNodesOf(page: Page): Promise<TikvSeen[]> {
  return page.$$eval('[data-testid="cluster-node"][data-kind="tikv"]', (els) =>
    els.map((e) => ({
      name: e.getAttribute('data-name') ?? '',
      state: e.getAttribute('data-state') ?? '',
      container: e.getAttribute('data-container') ?? '',
      leaders: Number(e.getAttribute('data-leaders'))
    }))
  );
}

/** Presses keys one after the other, with a short pause so each reaches main in order. */
export async function pressKeys(page: Page, keys: string[], gapMs = 60): Promise<void> {
  for (const k of keys) {
    await page.keyboard.press(k);
    await page.waitForTimeout(gapMs);
  }
}

/** Marks the page so a reload (which would wipe the mark) can be detected. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __stageMark?: number }).__stageMark = 42));
}

export async function pageStillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __stageMark?: number }).__stageMark === 42);
}

/** The app in browser mode with one page of it open, for a file whose tests share both. */
export interface WebPage {
  app: RunningApp;
  page: Page;
  close(): Promise<void>;
}

export async function openWebPage(args: string[], path = '/', viewport = { width: 1920, height: 1080 }): Promise<WebPage> {
  const app = await startWeb(args);
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    await page.goto(`${app.url}${path}`);
    const b = browser;
    return {
      app,
      page,
      async close() {
        await b.close();
        await app.stop();
      }
    };
  } catch (e) {
    await browser?.close();
    await app.stop();
    throw e;
  }
}

/**
 * `npm run bench` as a presenter would run it (`tsx scripts/bench/run.ts --no-build …flags`),
 * writing into a temp folder that is removed afterwards: its exit code, everything it printed,
 * and the JSON it wrote (null when it wrote none).
 */
export async function runBench(flags: string[]): Promise<{ code: number | null; output: string; json: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'tikv-stage-bench-'));
  const out = join(dir, 'bench.json');
  try {
    const proc = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/bench/run.ts', '--no-build', ...flags, '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    proc.stdout!.on('data', (d) => (output += String(d)));
    proc.stderr!.on('data', (d) => (output += String(d)));
    const code = await new Promise<number | null>((ok) => proc.once('exit', ok));
    return { code, output, json: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as unknown) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
