// The simulator's process entry point, one role per process (the image built by
// containers/image.ts runs `node /app/sim.cjs <flags>`; containers/cluster.ts starts one
// container per compose service):
//   --role pd   --name pd0 --peers pd0,pd1,pd2 [--port 2379] [--sim-speed N] [--seed N]
//   --role tikv --name tikv0 --pd pd0:2379,pd1:2379,pd2:2379 [--port 20160] [--status-port 20180] [--sim-speed N]
//   --role ycsb --pd pd0:2379,pd1:2379,pd2:2379 [--threads 16] [--sim-speed N]
// Peers are `name` (reached at name:<port>) or `name=host:port`. SIGTERM/SIGINT stop promptly
// (a TiKV drains its leaders first, as v8.5.5+ does). Only node built-ins are used at run time.
import { parseArgs } from 'node:util';
import { parseNamedAddrs, splitHostPort } from './node-util';
import { startPdNode } from './pd-node';
import { startTikvNode } from './tikv-node';
import { startYcsbNode } from './ycsb-node';

export interface Stoppable {
  stop(): Promise<void>;
}

const USAGE = `usage:
  --role pd   --name pd0 --peers pd0,pd1,pd2 [--port 2379] [--host 0.0.0.0] [--sim-speed N] [--seed N]
  --role tikv --name tikv0 --pd pd0:2379,pd1:2379,pd2:2379 [--port 20160] [--status-port 20180] [--sim-speed N]
  --role ycsb --pd pd0:2379,pd1:2379,pd2:2379 [--threads 16] [--sim-speed N]`;

function positiveNumber(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag}: must be a positive number, got "${raw}"`);
  return n;
}

function portNumber(flag: string, raw: string, allowNone = false): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n > 65535 || n < (allowNone ? -1 : 0)) throw new Error(`--${flag}: not a port number: ${raw}`);
  return n;
}

export async function main(argv: string[]): Promise<Stoppable> {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      peers: { type: 'string' },
      pd: { type: 'string' },
      port: { type: 'string' },
      'status-port': { type: 'string', default: '20180' },
      host: { type: 'string', default: '0.0.0.0' },
      'sim-speed': { type: 'string', default: '1' },
      seed: { type: 'string', default: '20240' },
      threads: { type: 'string', default: '16' },
      'tikv-port': { type: 'string', default: '20160' },
      tikv: { type: 'string' }
    },
    strict: true,
    allowPositionals: false
  });
  const speed = positiveNumber('sim-speed', values['sim-speed']);
  const need = (flag: 'name' | 'peers' | 'pd'): string => {
    const v = values[flag];
    if (!v) throw new Error(`--${flag} is required for --role ${values.role}\n${USAGE}`);
    return v;
  };

  switch (values.role) {
    case 'pd': {
      const name = need('name');
      const port = portNumber('port', values.port ?? '2379');
      const members = parseNamedAddrs(need('peers'), port);
      if (!members.some((m) => m.name === name)) throw new Error(`--peers must include this member (${name})`);
      const seed = Number(values.seed);
      if (!Number.isInteger(seed)) throw new Error(`--seed: not an integer: ${values.seed}`);
      const node = await startPdNode({ name, members, host: values.host, port, speed, seed });
      return { stop: () => node.close() };
    }
    case 'tikv': {
      const name = need('name');
      const pds = need('pd')
        .split(',')
        .filter((x) => x.trim())
        .map((a) => splitHostPort(a, 2379));
      const node = await startTikvNode({
        name,
        pds,
        host: values.host,
        port: portNumber('port', values.port ?? '20160'),
        statusPort: portNumber('status-port', values['status-port'], true),
        speed
      });
      return { stop: () => node.stop() };
    }
    case 'ycsb': {
      const pds = need('pd')
        .split(',')
        .filter((x) => x.trim())
        .map((a) => splitHostPort(a, 2379));
      const threads = Number(values.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new Error(`--threads: 1..1024, got ${values.threads}`);
      const tikvPort = portNumber('tikv-port', values['tikv-port']);
      const tikvAddrs = values.tikv
        ? new Map(parseNamedAddrs(values.tikv, tikvPort).map((a) => [a.name, { host: a.host, port: a.port }]))
        : undefined;
      const node = startYcsbNode({ pds, speed, threads, tikvPort, tikvAddrs });
      return { stop: () => node.stop() };
    }
    default:
      throw new Error(`--role must be pd, tikv or ycsb\n${USAGE}`);
  }
}

// Run when this is the process's entry (the bundle /app/sim.cjs, or this file through tsx).
if (/(^|[\\/])(sim\.cjs|node-main\.[cm]?[jt]s)$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).then(
    (node) => {
      let stopping = false;
      const shutdown = (signal: string): void => {
        if (stopping) {
          process.exit(0);
        }
        stopping = true;
        process.stderr.write(`${signal}: stopping\n`);
        node.stop().then(
          () => process.exit(0),
          () => process.exit(1)
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    }
  );
}
