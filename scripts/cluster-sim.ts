// The simulated cluster in Docker containers (src/main/sim/containers/):
//   npm run cluster:sim -- up   --project NAME [--pd-port N] [--sim-speed N]
//   npm run cluster:sim -- down --project NAME
// The engine is DOCKER_HOST's (or the default socket). Exit codes: 0 done, 1 failed, 2 bad usage.
import Docker from 'dockerode';
import { USAGE, parseCliArgs, type CliArgs } from '../src/main/sim/containers/cli';
import { UsageError, containerName, simClusterDown, simClusterUp } from '../src/main/sim/containers/cluster';

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
