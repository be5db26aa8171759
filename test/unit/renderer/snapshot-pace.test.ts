import { describe, expect, it } from 'vitest';
import { isRoutine } from '../../../src/renderer/src/lib/snapshot-pace';
import type { ClusterSnapshot } from '../../../src/shared/cluster';
import { cluster } from './fixtures';

/** The next snapshot as JSON would bring it, a second later, changed by `edit`. */
function next(prev: ClusterSnapshot, edit: (c: ClusterSnapshot) => void = () => undefined): ClusterSnapshot {
  const c = JSON.parse(JSON.stringify(prev)) as ClusterSnapshot;
  c.now += 1000;
  c.takenAt += 1000;
  edit(c);
  return c;
}

describe('which snapshots may wait for the tick', () => {
  it('holds one that only moves figures: counts, ops, heartbeats, the chart, the time', () => {
    const a = cluster();
    expect(isRoutine(a, next(a))).toBe(true);
    expect(
      isRoutine(
        a,
        next(a, (c) => {
          c.tikv[0]!.leaderCount += 3;
          c.tikv[0]!.regionCount -= 1;
          c.tikv[1]!.opsPerSec = 1200;
          c.tikv[1]!.lastHeartbeatMs = c.now;
          c.regionCount = 31;
          c.ageMs = 40;
          c.workload!.history = [];
          c.workload!.current = null;
        })
      )
    ).toBe(true);
  });

  it('never holds what the audience watches for', () => {
    const a = cluster();
    const urgent: [string, (c: ClusterSnapshot) => void][] = [
      ['a node killed', (c) => void (c.tikv[0]!.container = 'exited')],
      ['a node paused', (c) => void (c.tikv[0]!.container = 'paused')],
      ['a node cut off', (c) => void (c.tikv[0]!.partitioned = true)],
      ["PD's verdict", (c) => void (c.tikv[2]!.state = 'disconnected')],
      ['a new PD leader', (c) => void (c.pdLeader = 'pd1')],
      ['a PD member down', (c) => void (c.pd[0]!.health = false)],
      ['a PD member killed', (c) => void (c.pd[1]!.container = 'exited')],
      ['the leader flag moved', (c) => void (c.pd[1]!.isLeader = false)],
      ['a store added', (c) => void c.tikv.push({ ...c.tikv[0]!, storeId: '99', name: 'tikv9' })],
      ['a store gone', (c) => void c.tikv.pop()],
      ['stores reordered', (c) => void c.tikv.reverse()],
      ['PD stopped answering', (c) => void ((c.stale = true), (c.pdError = 'PD is not answering'))],
      ['an election', (c) => void (c.pdElecting = true)],
      ['the workload stopped', (c) => void (c.workload!.running = false)],
      ['the workload gone', (c) => void (c.workload = null)],
      ['Docker gone', (c) => void (c.containerNote = 'no Docker engine')],
      ['another cluster', (c) => void (c.clusterId = '1')],
      ['another mode', (c) => void (c.mode = 'replay')],
      ['another speed', (c) => void (c.timeScale = 5)]
    ];
    for (const [what, edit] of urgent) expect(isRoutine(a, next(a, edit)), what).toBe(false);
  });

  it('treats a missing and a false pdElecting alike', () => {
    const a = cluster();
    expect(isRoutine(a, next(a, (c) => void (c.pdElecting = false)))).toBe(true);
  });
});
