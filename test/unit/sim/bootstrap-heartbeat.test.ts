// A fresh cluster of the simulator in containers (its per-process roles, here over real sockets
// on 127.0.0.1): each store's first heartbeat lands soon after PD elects a leader. PD drops a
// heartbeat that comes before its election; the store used to send its first one at once anyway
// and the next up to a whole period later, so PD's record of a brand-new store was up to 20 s old
// (at real timings), and PD's 20 s rule could call it Disconnected right after bootstrap.
import { afterAll, expect, it } from 'vitest';
import { startPdNode, type PdNode } from '../../../src/main/sim/nodes/pd-node';
import { startTikvNode, type TikvNode } from '../../../src/main/sim/nodes/tikv-node';
import { TIMINGS } from '../../../src/main/sim/core/model';
import { freePort } from '../cluster/helpers';

const SPEED = 5;
const HB_MS = TIMINGS.storeHeartbeat / SPEED;
const quiet = (): void => undefined;

let pds: PdNode[] = [];
const tikvs: TikvNode[] = [];

afterAll(async () => {
  await Promise.all(tikvs.map((t) => t.close()));
  await Promise.all(pds.map((p) => p.close()));
});

/** Each store's last_heartbeat (wall ms) and PD state, as pd0 answers, or null without a leader. */
async function stores(port: number): Promise<Map<string, { hb: number; state: string }> | null> {
  const res = await fetch(`http://127.0.0.1:${port}/pd/api/v1/stores`, { signal: AbortSignal.timeout(1000) }).catch(() => null);
  if (!res || res.status !== 200) return null;
  const body = (await res.json()) as { stores: { store: { address: string; state_name: string; last_heartbeat: number } }[] };
  return new Map(body.stores.map((s) => [s.store.address.split(':')[0]!, { hb: s.store.last_heartbeat / 1e6, state: s.store.state_name }]));
}

it("lands each store's first heartbeat within a ping or two of PD's election, and no new store reads Disconnected", async () => {
  const ports = [await freePort(), await freePort(), await freePort()];
  const members = ports.map((port, i) => ({ name: `pd${i}`, host: '127.0.0.1', port }));
  let electedAt: number | null = null;
  const watch = setInterval(() => {
    if (electedAt === null && pds.some((p) => p.membership.leader !== null)) electedAt = Date.now();
  }, 5);
  try {
    pds = await Promise.all(members.map((m) => startPdNode({ name: m.name, members, host: '127.0.0.1', port: m.port, speed: SPEED, seed: 7, log: quiet })));
    for (const name of ['tikv0', 'tikv1', 'tikv2'])
      tikvs.push(await startTikvNode({ name, pds: ports.map((port) => ({ host: '127.0.0.1', port })), host: '127.0.0.1', port: 0, statusPort: -1, speed: SPEED, log: quiet }));

    const first = new Map<string, number>();
    const seen = new Set<string>();
    const until = Date.now() + 3 * HB_MS;
    while (Date.now() < until) {
      const now = await stores(ports[0]!);
      for (const [name, s] of now ?? []) {
        seen.add(s.state);
        // The first heartbeat PD stamped after its election (bootstrap's stamps are a period
        // older), however soon after the election the first answer came.
        if (!first.has(name) && electedAt !== null && s.hb >= electedAt - 50) first.set(name, s.hb);
      }
      await new Promise((ok) => setTimeout(ok, 20));
    }
    expect(electedAt).not.toBeNull();
    expect([...first.keys()].sort()).toEqual(['tikv0', 'tikv1', 'tikv2']);
    // A ping is 200 ms at this speed: the store learns of the leader from a pong and beats on its
    // next ping, at most about 400 ms after the election. The old code: often a second or more.
    for (const [name, at] of first) expect(at - electedAt!, `${name}'s first heartbeat after the election (ms)`).toBeLessThan(0.3 * HB_MS);
    expect([...seen]).toEqual(['Up']);
  } finally {
    clearInterval(watch);
  }
}, 30_000);
