// The bench's flags (`npm run bench -- --help`).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `npm run bench -- [options]

Starts the app in browser mode on the simulated cluster, drives Debian's chromium like a
presenter, prints one table and writes the figures as JSON.

  --sim-speed N      the simulated cluster's time scale (default 1 = PD's real timings)
  --presses N        key presses per page for key -> paint (default 30)
  --idle-seconds N   length of the idle measurement (default 20)
  --loops N          whole-show loops of the soak (default 20; 0 skips it)
  --out FILE         where the JSON goes (default bench-results.json)
  --no-build         use out/ as it is (default: build when src/ is newer than out/)
  --no-jitless-soak  skip the control soak: the same loops again in a chromium whose V8 compiles
                     no code (--js-flags=--jitless), so that the app's own heap growth shows
                     apart from V8's compiled code, which grows as functions get hot
  --heap-snapshots DIR
                     also write each page's heap snapshot after soak loop 2 and after the last
                     loop into DIR (open two in Chromium's DevTools, Memory, Comparison)
  --big-cluster N    then measure idle cost with N stores (e.g. 3000): the app in live mode on a
                     PD served by the bench (no Docker), leaders steady then shuffling
  --live             then measure the fault again in live mode, on the containerized simulator
                     (src/main/sim/containers/) as project tikvstagebench, from Docker's die
                     event; needs TIKV_STAGE_DOCKER_HOST, the engine to use (for example
                     unix:///var/run/docker.sock), and removes the project's containers after
  --help`;

export interface BenchOptions {
  simSpeed: number;
  presses: number;
  idleSeconds: number;
  loops: number;
  out: string;
  build: boolean;
  live: boolean;
  /** Run the soak again without V8's compilers (see jitlessSoakFigures). */
  jitlessSoak: boolean;
  /** Where the soak's heap snapshots go, or null for none. */
  heapSnapshots: string | null;
  /** Stores of the big-cluster measurement, or 0 to skip it. */
  bigCluster: number;
}

export type ParsedOptions = { ok: true; help: boolean; options: BenchOptions } | { ok: false; error: string };

function positive(name: string, raw: string | undefined, fallback: number, min: number): number | string {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= min ? n : `--${name} wants a number >= ${min}, got "${raw}"`;
}

/** Pure: argv (without node and script) to options, or the reason they are wrong. */
export function parseOptions(argv: string[], cwd: string): ParsedOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'sim-speed': { type: 'string' },
        presses: { type: 'string' },
        'idle-seconds': { type: 'string' },
        loops: { type: 'string' },
        out: { type: 'string' },
        'no-build': { type: 'boolean' },
        'no-jitless-soak': { type: 'boolean' },
        'heap-snapshots': { type: 'string' },
        'big-cluster': { type: 'string' },
        live: { type: 'boolean' },
        help: { type: 'boolean' }
      },
      strict: true
    }));
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const simSpeed = positive('sim-speed', str('sim-speed'), 1, 0.1);
  const presses = positive('presses', str('presses'), 30, 2);
  const idleSeconds = positive('idle-seconds', str('idle-seconds'), 20, 1);
  const loops = positive('loops', str('loops'), 20, 0);
  const bigCluster = positive('big-cluster', str('big-cluster'), 0, 0);
  for (const v of [simSpeed, presses, idleSeconds, loops, bigCluster]) if (typeof v === 'string') return { ok: false, error: v };
  if ((bigCluster as number) > 100_000) return { ok: false, error: `--big-cluster wants at most 100000 stores, got ${bigCluster as number}` };
  const snaps = str('heap-snapshots');
  if (snaps !== undefined && snaps.trim() === '') return { ok: false, error: '--heap-snapshots wants a folder' };
  return {
    ok: true,
    help: values.help === true,
    options: {
      simSpeed: simSpeed as number,
      presses: Math.round(presses as number),
      idleSeconds: idleSeconds as number,
      loops: Math.round(loops as number),
      out: resolve(cwd, str('out') ?? 'bench-results.json'),
      build: values['no-build'] !== true,
      live: values.live === true,
      jitlessSoak: values['no-jitless-soak'] !== true,
      heapSnapshots: snaps === undefined ? null : resolve(cwd, snaps),
      bigCluster: Math.round(bigCluster as number)
    }
  };
}

/** Chromium keeps only the last `--js-flags`: V8 flags from BENCH_CHROMIUM_ARGS and the bench's
 *  own (the jitless soak's) go in one, space-separated as V8 reads them. Pure. */
export function mergeJsFlags(args: readonly string[]): string[] {
  const prefix = '--js-flags=';
  const v8 = args.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
  const rest = args.filter((a) => !a.startsWith(prefix));
  return v8.length ? [...rest, `${prefix}${v8.join(' ')}`] : rest;
}
