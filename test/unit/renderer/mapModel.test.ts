import { describe, expect, it } from 'vitest';
import { agoText } from '../../../src/renderer/src/lib/format';
import {
  sameButFigures,
  barPercent,
  compareNames,
  leaderDeltas,
  mapModel,
  pdCardModel,
  staleNote,
  tikvCardModel
} from '../../../src/renderer/src/lib/mapModel';
import { cluster, T0 } from './fixtures';

describe('mapModel', () => {
  it('keeps positions stable: sorted by name, naturally', () => {
    const m = mapModel(cluster());
    expect(m.pd.map((n) => n.name)).toEqual(['pd0', 'pd1', 'pd2']);
    expect(m.tikv.map((n) => n.name)).toEqual(['tikv0', 'tikv1', 'tikv2']);
    expect(['tikv10', 'tikv2', 'tikv1'].sort(compareNames)).toEqual(['tikv1', 'tikv2', 'tikv10']);
  });

  it('shows a killed store as killed, greyed, with PD still saying Up beside it', () => {
    const t1 = mapModel(cluster()).tikv[1];
    expect(t1).toMatchObject({ name: 'tikv1', visual: 'killed', word: 'killed', pdState: 'up', container: 'exited', dead: true });
    expect(t1?.gap).toBe('PD still says Up');
  });

  it('follows PD once it notices, and says when the container is back before PD is', () => {
    const base = cluster().tikv[0]!; // tikv2, healthy
    expect(tikvCardModel({ ...base, container: 'exited', state: 'disconnected' }).gap).toBe('PD says Disconnected');
    const back = tikvCardModel({ ...base, container: 'running', state: 'disconnected' });
    expect(back).toMatchObject({ visual: 'disconnected', word: 'Disconnected', gap: 'container running again', dead: false });
    expect(tikvCardModel({ ...base, state: 'down' })).toMatchObject({ visual: 'down', word: 'Down', dead: true });
    expect(tikvCardModel({ ...base, container: 'paused' })).toMatchObject({ visual: 'paused', word: 'paused' });
    expect(tikvCardModel({ ...base, partitioned: true })).toMatchObject({ visual: 'cutoff', word: 'cut off' });
    expect(tikvCardModel({ ...base, container: 'unknown' })).toMatchObject({ visual: 'up', gap: null });
  });

  it('maps PD members: health to state, leader kept', () => {
    const [pd0] = mapModel(cluster()).pd;
    expect(pd0).toMatchObject({ name: 'pd0', pdState: 'up', isLeader: true, word: 'Up' });
    const base = cluster().pd[0]!;
    expect(pdCardModel({ ...base, health: null }).pdState).toBe('unknown');
    expect(pdCardModel({ ...base, health: false }).pdState).toBe('down');
    expect(pdCardModel({ ...base, container: 'exited' })).toMatchObject({ word: 'killed', dead: true, gap: 'health check still passes' });
  });

  it('scales bars as shares of the cluster regions', () => {
    const m = mapModel(cluster());
    expect(m.barMax).toBe(30);
    expect(barPercent(15, m.barMax)).toBe(50);
    expect(barPercent(99, m.barMax)).toBe(100);
    expect(barPercent(1, 0)).toBe(0);
  });
});

describe('sameButFigures', () => {
  it('ignores only the per-second figures', () => {
    const a = mapModel(cluster()).tikv[0]!;
    expect(sameButFigures(a, { ...a, opsPerSec: 1234, lastHeartbeatMs: a.lastHeartbeatMs! + 1000 })).toBe(true);
    expect(sameButFigures(a, { ...a, leaders: a.leaders + 1 })).toBe(false);
    expect(sameButFigures(a, { ...a, visual: 'killed' })).toBe(false);
    expect(sameButFigures(a, { ...a, word: 'killed' })).toBe(false);
    // A field one side lacks is a difference, not a match.
    expect(sameButFigures(a, { ...a, extra: 1 } as typeof a)).toBe(false);
  });
});

describe('leaderDeltas', () => {
  it('reports nothing for the first snapshot', () => {
    expect(leaderDeltas(null, cluster().tikv).deltas.size).toBe(0);
  });
  it('reports moves per store id, only non-zero', () => {
    const before = leaderDeltas(null, [
      { storeId: '1', leaderCount: 10 },
      { storeId: '2', leaderCount: 10 },
      { storeId: '3', leaderCount: 10 }
    ]).counts;
    const after = leaderDeltas(before, [
      { storeId: '1', leaderCount: 13 },
      { storeId: '2', leaderCount: 7 },
      { storeId: '3', leaderCount: 10 },
      { storeId: '4', leaderCount: 2 }
    ]);
    expect([...after.deltas]).toEqual([
      ['1', 3],
      ['2', -3]
    ]);
  });
});

describe('staleNote', () => {
  it('is discreet and in plain words', () => {
    const c = cluster({ stale: true, takenAt: T0 });
    expect(staleNote(c, T0 + 8_400, agoText)).toBe('PD not answering \u2014 last seen 8 s ago');
    expect(staleNote(cluster({ stale: false }), T0, agoText)).toBeNull();
    expect(staleNote(cluster({ stale: true, takenAt: 0 }), T0, agoText)).toBe('Waiting for PD to answer');
    // A PD leader fault: PD answers but has no leader.
    expect(staleNote(cluster({ stale: true, takenAt: T0, pdElecting: true }), T0 + 8_400, agoText)).toBe('PD electing a leader \u2014 last seen 8 s ago');
  });
});
