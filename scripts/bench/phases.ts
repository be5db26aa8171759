// The bench's phases, each driving the two views like a presenter and reading only the
// probe's records, CDP and /proc: key -> paint, idle cost, the fault on the map, the soak.
import type { Browser } from 'playwright-core';
import type { AppState } from '../../src/shared/contract';
import { cpuSeconds, getState, rssBytes, wsRequest } from './app';
import { indexText, openView, waitFor, type ProbeChapter, type ViewPage } from './browser';

export interface Views {
  audience: ViewPage;
  presenter: ViewPage;
  url: string;
  pid: number;
  total: number;
  log(line: string): void;
}

/** Both views of the app at `app.url`, opened in `browser`, with the state they start from. A
 *  view opened before a failure is closed again. */
export async function openViews(browser: Browser, app: { url: string; pid: number }, log: Views['log']): Promise<{ v: Views; state: AppState }> {
  const opened: ViewPage[] = [];
  try {
    const audience = await openView(browser, app.url, 'audience');
    opened.push(audience);
    const presenter = await openView(browser, app.url, 'presenter');
    opened.push(presenter);
    const state = await getState(app.url);
    return { v: { audience, presenter, url: app.url, pid: app.pid, total: state.show.total, log }, state };
  } catch (e) {
    for (const p of opened) await p.close().catch(() => undefined);
    throw e;
  }
}

/** 1-based chapter numbers of the deck's beats. */
export function beats(s: AppState): { workload: number; fault: number; restore: number } {
  const find = (ok: (t: string) => boolean): number => s.show.chapters.findIndex((c) => c.action !== null && ok(c.action.type)) + 1;
  const b = { workload: find((t) => t === 'start-workload'), fault: find((t) => t === 'fault'), restore: find((t) => t === 'restore' || t === 'restore-all') };
  if (!(b.workload > 1 && b.fault > b.workload && b.restore > b.fault))
    throw new Error(`the deck needs chapters in this order: start-workload (not first), a fault, a restore; got ${JSON.stringify(b)}`);
  return b;
}

const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));
const other = (v: Views, p: ViewPage): ViewPage => (p === v.audience ? v.presenter : v.audience);
export const indexOf = (v: Views, n: number): string => `${n} / ${v.total}`;

/** Presses next until the page shows chapter n (a blocking beat refuses next for a while). */
export async function advanceTo(v: Views, page: ViewPage, n: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  const want = indexOf(v, n);
  while ((await indexText(page)) !== want) {
    if (Date.now() > until) throw new Error(`could not reach chapter ${want} (at ${await indexText(page)})`);
    await page.page.keyboard.press('ArrowRight');
    const moved = Date.now() + 1500;
    while (Date.now() < moved && (await indexText(page)) !== want) await sleep(50);
  }
}

export interface KeyResults {
  /** ms from the keydown to the painted chapter-index, by where the key was pressed and where it painted. */
  paint: Record<'audienceKeyAudiencePaint' | 'audienceKeyPresenterPaint' | 'presenterKeyPresenterPaint' | 'presenterKeyAudiencePaint', number[]>;
  /** The same to the start of the frame after the painted one (double rAF), an upper bound. */
  nextFrame: number[];
  /** Key times per page, for bytes per key press. */
  keyTimes: Record<'audience' | 'presenter', number[]>;
}

async function paintAfter(page: ViewPage, text: string, since: number): Promise<ProbeChapter | null> {
  const recs = await page.chapters();
  return recs.find((r) => r.text === text && r.domAt >= since && r.paintAt !== null && r.frameAt !== null) ?? null;
}

/** Alternates next/prev between chapters `low` and `low + 1`, `presses` times in each page. */
export async function keyLatency(v: Views, presses: number, low: number): Promise<KeyResults> {
  const out: KeyResults = {
    paint: { audienceKeyAudiencePaint: [], audienceKeyPresenterPaint: [], presenterKeyPresenterPaint: [], presenterKeyAudiencePaint: [] },
    nextFrame: [],
    keyTimes: { audience: [], presenter: [] }
  };
  for (const page of [v.audience, v.presenter]) {
    for (let i = 0; i < presses; i++) {
      const here = await indexText(page);
      const forward = here === indexOf(v, low);
      const want = indexOf(v, forward ? low + 1 : low);
      const before = (await page.keys()).length;
      // Nothing polls the pages while the key travels: a read would be a task in their way.
      await page.page.keyboard.press(forward ? 'ArrowRight' : 'ArrowLeft');
      await sleep(200);
      const keys = await page.keys();
      const key = keys[before];
      if (!key) throw new Error(`the ${page.name} page saw no keydown`);
      const [own, far] = await Promise.all(
        [page, other(v, page)].map((p) => waitFor(`${p.name} to paint ${want}`, () => paintAfter(p, want, key.at), (r) => r !== null, 10_000, 50))
      );
      const ownMs = own!.paintAt! - key.at;
      const farMs = far!.paintAt! - key.at;
      if (page === v.audience) {
        out.paint.audienceKeyAudiencePaint.push(ownMs);
        out.paint.audienceKeyPresenterPaint.push(farMs);
      } else {
        out.paint.presenterKeyPresenterPaint.push(ownMs);
        out.paint.presenterKeyAudiencePaint.push(farMs);
      }
      out.nextFrame.push(own!.frameAt! - key.at);
      out.keyTimes[page.name].push(key.at);
      // A random pause, so that keys land anywhere in the display's frame.
      await sleep(150 + Math.random() * 250);
    }
  }
  return out;
}

