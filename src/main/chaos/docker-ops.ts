// Applying and undoing one fault on one container already found by compose labels. Every
// undo is idempotent: Docker's "already started/stopped/paused" answers count as done.
import type Docker from 'dockerode';
import type { FaultKind } from '../../shared/actions';
import { isNoop, type Found } from './docker-revive';

type Net = { id: string; name: string } | null;

async function noopSafe(op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (e) {
    if (!isNoop(e)) throw e;
  }
}

/** A graceful stop's answer comes when the container has exited: up to its grace, then SIGKILL. */
export const stopAnswerMs = (graceSeconds: number): number => (graceSeconds + 30) * 1000;

/**
 * `slow`: a client without the request timeout, for the one call that legitimately answers
 * late (a graceful stop); it is bounded by stopAnswerMs instead.
 */
export async function applyFault(
  docker: Docker,
  f: Found,
  kind: FaultKind,
  net: () => Promise<Net>,
  stop: { graceSeconds: number; slow: Docker },
  project: string
): Promise<void> {
  const c = docker.getContainer(f.id);
  await noopSafe(async () => {
    switch (kind) {
      case 'kill':
        return c.kill({ signal: 'SIGKILL' });
      case 'stop':
        // The request client would give up after 10 s while TiKV takes about 20 s to stop: the
        // fault would read as failed while it happened, and a Restore all pressed meanwhile
        // would "start" a container still running, which then exits with no open record.
        return stop.slow.getContainer(f.id).stop({ t: stop.graceSeconds, abortSignal: AbortSignal.timeout(stopAnswerMs(stop.graceSeconds)) });
      case 'pause':
        return c.pause();
      case 'partition': {
        const n = await net();
        if (!n) throw new Error(`compose project "${project}" has no network to cut`);
        if (!f.networks.includes(n.name)) return;
        return docker.getNetwork(n.id).disconnect({ Container: f.id, Force: true });
      }
    }
  });
}

export async function undoFault(docker: Docker, f: Found, kind: FaultKind, net: () => Promise<Net>, project: string): Promise<void> {
  const c = docker.getContainer(f.id);
  await noopSafe(async () => {
    switch (kind) {
      case 'kill':
      case 'stop':
        // A container paused after the fault must be unpaused, not started.
        return f.state === 'paused' ? c.unpause() : c.start();
      case 'pause':
        if (f.state === 'paused') return c.unpause();
        if (f.state !== 'running') return c.start();
        return;
      case 'partition': {
        const n = await net();
        if (!n) throw new Error(`compose project "${project}" has no network to reconnect to`);
        if (!f.networks.includes(n.name))
          // Peers dial tikv0:20160: the service alias must come back with the endpoint.
          await docker.getNetwork(n.id).connect({ Container: f.id, EndpointConfig: { Aliases: [f.name] } });
        if (f.state !== 'running' && f.state !== 'paused') await c.start();
        return;
      }
    }
  });
}
