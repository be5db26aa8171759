// The poller against the simulated cluster (a real HTTP server speaking PD's API). The simulator
// is built in parallel in src/main/sim; until src/main/sim/index.ts exports startSimCluster,
// this test is skipped.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPdPoller } from '../../../src/main/cluster/poller';
import type { PdView } from '../../../src/main/cluster/types';
import type { SimCluster, SimOptions } from '../../../src/main/sim/types';
import { waitFor } from './helpers';

const SIM_SPEC = '../../../src/main/sim/index';
const hasSimIndex = ['.ts', '.js'].some((ext) => existsSync(fileURLToPath(new URL(`${SIM_SPEC}${ext}`, import.meta.url))));

type StartSim = (opts: SimOptions) => Promise<SimCluster>;

async function loadStartSim(): Promise<StartSim | null> {
  const mod: unknown = await import(/* @vite-ignore */ SIM_SPEC);
  const fn = (mod as { startSimCluster?: unknown }).startSimCluster;
  return typeof fn === 'function' ? (fn as StartSim) : null;
}

describe.skipIf(!hasSimIndex)('poller against the simulated cluster', () => {
  it('maps the sim cluster, then sees a killed TiKV lose its leaders and disconnect', async (ctx) => {
    const startSimCluster = await loadStartSim();
    if (!startSimCluster) {
      ctx.skip();
      return;
    }
    const sim = await startSimCluster({ speed: 40, seed: 7, host: '127.0.0.1' });
    let view: PdView | null = null;
    const poller = createPdPoller({ pdUrl: sim.pdUrl, intervalMs: 50, healthEveryMs: 100, onView: (v) => (view = v) });
    try {
      poller.start();
      const current = (): PdView | null => view;
      await waitFor(() => (current()?.stores.length ?? 0) >= 3 && current()?.stale === false, 5_000, 'first view');
      const v = current() as PdView;
      expect(v.stores.map((s) => s.name)).toEqual(expect.arrayContaining(['tikv0', 'tikv1', 'tikv2']));
      expect(v.members.map((m) => m.name)).toEqual(['pd0', 'pd1', 'pd2']);
      expect(v.clusterId).toMatch(/^\d+$/);
      expect(v.members.every((m) => /^\d+$/.test(m.memberId))).toBe(true);
      expect(v.leader).not.toBeNull();
      // PD's max-replicas, read from the sim's /config/replicate as from a real PD's.
      await waitFor(() => current()?.maxReplicas === 3, 5_000, 'max-replicas');
      expect(current()?.maxReplicasError).toBeNull();

      sim.control.kill('tikv1');
      // At 40x, PD's 20 s disconnect threshold is 0.5 s of wall time; elections 0.25–0.5 s.
      await waitFor(
        () => {
          const s = current()?.stores.find((x) => x.name === 'tikv1');
          return s !== undefined && s.state === 'disconnected' && s.leaderCount === 0;
        },
        8_000,
        'tikv1 disconnected with 0 leaders'
      );
    } finally {
      await poller.stop();
      await sim.close();
    }
  });

  it('killing the PD leader: the map survives the election, a new leader appears, the old one is unhealthy', async (ctx) => {
    const startSimCluster = await loadStartSim();
    if (!startSimCluster) {
      ctx.skip();
      return;
    }
    const sim = await startSimCluster({ speed: 20, seed: 11, host: '127.0.0.1' });
    const views: PdView[] = [];
    const poller = createPdPoller({ pdUrl: sim.pdUrl, intervalMs: 25, healthEveryMs: 50, onView: (v) => views.push(v) });
    const last = (): PdView | undefined => views[views.length - 1];
    try {
      poller.start();
      await waitFor(() => last()?.stale === false && last()?.leader != null, 5_000, 'first view with a leader');
      const oldLeader = last()?.leader as string;
      const from = views.length;
      sim.control.kill(oldLeader);
      await waitFor(
        () => {
          const v = last();
          return (
            v !== undefined &&
            !v.stale &&
            v.leader !== null &&
            v.leader !== oldLeader &&
            v.members.find((m) => m.name === oldLeader)?.health === false
          );
        },
        8_000,
        'a new PD leader, the old one unhealthy'
      );
      // Through the election no view ever lost the map.
      for (const v of views.slice(from)) expect(v.stores.length).toBeGreaterThanOrEqual(3);
      const during = views.slice(from).filter((v) => v.stale);
      for (const v of during) expect(v.error).toMatch(/no leader|not answering/);
    } finally {
      await poller.stop();
      await sim.close();
    }
  });
});
