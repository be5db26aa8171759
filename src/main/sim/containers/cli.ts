// The cluster:sim command line (scripts/cluster-sim.ts): `up` / `down` and their flags,
// validated with the same rules the orchestration applies.
import { parseArgs } from 'node:util';
import { DEFAULT_PD_PORT, UsageError, validatePdPort, validateProject, validateSpeed } from './cluster';

export const USAGE = `usage:
  npm run cluster:sim -- up   --project NAME [--pd-port N] [--sim-speed N]
  npm run cluster:sim -- down --project NAME

  up     build the simulator image if missing, then create/start pd0..pd2 and tikv0..tikv2
         (and create the ycsb workload container) as compose project NAME; idempotent
  down   remove the project's containers and network (only those labelled with NAME)

  --project NAME    compose project name (lowercase letters, digits, - and _)
  --pd-port N       pd0's port on 127.0.0.1 (default ${DEFAULT_PD_PORT}); pd1 and pd2 get N+2 and N+4
  --sim-speed N     time scale: 1 = PD's real timings (default), 10 = ten times faster
The Docker engine is DOCKER_HOST's (default /var/run/docker.sock).`;

export interface CliArgs {
  command: 'up' | 'down';
  project: string;
  pdPort: number;
  simSpeed: number;
}

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        project: { type: 'string' },
        'pd-port': { type: 'string' },
        'sim-speed': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: true
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const command = positionals[0];
  if (positionals.length !== 1 || (command !== 'up' && command !== 'down')) {
    throw new UsageError(positionals.length === 0 ? 'missing command: up or down' : `unknown command: ${positionals.join(' ')}`);
  }
  if (!values.project) throw new UsageError('--project NAME is required');
  const num = (flag: string, raw: string | undefined, dflt: number): number => {
    if (raw === undefined) return dflt;
    if (!/^\s*[0-9.eE+-]+\s*$/.test(raw)) throw new UsageError(`--${flag}: not a number: "${raw}"`);
    return Number(raw);
  };
  if (command === 'down' && (values['pd-port'] !== undefined || values['sim-speed'] !== undefined)) {
    throw new UsageError('down takes only --project');
  }
  return {
    command,
    project: validateProject(values.project),
    pdPort: validatePdPort(num('pd-port', values['pd-port'], DEFAULT_PD_PORT)),
    simSpeed: validateSpeed(num('sim-speed', values['sim-speed'], 1))
  };
}
