// The simulated cluster in Docker containers (see scripts/lib/cluster-sim.ts):
//   npm run cluster:sim -- up   --project NAME [--pd-port N] [--sim-speed N]
//   npm run cluster:sim -- down --project NAME
// The engine is DOCKER_HOST's (or the default socket). Exit codes: 0 done, 1 failed, 2 bad usage.
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import {
  DEFAULT_PD_PORT,
  UsageError,
  containerName,
  simClusterDown,
  simClusterUp,
  validatePdPort,
  validateProject,
  validateSpeed
} from './lib/cluster-sim';

const USAGE = `usage:
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

async function run(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) process.stderr.write(`cluster:sim: ${e.message}\n\n`);
      process.stderr.write(`${USAGE}\n`);
      return e.message ? 2 : 0;
    }
    throw e;
  }
  const docker = new Docker();
  const log = (line: string): void => {
    process.stderr.write(`cluster:sim: ${line}\n`);
  };
  try {
    if (args.command === 'up') {
      const r = await simClusterUp(docker, { project: args.project, pdPort: args.pdPort, simSpeed: args.simSpeed, log });
      process.stdout.write(
        [
          `simulated cluster "${args.project}" is up (sim speed ${args.simSpeed}, image ${r.image})`,
          `  PD: ${r.pdUrls.map((u, i) => `pd${i} ${u}`).join(', ')}`,
          `  workload container (not started): ${containerName(args.project, 'ycsb')}`,
          `  the app: npm run web -- --mode live --project ${args.project} --pd ${r.pdUrl}`,
          `  remove:  npm run cluster:sim -- down --project ${args.project}`,
          ''
        ].join('\n')
      );
    } else {
      const r = await simClusterDown(docker, { project: args.project, log });
      process.stdout.write(
        r.containers.length + r.networks.length === 0
          ? `nothing to remove for project "${args.project}"\n`
          : `removed ${r.containers.length} container(s) and ${r.networks.length} network(s) of project "${args.project}"\n`
      );
    }
    return 0;
  } catch (e) {
    process.stderr.write(`cluster:sim: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (/(^|[\\/])cluster-sim\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`cluster:sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    }
  );
}
