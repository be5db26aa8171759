// The poller against the in-app simulated cluster with PD's real 3 s redirect wait (speed 1, no
// cap): killing the PD leader must read as "PD electing a leader", never "not answering", and
// the snapshot says so for the presenter and the map.
import { describe, expect, it } from 'vitest';
import { createPdPoller } from '../../../src/main/cluster/poller';
import { buildSnapshot } from '../../../src/main/cluster/snapshot';
import type { PdView } from '../../../src/main/cluster/types';
import { startSimCluster } from '../../../src/main/sim/index';
import { waitFor } from './helpers';

describe('a PD leader fault on the simulator, with PD real 3 s wait', () => {
  it('reads as an election, and the new leader follows', async () => {
    const sim = await startSimCluster({ speed: 1, seed: 5, host: '127.0.0.1', maxWaitMs: 3000 });
    const views: PdView[] = [];
    const poller = createPdPoller({ pdUrl: sim.pdUrl, intervalMs: 250, healthEveryMs: 1000, onView: (v) => views.push(v) });
    const last = (): PdView | undefined => views[views.length - 1];
    try {
      poller.start();
      await waitFor(() => last()?.stale === false && last()?.leader != null, 8_000, 'first view with a leader');
      const oldLeader = last()!.leader!;
      const from = views.length;
      const killedAt = Date.now();
      sim.control.kill(oldLeader);
      await waitFor(() => last()?.stale === true, 8_000, 'the map goes stale');
      const stale = last()!;
      // PD answers /ping but holds the proxied requests (its 3 s wait for a leader): the view
      // says so while it waits, and the budget above 3 s lets PD's own 503 come back after.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1_000);
      expect(stale.error).toMatch(/^PD electing a leader: /);
      expect(stale.electing).toBe(true);
      const snap = buildSnapshot({ mode: 'sim', pd: stale, containers: null, containerNote: null, workload: null, now: Date.now() });
      expect(snap.pdElecting).toBe(true);
      await waitFor(() => last()?.stale === false && last()?.leader != null && last()?.leader !== oldLeader, 15_000, 'a new leader');
      expect(views.slice(from).some((v) => v.stale && /no leader|redirect/i.test(v.error ?? ''))).toBe(true);
      for (const v of views.slice(from).filter((x) => x.stale)) {
        expect(v.error).not.toMatch(/not answering/);
        expect(v.stores.length).toBe(3); // the map is kept through the election
      }
    } finally {
      await poller.stop();
      await sim.close();
    }
  }, 40_000);
});
