// Debian's chromium driven through playwright-core, one page per view, each with the probe
// (probe.js) and a CDP session for what only DevTools can see: main-thread busy time, the
// WebSocket frames the page receives, the JS heap after a full GC.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { mergeJsFlags } from './options';

/** `extra` goes after BENCH_CHROMIUM_ARGS; their `--js-flags` are merged (mergeJsFlags). */
export async function launchChromium(extra: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      // BENCH_CHROMIUM_ARGS reaches the browser only, e.g. "--js-flags=--trace-opt" to see tier-ups.
      ...mergeJsFlags([...(process.env.BENCH_CHROMIUM_ARGS ?? '').split(/\s+/).filter(Boolean), ...extra])
    ]
  });
}

/** What the probe recorded (see probe.js). Times are Unix ms on the pages' shared clock. */
export interface ProbeKey {
  key: string;
  at: number;
}
export interface ProbeChapter {
  text: string;
  domAt: number;
  paintAt: number | null;
  frameAt: number | null;
}
export interface ProbeNode {
  name: string;
  container: string;
  state: string;
  domAt: number;
  paintAt: number | null;
}

export interface Frame {
  at: number;
  bytes: number;
  kind: string;
}

export interface ViewPage {
  name: 'audience' | 'presenter';
  page: Page;
  cdp: CDPSession;
  /** UTF-8 bytes of every WebSocket frame the page received, with the bench's arrival time and
   *  what it was (an event's name, or `reply`), so that the cluster's periodic snapshots can be
   *  told from what a key press causes. */
  frames: Frame[];
  keys(): Promise<ProbeKey[]>;
  chapters(): Promise<ProbeChapter[]>;
  nodes(): Promise<ProbeNode[]>;
  /** Main-thread task time (s) and the page's monotonic clock (s), per CDP Performance.getMetrics. */
  taskTime(): Promise<{ task: number; at: number }>;
  /** JS heap in use after a full garbage collection (bytes). */
  heapAfterGc(): Promise<number>;
  /** Writes a heap snapshot (.heapsnapshot, for DevTools' Memory panel) to `file`. */
  heapSnapshot(file: string): Promise<void>;
  /** The value of an expression in the page (JSON-able), read without Playwright's injected scripts. */
  read<T>(expr: string): Promise<T>;
  /** Pauses or resumes the probe's DOM observer, or clears its records. */
  probe(cmd: 'pause' | 'resume' | 'clear'): Promise<void>;
  /** Closes the page (its context): it stops following the app. */
  close(): Promise<void>;
}

const PROBE = readFileSync(join(__dirname, 'probe.js'), 'utf8');

export async function openView(browser: Browser, url: string, name: ViewPage['name']): Promise<ViewPage> {
  const viewport = name === 'audience' ? { width: 1920, height: 1080 } : { width: 1440, height: 900 };
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.addInitScript({ content: PROBE });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await cdp.send('Network.enable');
  const frames: ViewPage['frames'] = [];
  cdp.on('Network.webSocketFrameReceived', (e) => {
    const text = e.response.payloadData;
    const kind = /^\{"type":"(reply)"|^\{"type":"event","event":"(\w+)"/.exec(text.slice(0, 48));
    frames.push({ at: Date.now(), bytes: Buffer.byteLength(text, e.response.opcode === 1 ? 'utf8' : 'base64'), kind: kind?.[1] ?? kind?.[2] ?? '?' });
  });
  await page.goto(name === 'audience' ? `${url}/` : `${url}/presenter`);
  // Reads go through CDP's Runtime.evaluate, not Playwright's locators: the selector engine and
  // result serializer Playwright injects are JavaScript in the page's heap too, and the soak
  // would otherwise count their tier-up as the app's heap growth.
  const read = async <T>(expr: string): Promise<T> => {
    const r = await cdp.send('Runtime.evaluate', { expression: expr, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`${name} page: ${expr}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  };
  return {
    name,
    page,
    cdp,
    frames,
    keys: () => read<ProbeKey[]>('window.__bench.keys.slice()'),
    chapters: () => read<ProbeChapter[]>('window.__bench.chapters.slice()'),
    nodes: () => read<ProbeNode[]>('window.__bench.nodes.slice()'),
    async taskTime() {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (n: string): number => metrics.find((m) => m.name === n)?.value ?? NaN;
      return { task: get('TaskDuration'), at: get('Timestamp') };
    },
    async heapAfterGc() {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const r = await cdp.send('Runtime.getHeapUsage');
      return r.usedSize;
    },
    async heapSnapshot(file) {
      const chunks: string[] = [];
      const onChunk = (e: { chunk: string }): void => void chunks.push(e.chunk);
      cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
      try {
        await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      } finally {
        cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
      }
      writeFileSync(file, chunks.join(''));
    },
    read,
    async probe(cmd) {
      await read(`void window.__bench.${cmd}()`);
    },
    close: () => context.close()
  };
}

/** The page's chapter-index text. */
export async function indexText(v: ViewPage): Promise<string> {
  return v.read<string>(`(document.querySelector('[data-testid="chapter-index"]')?.textContent ?? '').trim()`);
}

export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (x: T) => boolean, timeoutMs: number, everyMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const x = await probe();
    if (done(x)) return x;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(x)})`);
    await new Promise((ok) => setTimeout(ok, everyMs));
  }
}
