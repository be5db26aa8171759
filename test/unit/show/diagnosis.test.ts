// The diagnosis with many stores, hostile answers, and more than one store out (now or in the
// past): bounded text, and a Raft-majority claim no stronger than the replica count allows.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/main/show/diagnosis';
import type { ClusterSnapshot } from '../../../src/shared/cluster';
import type { FaultRecord, Finding, TimelineEvent } from '../../../src/shared/show';
import { S, T0, snapshot, type StoreSpec } from './helpers';

const OUT: StoreSpec = { container: 'exited', state: 'disconnected', leaders: 0 };

/** `n` stores tikv0 … tikv(n-1), those for which `out(i)` out. */
function cluster(n: number, out: (i: number) => boolean, over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  const stores: Record<string, StoreSpec> = {};
  for (let i = 0; i < n; i++) stores[`tikv${i}`] = out(i) ? OUT : {};
  return snapshot(T0 + 30 * S, stores, null, over);
}

const kill = (node: string, over: Partial<FaultRecord> = {}): FaultRecord => ({
  id: node,
  spec: { kind: 'kill', target: { type: 'named', name: node } },
  node,
  injectedAt: T0,
  restoredAt: null,
  status: 'open',
  error: null,
  ...over
});

const injected = (node: string): TimelineEvent => ({ at: T0, kind: 'fault-injected', node, text: `killed ${node}`, fault: 'kill' });
const data = (fs: Finding[]): string => {
  const f = fs.find((x) => x.kind === 'data');
  return f ? `${f.headline}. ${f.detail}` : '';
};
const total = (fs: Finding[]): number => fs.reduce((n, f) => n + f.headline.length + f.detail.length, 0);

/** Findings a stage can show: each a sentence or two, and the whole a screenful. */
const FINDING_MAX = 800;
const TOTAL_MAX = 4000;
function expectBounded(fs: Finding[]): void {
  for (const f of fs) expect(f.headline.length + f.detail.length).toBeLessThan(FINDING_MAX);
  expect(total(fs)).toBeLessThan(TOTAL_MAX);
}

