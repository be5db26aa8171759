// Live mode's workload: go-ycsb in the compose network (service "ycsb" of the project),
// started and stopped through dockerode, its status lines read from the container's log
// stream. Only the project's own ycsb service is ever touched.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { WorkloadSample } from '../../shared/cluster';
import { LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE, splitLines } from '../chaos/docker-targets';
import type { WorkloadReading, WorkloadSource } from './source';
import { createTikvMetricsPoller } from './tikv-metrics';
import { parseYcsbLine, summarize, trackRecord, type RateState } from './ycsb-parse';

export const YCSB_SERVICE = 'ycsb';
/** The image of the compose file's ycsb service (a unit test keeps the two the same). */
export const YCSB_IMAGE = 'pingcap/go-ycsb:latest';

/** What the presenter reads when the workload image is not on this machine. */
export function missingImageMessage(ref: string): string {
  return (
    `cannot start the workload: the image ${ref} is not on this Docker engine (the stage is offline). ` +
    `While online, run: docker compose -f docker-compose.tikv.yml --profile workload pull`
  );
}

/** Whether the engine has the image locally (a 404 says no; other errors are passed on). */
export async function imagePresent(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

export interface YcsbOptions {
  docker: Docker;
  streams: Docker;
  project: string;
  log?: (line: string) => void;
  /** Wall clock: the samples' timestamps and Docker's log cursor. */
  now?: () => number;
  /** The clock intervals are measured on (rates, staleness): performance.now by default, never stepped. */
  monotonicNow?: () => number;
}

/** The project's own ycsb service container (never a one-off run), or null. */
async function findYcsbContainer(docker: Docker, project: string): Promise<Docker.ContainerInfo | null> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_PROJECT}=${project}`, `${LABEL_SERVICE}=${YCSB_SERVICE}`] }
  });
  return (
    list.find(
      (c) =>
        c.Labels[LABEL_PROJECT] === project &&
        c.Labels[LABEL_SERVICE] === YCSB_SERVICE &&
        (c.Labels[LABEL_ONEOFF] ?? 'False') !== 'True'
    ) ?? null
  );
}

export function createYcsbWorkload(opts: YcsbOptions): WorkloadSource & { lines(): number } {
  const now = opts.now ?? Date.now;
  const mono = opts.monotonicNow ?? ((): number => performance.now());
  let rates: RateState = {};
  let running = false;
  let logStream: NodeJS.ReadableStream | null = null;
  let linesSeen = 0;
  let closed = false;
  let last: WorkloadSample | null = null;
  const metrics = createTikvMetricsPoller({ docker: opts.docker, project: opts.project, monotonicNow: mono });

  const findContainer = (): Promise<Docker.ContainerInfo | null> => findYcsbContainer(opts.docker, opts.project);

  /** The compose file keeps ycsb under a profile, so `up -d` does not create it: create it like compose would. */
  async function createContainer(): Promise<string> {
    // Nothing is pulled on stage: without its image, say so (the presenter gets it as a notice).
    if (!(await imagePresent(opts.docker, YCSB_IMAGE))) throw new Error(missingImageMessage(YCSB_IMAGE));
    const net = `${opts.project}_default`;
    const c = await opts.docker.createContainer({
      name: `${opts.project}-${YCSB_SERVICE}-1`,
      Image: YCSB_IMAGE,
      Cmd: [
        'run', 'tikv', '-P', '/workloads/workloada',
        '-p', 'tikv.pd=pd0:2379,pd1:2379,pd2:2379', '-p', 'tikv.type=raw',
        '-p', 'recordcount=100000', '-p', 'operationcount=1000000000',
        '--threads', '16', '--interval', '1'
      ],
      Labels: {
        [LABEL_PROJECT]: opts.project,
        [LABEL_SERVICE]: YCSB_SERVICE,
        [LABEL_ONEOFF]: 'False',
        'com.docker.compose.container-number': '1'
      },
      HostConfig: { NetworkMode: net },
      NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: [YCSB_SERVICE] } } }
    });
    return c.id;
  }

  async function follow(id: string): Promise<void> {
    const container = opts.streams.getContainer(id);
    const info = await container.inspect();
    const raw = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      since: Math.floor(now() / 1000) - 1
    })) as unknown as NodeJS.ReadableStream;
    const text = new PassThrough();
    // Without a TTY, Docker multiplexes stdout and stderr with 8-byte frame headers.
    if (info.Config.Tty) raw.pipe(text);
    else opts.streams.modem.demuxStream(raw, text, text);
    logStream = raw;
    let buffer = '';
    text.on('data', (chunk: Buffer) => {
      // Lines from a stream we let go of (stopped, or replaced) are not this run's.
      if (!running || logStream !== raw) return;
      const { lines, rest } = splitLines(buffer, chunk.toString('utf8'));
      buffer = rest;
      for (const line of lines) {
        const records = parseYcsbLine(line);
        if (records.length) linesSeen++;
        for (const r of records) rates = trackRecord(rates, r, mono());
      }
    });
    const ended = (): void => {
      if (logStream !== raw) return;
      logStream = null;
      // The container restarted or the engine hiccuped: follow again while we should run.
      if (running && !closed) setTimeout(() => void attach().catch(() => undefined), 1000);
    };
    raw.on('end', ended);
    raw.on('error', ended);
  }

  async function attach(): Promise<void> {
    const c = await findContainer();
    if (!c || c.State !== 'running' || logStream) return;
    await follow(c.Id);
  }

  // A workload already running (the app restarted mid-show) is picked up, not restarted.
  void findContainer()
    .then(async (c) => {
      if (c?.State === 'running' && !closed) {
        running = true;
        await attach();
      }
    })
    .catch(() => undefined);

  return {
    kind: 'ycsb',
    lines: () => linesSeen,
    async start() {
      let c = await findContainer();
      const id = c?.Id ?? (await createContainer());
      c = await findContainer();
      if (c?.State === 'paused') await opts.docker.getContainer(id).unpause();
      else if (c?.State !== 'running') {
        try {
          await opts.docker.getContainer(id).start();
        } catch (e) {
          if ((e as { statusCode?: number }).statusCode !== 304) throw e;
        }
      }
      running = true;
      rates = {};
      if (!logStream) await follow(id);
    },
    async stop() {
      running = false;
      // The figure goes to zero now: the last rates would otherwise stay shown until they go stale.
      rates = {};
      if (last) last = { t: now(), ops: 0, errors: 0, p99Ms: null, latency: null };
      (logStream as unknown as { destroy?: () => void } | null)?.destroy?.();
      logStream = null;
      const c = await findContainer();
      if (c && c.State === 'running') {
        try {
          await opts.docker.getContainer(c.Id).stop({ t: 2 });
        } catch (e) {
          if ((e as { statusCode?: number }).statusCode !== 304) throw e;
        }
      }
    },
    sample(): WorkloadReading {
      const f = summarize(rates, mono());
      // Errors: what go-ycsb counted as failed (*_ERROR), plus requests TiKV itself failed.
      const tikvFailures = metrics.failuresPerSec() ?? 0;
      const errors = Math.round((f.errors + tikvFailures) * 10) / 10;
      if (running || Object.keys(rates).length) last = { t: now(), ops: f.ops, errors, p99Ms: f.p99Ms, latency: f.latency };
      return { running, current: last, perStoreOps: metrics.perStoreOps() };
    },
    async close() {
      closed = true;
      metrics.close();
      (logStream as unknown as { destroy?: () => void } | null)?.destroy?.();
      logStream = null;
    }
  };
}
