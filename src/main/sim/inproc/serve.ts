// Standalone entry point for the simulated cluster as its own process:
//   node serve.js --port 2379 --sim-speed 1 --role all [--seed N] [--workload] [--host H]
// Prints the PD URL on stdout. Only `--role all` (the whole cluster in one process) here; the
// per-service roles (one PD member or store per process, for the containers) are
// nodes/node-main.ts.
import { parseArgs } from 'node:util';
import { startSimCluster, type SimClusterHandle } from './cluster';

export async function main(argv: string[]): Promise<SimClusterHandle> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'sim-speed': { type: 'string', default: '1' },
      role: { type: 'string', default: 'all' },
      seed: { type: 'string' },
      workload: { type: 'boolean', default: false }
    },
    strict: true,
    allowPositionals: false
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
  const speed = Number(values['sim-speed']);
  if (!Number.isFinite(speed) || speed <= 0) throw new Error(`--sim-speed: must be a positive number: ${values['sim-speed']}`);
  if (values.role !== 'all') throw new Error(`--role: only "all" is supported, got "${values.role}"`);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed: not an integer: ${values.seed}`);

  const cluster = await startSimCluster({ speed, port, host: values.host, seed, workload: values.workload });
  process.stdout.write(`${cluster.pdUrl}\n`);
  return cluster;
}

// Run when started as this file (src/main/sim/inproc/serve.ts through tsx, or a built
// inproc/serve.js), and never when merely imported. Works for both CommonJS and ESM output.
if (/(^|[\\/])inproc[\\/]serve\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).then(
    (cluster) => {
      const shutdown = (): void => {
        void cluster.close().then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    }
  );
}
