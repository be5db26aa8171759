import { describe, expect, it } from 'vitest';
import { agoText } from '../../../src/renderer/src/lib/format';
import {
  sameButFigures,
  barPercent,
  compareNames,
  leaderDeltas,
  mapModel,
  mapRow,
  capRow,
  heartbeatStale,
  STALE_HEARTBEAT_MS,
  TABLE_ROWS,
  moreText,
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

describe('mapRow: what a room shows of a row', () => {
  const base = cluster().tikv[0]!; // healthy
  const stores = (n: number, down: number[] = []): ReturnType<typeof tikvCardModel>[] =>
    Array.from({ length: n }, (_, i) =>
      tikvCardModel({ ...base, storeId: String(i + 1), name: `tikv${i}`, ...(down.includes(i) ? { container: 'exited' as const } : {}) })
    );

  it('draws the demo cluster as cards, a few more stores as tiles, a larger one as chips, each room by its width', () => {
    expect(mapRow(stores(3), 'beside', 'tikv')).toMatchObject({ as: 'cards', more: [] });
    expect(mapRow(stores(4), 'beside', 'tikv').as).toBe('cards');
    expect(mapRow(stores(5), 'beside', 'tikv')).toMatchObject({ as: 'tiles', more: [] });
    expect(mapRow(stores(6), 'beside', 'tikv').as).toBe('tiles');
    expect(mapRow(stores(7), 'beside', 'tikv').as).toBe('chips');
    expect(mapRow(stores(6), 'solo', 'tikv').as).toBe('cards');
    expect(mapRow(stores(7), 'solo', 'tikv').as).toBe('tiles');
    expect(mapRow(stores(8), 'solo', 'tikv')).toMatchObject({ as: 'tiles', more: [] });
    expect(mapRow(stores(8), 'solo', 'tikv').shown).toHaveLength(8);
    expect(mapRow(stores(9), 'solo', 'tikv').as).toBe('chips');
    // Tiles are a TiKV store's: PD members past the cards' room are chips.
    const members = stores(5).map((n) => ({ ...n, kind: 'pd' as const }));
    expect(mapRow(members, 'beside', 'pd').as).toBe('chips');
    // The diagnosis strip is chips whatever the count.
    expect(mapRow(stores(3), 'strip', 'tikv')).toMatchObject({ as: 'chips', more: [] });
    expect(mapRow(stores(18), 'beside', 'tikv').more).toEqual([]);
  });

  it('past the chips room, shows the stores that are not plain Up first, in name order, and sums up the rest', () => {
    const all = stores(60, [3, 41, 59]);
    const r = mapRow(all, 'beside', 'tikv');
    expect(r.shown).toHaveLength(17); // 18 chips, one of them the summary
    // The three killed ones, then Up ones by name to fill the room; drawn in name order.
    expect(r.shown.map((n) => n.name)).toEqual([...Array.from({ length: 15 }, (_, i) => `tikv${i}`), 'tikv41', 'tikv59']);
    expect(r.shown.length + r.more.length).toBe(60);
    expect(r.more.every((n) => n.visual === 'up')).toBe(true);
    expect(moreText(r.more)).toBe(`+ ${r.more.length} more, Up`);
  });

  it("caps the presenter's table the same way: every store up to TABLE_ROWS, then the notable first", () => {
    expect(capRow(stores(TABLE_ROWS), TABLE_ROWS)).toMatchObject({ more: [] });
    const r = capRow(stores(3000, [2999]), TABLE_ROWS);
    expect(r.shown).toHaveLength(TABLE_ROWS - 1);
    expect(r.shown.at(-1)!.name).toBe('tikv2999');
    expect(r.shown.length + r.more.length).toBe(3000);
    expect(moreText(r.more)).toBe('+ 2,941 more, Up');
    expect(capRow(stores(3), 0)).toMatchObject({ shown: [], more: stores(3) });
  });

  it("keeps a store whose heartbeat the table flags out of the table's '+ N more, Up'", () => {
    const now = T0 + 60_000;
    // Up, running, nothing to say on the map, but PD last heard from tikv2500 20 s ago.
    const all = stores(3000).map((n) => ({ ...n, lastHeartbeatMs: n.name === 'tikv2500' ? now - 20_000 : now - 2_000 }));
    expect(heartbeatStale(now - 20_000, now)).toBe(true);
    expect(heartbeatStale(now - STALE_HEARTBEAT_MS, now)).toBe(false);
    expect(heartbeatStale(null, now)).toBe(false);
    expect(capRow(all, TABLE_ROWS).shown.map((n) => n.name)).not.toContain('tikv2500');
    const r = capRow(all, TABLE_ROWS, (n) => heartbeatStale(n.lastHeartbeatMs, now));
    expect(r.shown).toHaveLength(TABLE_ROWS - 1);
    expect(r.shown.map((n) => n.name)).toContain('tikv2500');
    expect(r.more.map((n) => n.name)).not.toContain('tikv2500');
  });

  it('says what the left-out stores are when even the stores worth seeing outnumber the room', () => {
    const all = stores(30, Array.from({ length: 20 }, (_, i) => i));
    const r = mapRow(all, 'strip', 'tikv');
    expect(r.shown).toHaveLength(7);
    expect(r.shown.every((n) => n.visual === 'killed')).toBe(true);
    expect(moreText(r.more)).toBe('+ 23 more: 13 killed, 10 Up');
    // Read from the back of a hall: thousands with a separator, as every figure on the stage.
    expect(moreText(stores(2990))).toBe('+ 2,990 more, Up');
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