describe('diagnosis: bounded text for a cluster of thousands of stores', () => {
  it('names a handful of the 5,000 stores out, then how many more', () => {
    const fs = diagnose([injected('tikv1')], [kill('tikv1')], cluster(5000, () => true));
    expectBounded(fs);
    expect(fs.find((f) => f.kind === 'data')?.headline).toBe('tikv0, tikv1, tikv2, tikv3 and 4,996 more are out');
  });

  it('with half of 5,000 out, bounds who still holds the data, who took the leaders, and their gains', () => {
    const moved: TimelineEvent = {
      at: T0 + 14 * S,
      kind: 'leaders-moved',
      node: 'tikv1',
      from: 12,
      text: 'leaders moved off tikv1',
      gains: Array.from({ length: 2500 }, (_, i) => ({ node: `tikv${2 * i}`, gain: 1 }))
    };
    const fs = diagnose([injected('tikv1'), moved], [kill('tikv1')], cluster(5000, (i) => i % 2 === 1));
    expectBounded(fs);
    expect(fs.find((f) => f.kind === 'leaders')?.headline).toBe(
      'Its region leaders moved to tikv0, tikv2, tikv4, tikv6 and 2,496 more (tikv0 +1, tikv2 +1, tikv4 +1, tikv6 +1 and 2,496 more) 14 s after the kill'
    );
    expect(data(fs)).toMatch(/^tikv1, tikv3, tikv5, tikv7 and 2,496 more are out\. /);
    // One store out of 5,000: the survivors are 4,999, still a handful of names.
    const one = diagnose([injected('tikv1')], [kill('tikv1')], cluster(5000, (i) => i === 1));
    expectBounded(one);
    expect(data(one)).toContain('No data is lost. tikv0, tikv2, tikv3, tikv4 and 4,995 more still hold at least 2 of the 3 replicas of every region');
  });

  it('names five or fewer in full, and never says "and 1 more"', () => {
    const five = diagnose([injected('tikv1')], [kill('tikv1')], cluster(6, (i) => i !== 5));
    expect(five.find((f) => f.kind === 'data')?.headline).toBe('tikv0, tikv1, tikv2, tikv3 and tikv4 are out');
    const six = diagnose([injected('tikv1')], [kill('tikv1')], cluster(7, (i) => i !== 6));
    expect(six.find((f) => f.kind === 'data')?.headline).toBe('tikv0, tikv1, tikv2, tikv3 and 2 more are out');
  });

  it('bounds a past overlap of 2,500 faults', () => {
    const faults = Array.from({ length: 2500 }, (_, i) => kill(`tikv${2 * i + 1}`, { injectedAt: T0 + i, restoredAt: T0 + 20 * S, status: 'restored' }));
    const fs = diagnose([injected('tikv1')], faults, cluster(5000, () => false));
    expectBounded(fs);
    expect(fs.find((f) => f.kind === 'data')?.headline).toBe('At one point 2,500 stores were out at once (tikv1, tikv3, tikv5, tikv7 and 2,496 more)');
  });

  it('cuts hostile names, errors, event texts and numbers from outside', () => {
    const long = `tikv-${'x'.repeat(100_000)}`;
    const stores: Record<string, StoreSpec> = {};
    for (let i = 0; i < 20; i++) stores[`${long}${i}`] = i % 2 === 0 ? OUT : {};
    const last = snapshot(T0 + 30 * S, stores, null, { pdLeader: long });
    const returned: TimelineEvent = {
      at: T0 + 40 * S,
      kind: 'leaders-returned',
      node: `${long}0`,
      count: 3,
      balanced: false,
      text: `leaders returning to ${long}0: 0 → 3`
    };
    const recovered: TimelineEvent = { at: T0 + 20 * S, kind: 'workload-recovered', node: null, text: '', dropPct: 38, durationMs: 14 * S, errors: 1e300 };
    const f = kill(`${long}0`, { restoredAt: T0 + 30 * S, status: 'restored' });
    const fs = diagnose([injected(`${long}0`), recovered, returned], [f], last);
    expectBounded(fs);
    expect(fs.find((x) => x.kind === 'hit')?.headline).toMatch(/^tikv-x+… was killed/);
    expect(fs.find((x) => x.kind === 'workload')?.headline).toBe('The workload: throughput fell 38 % for 14 s, 1.00e+300 errors');
    const noPd = diagnose([injected('tikv1')], [kill('tikv1')], snapshot(T0, {}, null, { pdError: 'e'.repeat(1_000_000) }));
    expectBounded(noPd);
    // A PD member's name, and PD's leader, as hostile.
    const pdName = `pd-${'y'.repeat(100_000)}`;
    const pd = diagnose([injected(pdName)], [kill(pdName)], last);
    expect(pd.find((x) => x.kind === 'pd')?.headline).toMatch(/^PD's leader is now tikv-x+…$/);
    expectBounded(pd);
  });
});

describe('diagnosis: more than one store out now', () => {
  it('with four of five out, says every region lost its majority, not "several"', () => {
    const fs = diagnose([injected('tikv1')], [kill('tikv1')], cluster(5, (i) => i !== 0));
    expect(data(fs)).toBe(
      'tikv1, tikv2, tikv3 and tikv4 are out. Every region has at most 1 of its 3 replicas up. That is no Raft majority, so writes to those regions stall until a store comes back. Nothing committed is erased, but the cluster cannot commit now.'
    );
    const all = diagnose([injected('tikv1')], [kill('tikv1')], cluster(5, () => true));
    expect(data(all)).toContain('Every region has none of its 3 replicas up. That is no Raft majority');
  });

  it('with three of five out (two up, a majority of three), says some regions may have lost it', () => {
    const fs = diagnose([injected('tikv1')], [kill('tikv1')], cluster(5, (i) => i >= 2));
    expect(data(fs)).toBe(
      'tikv2, tikv3 and tikv4 are out. Some regions may have lost their Raft majority: those with replicas on 2 or more of them. Writes to those regions stall until a store comes back.'
    );
  });

  it('follows the replica count: with 5 replicas, two of seven out keeps every majority, three may not, five cannot', () => {
    const at = (outs: number): string => data(diagnose([injected('tikv1')], [kill('tikv1')], cluster(7, (i) => i < outs), 5));
    expect(at(2)).toBe(
      'No data is lost. tikv2, tikv3, tikv4, tikv5 and tikv6 still hold at least 3 of the 5 replicas of every region, a Raft majority: each region keeps or elects a leader there.'
    );
    expect(at(3)).toContain('Some regions may have lost their Raft majority: those with replicas on all 3 of them.');
    expect(at(4)).toContain('Some regions may have lost their Raft majority: those with replicas on 3 or more of them.');
    expect(at(5)).toContain('Every region has at most 2 of its 5 replicas up. That is no Raft majority');
  });
});

describe("diagnosis: PD's max-replicas from the snapshot", () => {
  const twoOfFive = (over: Partial<ClusterSnapshot>): string => data(diagnose([injected('tikv1')], [kill('tikv1')], cluster(5, (i) => i === 1 || i === 2, over)));

  it('with 5 replicas, two of five stores out keeps every majority; with 3, regions on both may have lost it', () => {
    expect(twoOfFive({ maxReplicas: 5 })).toBe(
      'No data is lost. tikv0, tikv3 and tikv4 still hold 3 of the 5 replicas of every region, a Raft majority: each region keeps or elects a leader there.'
    );
    expect(twoOfFive({ maxReplicas: 3 })).toBe(
      'tikv1 and tikv2 are out. Some regions may have lost their Raft majority: those with replicas on both of them. Writes to those regions stall until a store comes back.'
    );
    // With 1 replica, a region whose one replica is on either of them has lost it.
    expect(twoOfFive({ maxReplicas: 1 })).toContain('Some regions may have lost their Raft majority: those with a replica on any of them.');
  });

  it("unknown (null or absent, as in older recordings): reasons with PD's default of 3 and says it assumes it", () => {
    const assumed = "This assumes PD's default of 3 replicas: PD's own setting is not known.";
    for (const over of [{ maxReplicas: null }, { maxReplicas: undefined }]) {
      const said = twoOfFive(over);
      expect(said).toContain('Some regions may have lost their Raft majority: those with replicas on both of them.');
      expect(said.endsWith(` ${assumed}`)).toBe(true);
    }
    expect(data(diagnose([injected('tikv1')], [kill('tikv1')], cluster(3, (i) => i === 1, { maxReplicas: null })))).toBe(
      `No data is lost. tikv0 and tikv2 still hold 2 of the 3 replicas of every region, a Raft majority: each region keeps or elects a leader there. ${assumed}`
    );
    // Told once, and not when PD's count is known or the store list is not there to reason on.
    expect(twoOfFive({ maxReplicas: 3 })).not.toContain('assumes');
    expect(data(diagnose([injected('tikv1')], [kill('tikv1')], cluster(0, () => false, { maxReplicas: null })))).not.toContain('assumes');
  });

  it("an explicit count wins over the snapshot's", () => {
    const fs = diagnose([injected('tikv1')], [kill('tikv1')], cluster(5, (i) => i === 1 || i === 2, { maxReplicas: 3 }), 5);
    expect(data(fs)).toMatch(/^No data is lost\. /);
  });
});

describe('diagnosis: stores out at once in the past', () => {
  const overlap = [
    kill('tikv1', { restoredAt: T0 + 60 * S, status: 'restored' }),
    kill('tikv2', { id: 'f2', injectedAt: T0 + 20 * S, restoredAt: T0 + 70 * S, status: 'restored' })
  ];

  it('with three stores and two out at once, every region lost its majority', () => {
    const fs = diagnose([injected('tikv1')], overlap, cluster(3, () => false));
    expect(data(fs)).toBe(
      'At one point 2 stores were out at once (tikv1 and tikv2). Every region then had fewer than 2 of its 3 replicas up, no Raft majority, so writes to them stalled until a store came back. What was committed is kept on disk.'
    );
  });

  it('with five stores and two out at once, only regions with replicas on both may have', () => {
    const fs = diagnose([injected('tikv1')], overlap, cluster(5, () => false));
    expect(data(fs)).toBe(
      'At one point 2 stores were out at once (tikv1 and tikv2). Some regions may then have lost their Raft majority: those with replicas on both of them. Writes to those regions stalled until a store came back. What was committed is kept on disk.'
    );
    // Two out of five one after the other, never together: no overlap to tell.
    const apart = [overlap[0]!, kill('tikv2', { id: 'f2', injectedAt: T0 + 60 * S, restoredAt: T0 + 70 * S, status: 'restored' })];
    expect(data(diagnose([injected('tikv1')], apart, cluster(5, () => false)))).toMatch(/^No data was lost\. /);
  });

  it('with two stores, even one out cost every region its majority', () => {
    const fs = diagnose([injected('tikv1')], [overlap[0]!], cluster(2, () => false));
    expect(data(fs)).toBe(
      'tikv1 was out. Every region then had fewer than 2 of its 2 replicas up, no Raft majority, so writes to them stalled until a store came back. What was committed is kept on disk.'
    );
  });

  it('counts the same overlap as comparing every pair of faults would', () => {
    // A small PRNG, so a failure is reproducible.
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const faults = Array.from({ length: 1 + rnd(8) }, (_, i): FaultRecord => {
        const injectedAt = T0 + rnd(10) * S;
        const kind = rnd(3);
        return kill(`tikv${rnd(6)}`, {
          id: `f${i}`,
          injectedAt,
          restoredAt: kind === 0 ? null : injectedAt + rnd(6) * S,
          status: kind === 0 ? 'open' : 'restored'
        });
      });
      const want = pairwise(faults);
      const said = data(diagnose([injected('tikv1')], faults, cluster(6, () => false)));
      if (want.count < 2) expect(said).toMatch(/^No data was lost/);
      else expect(said.split('. ')[0]).toBe(`At one point ${want.count} stores were out at once (${names(want.nodes)})`);
    }
  });
});

