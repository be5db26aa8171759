// Command-line flags, the same for `npm start` (Electron) and `npm run web` (browser mode).
import { parseArgs } from 'node:util';

export type ModeChoice = 'auto' | 'sim' | 'live';

export interface AppConfig {
  port: number;
  mode: ModeChoice;
  /** PD URL; null = default (http://127.0.0.1:2379), or the port published by the compose project's pd containers. */
  pd: string | null;
  project: string;
  /** Deck file; null = the built-in deck. */
  deck: string | null;
  simSpeed: number;
  /** Docker engine address (unix:///..., tcp://...); null = resolve like the docker CLI would. */
  dockerHost: string | null;
  /** Where the fault ledger and rehearsal records live. */
  dataDir: string | null;
  /** --replay FILE: play a recorded show instead of any cluster (src/main/replay). */
  replay?: string | null;
  /** --replay-partial: play a damaged recording up to the damage instead of refusing it. */
  replayPartial?: boolean;
}

export const DEFAULT_PD = 'http://127.0.0.1:2379';
/** The compose project name in docker-compose.tikv.yml (`name:`). */
export const DEFAULT_PROJECT = 'tikvdemo';
export const DEFAULT_PORT = 4780;

export const USAGE = `Usage: npm start -- [flags]    or    npm run web -- [flags]
  --port N          browser mode's port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)
  --mode M          auto | sim | live (default auto: live when Docker and PD answer, else sim)
  --pd URL          PD's HTTP address (default ${DEFAULT_PD}, or the port the compose project publishes)
  --project NAME    the compose project to use (default ${DEFAULT_PROJECT})
  --deck FILE       a Markdown deck (default: the built-in TiKV deck)
  --sim-speed N     the simulated cluster's time scale (default 1 = PD's real timings)
  --docker-host H   the Docker engine (default: DOCKER_HOST, the docker context, the usual sockets)
  --data-dir DIR    where the fault ledger and the show recordings are kept (default: the app's data folder)
  --replay FILE     play a recorded show (a .jsonl under <data-dir>/recordings) instead of any cluster
  --replay-partial  with --replay: play a damaged recording up to the damaged line
  --help            this text`;

export type ConfigResult = { ok: true; config: AppConfig; help: boolean } | { ok: false; error: string };

/** Parses flags without touching the world; every bad value gets a sentence that names it. */
export function parseConfig(argv: string[]): ConfigResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        mode: { type: 'string' },
        pd: { type: 'string' },
        project: { type: 'string' },
        deck: { type: 'string' },
        'sim-speed': { type: 'string' },
        'docker-host': { type: 'string' },
        'data-dir': { type: 'string' },
        replay: { type: 'string' },
        'replay-partial': { type: 'boolean' },
        help: { type: 'boolean' }
      }
    }));
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);

  // An empty value (`--data-dir ''`, often an unset shell variable) is never a default in disguise.
  for (const [k, v] of Object.entries(values))
    if (typeof v === 'string' && v.trim() === '') return { ok: false, error: `--${k} needs a value, got an empty one` };

  const portRaw = str('port');
  // Plain decimal digits only: Number() would read "0x12C3" as hex, "1e3", "+80" and " 80" too.
  const port = portRaw === undefined ? DEFAULT_PORT : /^\d{1,5}$/.test(portRaw) ? Number(portRaw) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return { ok: false, error: `--port must be a whole number from 0 to 65535, got "${portRaw}"` };

  const modeRaw = str('mode') ?? 'auto';
  if (modeRaw !== 'auto' && modeRaw !== 'sim' && modeRaw !== 'live')
    return { ok: false, error: `--mode must be auto, sim or live, got "${modeRaw}"` };

  const pdRaw = str('pd');
  let pd: string | null = null;
  if (pdRaw !== undefined) {
    let u: URL;
    try {
      u = new URL(pdRaw);
    } catch {
      return { ok: false, error: `--pd must be a URL like ${DEFAULT_PD}, got "${pdRaw}"` };
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      return { ok: false, error: `--pd must be an http:// or https:// URL, got "${pdRaw}"` };
    pd = pdRaw.replace(/\/+$/, '');
  }

  const project = str('project') ?? DEFAULT_PROJECT;
  // Compose project names: lower-case letters, digits, dashes and underscores, starting with a letter or digit.
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project))
    return { ok: false, error: `--project must be a compose project name (a-z, 0-9, - and _), got "${project}"` };

  const speedRaw = str('sim-speed');
  const simSpeed = speedRaw === undefined ? 1 : Number(speedRaw);
  if (!Number.isFinite(simSpeed) || simSpeed < 0.1 || simSpeed > 1000)
    return { ok: false, error: `--sim-speed must be a number from 0.1 to 1000, got "${speedRaw}"` };

  if (values['replay-partial'] === true && str('replay') === undefined)
    return { ok: false, error: '--replay-partial goes with --replay FILE' };
  if (str('replay') !== undefined && str('mode') !== undefined)
    return { ok: false, error: '--replay plays a recording instead of any cluster: leave out --mode' };

  return {
    ok: true,
    help: values.help === true,
    config: {
      port,
      mode: modeRaw,
      pd,
      project,
      deck: str('deck') ?? null,
      simSpeed,
      dockerHost: str('docker-host') ?? null,
      dataDir: str('data-dir') ?? null,
      replay: str('replay') ?? null,
      replayPartial: values['replay-partial'] === true
    }
  };
}