export interface IdleResults {
  seconds: number;
  /** The idle window, Unix ms on the bench's clock. */
  from: number;
  to: number;
  pageBusyPct: Record<'audience' | 'presenter', number>;
  serverCpuPct: number;
  bytesPerSec: Record<'audience' | 'presenter', number>;
}

/** Nobody presses a key: what the pages and the server cost, with the map and chart on screen. */
export async function idleCost(v: Views, seconds: number): Promise<IdleResults> {
  await Promise.all([v.audience.probe('pause'), v.presenter.probe('pause')]);
  await sleep(2000); // let the last key's work and any transition settle
  const pages = [v.audience, v.presenter];
  const t0 = await Promise.all(pages.map((p) => p.taskTime()));
  const cpu0 = cpuSeconds(v.pid);
  const wall0 = Date.now();
  await sleep(seconds * 1000);
  const t1 = await Promise.all(pages.map((p) => p.taskTime()));
  const cpu1 = cpuSeconds(v.pid);
  const wall1 = Date.now();
  await Promise.all([v.audience.probe('resume'), v.presenter.probe('resume')]);
  const busy = (i: number): number => ((t1[i]!.task - t0[i]!.task) / (t1[i]!.at - t0[i]!.at)) * 100;
  const bytes = (p: ViewPage): number =>
    p.frames.filter((f) => f.at >= wall0 && f.at < wall1).reduce((a, f) => a + f.bytes, 0) / ((wall1 - wall0) / 1000);
  return {
    seconds: (wall1 - wall0) / 1000,
    from: wall0,
    to: wall1,
    pageBusyPct: { audience: busy(0), presenter: busy(1) },
    serverCpuPct: ((cpu1 - cpu0) / ((wall1 - wall0) / 1000)) * 100,
    bytesPerSec: { audience: bytes(v.audience), presenter: bytes(v.presenter) }
  };
}

export interface FaultResults {
  node: string;
  countdownEndsAt: number;
  injectedAt: number;
  /** ms from the countdown's end to the painted map showing the node's container exited. */
  mapShowsKillMs: Record<'audience' | 'presenter', number>;
  /** ms from the countdown's end to the painted map showing PD's Disconnected for it. */
  pdDisconnectedMs: number;
  /** Unix ms of the killed store's last heartbeat PD saw (NaN when PD did not say). PD says
   *  Disconnected 20 s after it, so it explains a Disconnected that came early or late. */
  lastHeartbeatAt: number;
}

async function nodePaint(page: ViewPage, match: (n: { name: string; container: string; state: string }) => boolean, since: number): Promise<{ name: string; paintAt: number } | null> {
  const n = (await page.nodes()).find((r) => r.domAt >= since && r.paintAt !== null && match(r));
  return n ? { name: n.name, paintAt: n.paintAt! } : null;
}

/** From the chapter before the fault beat: next, the countdown, the kill, PD's verdict. */
export async function faultOnMap(v: Views, simSpeed: number, faultChapter: number): Promise<FaultResults> {
  const since = Date.now();
  await v.audience.page.keyboard.press('ArrowRight');
  const counting = await waitFor('the countdown', () => getState(v.url), (s) => s.show.index === faultChapter - 1 && s.show.beat.countdownEndsAt !== null, 10_000, 100);
  const endsAt = counting.show.beat.countdownEndsAt!;
  const exited = (n: { container: string }): boolean => n.container === 'exited';
  const seen = await waitFor('the map to show a kill', () => nodePaint(v.audience, exited, since), (x) => x !== null, 20_000, 100);
  const node = seen!.name;
  const far = await waitFor('the presenter map to show the kill', () => nodePaint(v.presenter, (n) => n.name === node && exited(n), since), (x) => x !== null, 10_000, 100);
  const fault = (await getState(v.url)).show.faults.find((f) => f.node === node && f.status === 'open');
  v.log(`  killed ${node}; waiting for PD to say Disconnected ...`);
  const pd = await waitFor(
    "PD's Disconnected on the map",
    () => nodePaint(v.audience, (n) => n.name === node && n.state === 'disconnected', since),
    (x) => x !== null,
    60_000 / simSpeed + 20_000,
    250
  );
  // Read now, not at the kill: the snapshot then was up to a poll old and could miss a heartbeat
  // that came just before the kill. A dead store sends no more, so the last one PD saw is final.
  const lastHeartbeatAt = (await getState(v.url)).cluster?.tikv.find((n) => n.name === node)?.lastHeartbeatMs ?? NaN;
  return {
    node,
    countdownEndsAt: endsAt,
    injectedAt: fault?.injectedAt ?? NaN,
    mapShowsKillMs: { audience: seen!.paintAt - endsAt, presenter: far!.paintAt - endsAt },
    pdDisconnectedMs: pd!.paintAt - endsAt,
    lastHeartbeatAt
  };
}

