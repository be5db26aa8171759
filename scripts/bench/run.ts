// `npm run bench`: the app in browser mode on the simulated cluster, driven from outside like a
// presenter in Debian's chromium. Prints one table and writes bench-results.json. It exits 0
// whatever the figures say (timings are noisy; the table marks each target), 1 when it could
// not run (or its jitless soak or --live part could not: the figures before are still written),
// 2 on bad flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildApp, buildIsStale, startApp, type RunningApp } from './app';
import { measureBigCluster } from './big-cluster';
import { indexText, launchChromium, waitFor } from './browser';
import { bigClusterFigures, bytesFigures, faultFigures, idleFigures, jitlessSoakFigures, keyFigures, liveFigures, soakFigures } from './figures';
import { measureLive } from './live';
import { USAGE, parseOptions, type BenchOptions } from './options';
import { advanceTo, allRunning, beats, faultOnMap, idleCost, indexOf, keyLatency, openViews, soak, workloadOps, type SoakResults } from './phases';
import { table, verdict, type Figure } from './report';

const ROOT = resolve(__dirname, '..', '..');
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

async function measure(o: BenchOptions, app: RunningApp, browser: Browser): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const { v, state } = await openViews(browser, app, log);
  const { audience, presenter } = v;
  const b = beats(state);
  for (const p of [audience, presenter]) await waitFor(`${p.name} on chapter 1`, () => indexText(p), (t) => t === indexOf(v, 1), 20_000, 100);

  log(`to chapter ${b.workload} (the workload starts, the map and chart show) ...`);
  await advanceTo(v, audience, b.workload);
  await waitFor('workload ops > 0', () => workloadOps(audience), (x) => x > 0, 30_000, 250);

  log(`key -> paint: ${o.presses} presses in each page (chapters ${b.workload - 1} <-> ${b.workload}) ...`);
  const keys = await keyLatency(v, o.presses, b.workload - 1);
  await advanceTo(v, audience, b.workload);

  log(`idle for ${o.idleSeconds} s with the map and chart on screen ...`);
  const idle = await idleCost(v, o.idleSeconds);

  log(`the fault beat (chapter ${b.fault}) ...`);
  await advanceTo(v, audience, b.fault - 1);
  const fault = await faultOnMap(v, o.simSpeed, b.fault);
  log(`restore (chapter ${b.restore}) ...`);
  await advanceTo(v, audience, b.restore, 60_000);
  await waitFor('every node running', () => allRunning(audience), (x) => x, 60_000, 200);

  const figures = [...keyFigures(keys), ...idleFigures(idle), ...bytesFigures(keys, idle, { audience: audience.frames, presenter: presenter.frames }), ...faultFigures(fault)];
  const details: Record<string, unknown> = { keys, idle, fault };
  if (o.loops > 0) {
    log(`soak: ${o.loops} whole-show loops ...`);
    const s = await soak(v, o.loops, b, o.simSpeed, async (i) => {
      // Loop 2 is where the growth figure starts; two snapshots show what grew (DevTools, Comparison).
      if (!o.heapSnapshots || (i !== Math.min(2, o.loops) && i !== o.loops)) return;
      for (const p of [audience, presenter]) await p.heapSnapshot(join(o.heapSnapshots, `${p.name}-loop${i}.heapsnapshot`));
      log(`  heap snapshots of loop ${i} written to ${o.heapSnapshots}`);
    });
    figures.push(...soakFigures(s));
    details.soak = s;
  } else log('soak skipped (--loops 0)');
  // Closed, the views no longer follow the app: what comes next measures on a quiet machine.
  await Promise.all([audience.close(), presenter.close()]);
  return { figures, details };
}

/** The soak again, in a chromium whose V8 compiles no code (see jitlessSoakFigures). */
async function jitlessSoak(o: BenchOptions, app: RunningApp): Promise<SoakResults> {
  log(`jitless soak: ${o.loops} loops again in a chromium with --js-flags=--jitless (--no-jitless-soak skips it) ...`);
  const browser = await launchChromium(['--js-flags=--jitless']);
  try {
    const { v, state } = await openViews(browser, app, log);
    return await soak(v, o.loops, beats(state), o.simSpeed);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2), process.cwd());
  if (!parsed.ok) {
    process.stderr.write(`bench: ${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const o = parsed.options;
  // A folder that cannot be made is said now, not after twenty loops.
  if (o.heapSnapshots) {
    try {
      mkdirSync(o.heapSnapshots, { recursive: true });
    } catch (e) {
      process.stderr.write(`bench: --heap-snapshots: cannot make ${o.heapSnapshots}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (o.build && buildIsStale(ROOT)) buildApp(ROOT, log);
  const engine = process.env.TIKV_STAGE_DOCKER_HOST ?? '';
  if (o.live && !engine) log('live mode skipped: TIKV_STAGE_DOCKER_HOST is not set (the Docker engine to run the containerized simulator on)');

  const startedAt = new Date().toISOString();
  log(`starting the app (sim, --sim-speed ${o.simSpeed}) and chromium ...`);
  const app = await startApp(ROOT, ['--mode', 'sim', '--sim-speed', String(o.simSpeed)]);
  let browser: Browser | null = null;
  try {
    const chromium = (browser = await launchChromium());
    const { figures, details } = await measure(o, app, chromium);
    // A later part that fails (the jitless soak, the live run) keeps the figures before it: they
    // are printed and written, and the exit code says the run was not whole.
    let partFailed = false;
    const part = async (key: string, name: string, run: () => Promise<void>): Promise<void> => {
      try {
        await run();
      } catch (e) {
        partFailed = true;
        details[`${key}Error`] = (e as Error).message;
        log(`the ${name} part could not run: ${(e as Error).message}`);
      }
    };
    if (o.jitlessSoak && o.loops > 0)
      await part('jitlessSoak', 'jitless soak', async () => {
        const s = await jitlessSoak(o, app);
        figures.push(...jitlessSoakFigures(s));
        details.jitlessSoak = s;
      });
    if (o.bigCluster > 0)
      await part('bigCluster', 'big-cluster', async () => {
        await app.stop(); // the sim app must not compete with the one measured
        const b = await measureBigCluster(ROOT, chromium, o.bigCluster, Math.min(o.idleSeconds, 10), log);
        figures.push(...bigClusterFigures(b));
        details.bigCluster = b;
      });
    if (o.live && engine) {
      await app.stop(); // the sim app must not compete with the live one
      await part('live', 'live', async () => {
        const live = await measureLive(ROOT, engine, chromium, o.simSpeed, log);
        figures.push(...liveFigures(live));
        details.live = live;
      });
    }
    const text = table(figures);
    process.stdout.write(`\nTiKV Stage bench: sim mode, --sim-speed ${o.simSpeed}, ${startedAt}\n\n${text}\n\n`);
    const json = {
      startedAt,
      options: { ...o, out: undefined },
      figures: Object.fromEntries(figures.map((f) => [f.key, f.value])),
      verdicts: Object.fromEntries(figures.map((f) => [f.key, verdict(f)])),
      details
    };
    writeFileSync(o.out, `${JSON.stringify(json, null, 2)}\n`);
    log(`wrote ${o.out}`);
    return partFailed ? 1 : 0;
  } catch (e) {
    log(`could not run: ${(e as Error).stack ?? String(e)}\n--- app output (tail) ---\n${app.output().slice(-3000)}`);
    return 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await app.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`could not run: ${(e as Error).message}`);
    process.exit(1);
  }
);
