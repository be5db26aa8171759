// Restore all's belt and braces in live mode: every demo container of the project (already
// found by compose labels) that is exited, paused or cut off the project network is brought
// back, whether or not the ledger has a record of it.
import type Docker from 'dockerode';
import { containerState } from './docker-targets';
import type { ReviveResult } from './driver';

/** A demo container as listed: compose service name, Docker state, networks it is on. */
export interface Found {
  id: string;
  name: string;
  state: string;
  networks: string[];
}

/** Docker answers 304 (already started/stopped) and 409 (not running / already paused) for no-ops. */
export function isNoop(e: unknown): boolean {
  const code = (e as { statusCode?: number }).statusCode;
  return code === 304 || code === 409;
}

const tolerate = (e: unknown): void => {
  if (!isNoop(e)) throw e;
};

/** Brings one demo container back from whatever is wrong with it; returns what was wrong, or null. */
async function reviveOne(docker: Docker, f: Found, net: { id: string; name: string } | null): Promise<string | null> {
  const wrong: string[] = [];
  const c = docker.getContainer(f.id);
  if (net && !f.networks.includes(net.name)) {
    wrong.push('disconnected');
    // Peers dial tikv0:20160: the service alias comes back with the endpoint.
    await docker.getNetwork(net.id).connect({ Container: f.id, EndpointConfig: { Aliases: [f.name] } }).catch(tolerate);
  }
  if (f.state === 'paused') {
    wrong.push('paused');
    await c.unpause().catch(tolerate);
  } else if (containerState(f.state) === 'exited') {
    wrong.push(f.state);
    await c.start().catch(tolerate);
  }
  return wrong.length ? wrong.join(', ') : null;
}

/** Revives the given demo containers in parallel; each failure is reported for its node. */
export async function reviveContainers(docker: Docker, found: Found[], net: { id: string; name: string } | null): Promise<ReviveResult> {
  const out: ReviveResult = { revived: [], failed: [] };
  await Promise.all(
    found.map(async (f) => {
      try {
        const was = await reviveOne(docker, f, net);
        if (was) out.revived.push({ name: f.name, was });
      } catch (e) {
        out.failed.push({ name: f.name, error: (e as Error).message });
      }
    })
  );
  out.revived.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}