/** The overlap as the old pairwise count found it, for a reference: the first fault's instant with the most nodes open. */
function pairwise(faults: readonly FaultRecord[]): { count: number; nodes: string[] } {
  const byTime = [...faults].sort((a, b) => a.injectedAt - b.injectedAt);
  let best = { count: 0, nodes: [] as string[] };
  for (const f of byTime) {
    const open = faults.filter((g) => g.injectedAt <= f.injectedAt && (g.restoredAt === null ? g.status === 'open' : g.restoredAt > f.injectedAt));
    const nodes = [...new Set(open.map((g) => g.node))];
    if (nodes.length > best.count) best = { count: nodes.length, nodes };
  }
  return best;
}

const names = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1] ?? ''}`);

describe('diagnosis: small clusters and a store that went out again', () => {
  it('with one store, its only replica: no "none of its 1 replicas", no "fewer than 1"', () => {
    const now = data(diagnose([injected('tikv0')], [kill('tikv0')], cluster(1, () => true)));
    expect(now).toContain("Every region's only replica is out. That is no Raft majority");
    const restored = kill('tikv0', { restoredAt: T0 + 10 * S, status: 'restored' });
    const past = data(diagnose([injected('tikv0')], [restored], cluster(1, () => false)));
    expect(past).toContain("Every region's only replica was then out, no Raft majority");
    expect(`${now} ${past}`).not.toMatch(/of its 1 replicas|fewer than 1 /);
  });

  it('a store that exited by itself, not yet moved off: "After an exit"', () => {
    const exit: TimelineEvent = { at: T0, kind: 'container-exited', node: 'tikv1', text: 'tikv1 container exited (Docker)' };
    const leaders = diagnose([exit], [], cluster(3, (i) => i === 1)).find((f) => f.kind === 'leaders');
    expect(leaders?.detail).toMatch(/^After an exit, Raft elections/);
  });

  it('a store that came back and is out again now is not told "is back", whatever the timeline says', () => {
    // The timeline's last word is the start (a flapping store's later exits are folded).
    const tl: TimelineEvent[] = [
      { at: T0, kind: 'container-exited', node: 'tikv1', text: 'tikv1 container exited (Docker)' },
      { at: T0 + 2 * S, kind: 'container-started', node: 'tikv1', text: 'tikv1 container running again (Docker)' }
    ];
    const rec = diagnose(tl, [], cluster(3, (i) => i === 1)).find((f) => f.kind === 'recovery');
    expect(`${rec?.headline}. ${rec?.detail}`).toBe('tikv1 is out again. It came back 2 s after the exit, and its container is exited now.');
    // Just after a restart Docker's word may still be the old one: no claim yet.
    const fresh = diagnose(tl, [], cluster(3, (i) => i === 1, { now: T0 + 4 * S, takenAt: T0 + 4 * S })).find((f) => f.kind === 'recovery');
    expect(fresh?.headline).toBe('tikv1 is back');
  });
});