/** Every TiKV node on the page's map is running (and, with `up`, PD says Up). */
export async function allRunning(page: ViewPage, up = false): Promise<boolean> {
  const nodes = await page.read<[string | null, string | null][]>(
    `[...document.querySelectorAll('[data-testid="cluster-node"][data-kind="tikv"]')].map((e) => [e.getAttribute('data-container'), e.getAttribute('data-state')])`
  );
  return nodes.length > 0 && nodes.every(([c, s]) => c === 'running' && (!up || s === 'up'));
}

/** The workload's ops/s as the page shows it (data-ops), 0 while it shows none. */
export async function workloadOps(page: ViewPage): Promise<number> {
  const ops = await page.read<string | null>(`document.querySelector('[data-testid="workload"]')?.getAttribute('data-ops') ?? null`);
  return Number(ops) || 0;
}

export interface SoakResults {
  loops: number;
  /** How each loop was re-armed: the resetShow request, or (before it existed) first + injectFault + restoreAll. */
  rearm: 'resetShow' | 'fallback';
  faultsSeen: number;
  loopSeconds: number[];
  heap: Record<'audience' | 'presenter', number[]>;
  rss: number[];
}

async function rearm(v: Views): Promise<'resetShow' | 'fallback'> {
  const r = await wsRequest(v.url, 'resetShow');
  if (r.ok) return 'resetShow';
  if (!/unknown|no such|not a request/i.test(r.error)) throw new Error(`resetShow failed: ${r.error}`);
  const f = await wsRequest(v.url, 'first');
  if (!f.ok) throw new Error(`first failed: ${f.error}`);
  return 'fallback';
}

/** One whole show from the first chapter, with the deck's fault and restore. True when the map showed the fault. */
async function oneShow(v: Views, how: 'resetShow' | 'fallback', chapters: { fault: number; restore: number }, simSpeed: number): Promise<boolean> {
  const a = v.audience;
  await waitFor('the first chapter', () => indexText(a), (t) => t === indexOf(v, 1), 60_000, 100);
  await Promise.all([a.probe('clear'), v.presenter.probe('clear')]);
  const since = Date.now();
  await advanceTo(v, a, chapters.fault);
  if (how === 'fallback') {
    const r = await wsRequest(v.url, 'injectFault', [{ kind: 'kill', target: { type: 'random-tikv' } }]);
    if (!r.ok) throw new Error(`injectFault failed: ${r.error}`);
  }
  const seen = await waitFor('the kill on the map', () => nodePaint(a, (n) => n.container === 'exited', since), (x) => x !== null, 20_000, 100).then(
    () => true,
    () => false
  );
  await advanceTo(v, a, chapters.restore, 60_000);
  if (how === 'fallback') await wsRequest(v.url, 'restoreAll');
  await waitFor('every node running', () => allRunning(a), (x) => x, 30_000 + 60_000 / simSpeed, 200);
  await advanceTo(v, a, v.total);
  return seen;
}

export async function soak(
  v: Views,
  loops: number,
  chapters: { fault: number; restore: number },
  simSpeed: number,
  /** Called after the heap is read at the end of each loop (1-based), e.g. to take snapshots. */
  afterLoop: (loop: number) => Promise<void> = async () => undefined
): Promise<SoakResults> {
  const out: SoakResults = { loops, rearm: 'resetShow', faultsSeen: 0, loopSeconds: [], heap: { audience: [], presenter: [] }, rss: [] };
  for (let i = 1; i <= loops; i++) {
    const t0 = Date.now();
    out.rearm = await rearm(v);
    if (await oneShow(v, out.rearm, chapters, simSpeed)) out.faultsSeen++;
    await Promise.all([v.audience.probe('clear'), v.presenter.probe('clear')]);
    out.heap.audience.push(await v.audience.heapAfterGc());
    out.heap.presenter.push(await v.presenter.heapAfterGc());
    out.rss.push(rssBytes(v.pid));
    out.loopSeconds.push((Date.now() - t0) / 1000);
    v.log(`  loop ${i}/${loops}: ${out.loopSeconds.at(-1)!.toFixed(1)} s, heap ${(out.heap.audience.at(-1)! / 1e6).toFixed(2)} MB, rss ${(out.rss.at(-1)! / 1e6).toFixed(1)} MB`);
    await afterLoop(i);
  }
  return out;
}
