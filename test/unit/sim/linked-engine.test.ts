// The heartbeat-driven engine (one PD process per container): store heartbeats, store
// liveness and PD leadership come from outside; the rules stay the engine core's.
import { describe, expect, it } from 'vitest';
import { SimEngine } from '../../../src/main/sim/core/engine';
import type { EngineCore } from '../../../src/main/sim/core/engine-core';
import { LinkedEngine } from '../../../src/main/sim/core/linked-engine';
import { TIMINGS } from '../../../src/main/sim/core/model';

const T0 = 1_787_220_000_000;
const SPEED = 10;

function engine(seed = 1): LinkedEngine {
  const e = new LinkedEngine({ speed: SPEED, now: T0, seed });
  e.setPdLeader('pd0');
  e.scheduling = true;
  return e;
}

const wall = (simMs: number): number => simMs / SPEED;
const stateOf = (e: EngineCore, name: string): string => e.storeStateName(e.stores.find((s) => s.name === name)!);
const leaders = (e: EngineCore): Record<string, number> =>
  Object.fromEntries(e.stores.map((s) => [s.name, e.storeLeaderCount(s.name)]));

/** Heartbeat the named stores every 10 s (sim) from `from` to `to` (wall). */
function beat(e: LinkedEngine, names: string[], from: number, to: number): void {
  for (let t = from; t <= to; t += wall(TIMINGS.storeHeartbeat)) {
    e.advance(t);
    for (const n of names) e.storeHeartbeat(n);
  }
  e.advance(to);
}

describe('LinkedEngine (heartbeat-driven)', () => {
  it('has no heartbeats of its own: stores turn Disconnected unless heartbeats come in', () => {
    const e = engine();
    expect(e.pdLeaderName()).toBe('pd0');
    beat(e, ['tikv0', 'tikv1'], T0, T0 + wall(60_000));
    expect(stateOf(e, 'tikv0')).toBe('Up');
    expect(stateOf(e, 'tikv2')).toBe('Disconnected');
  });

  it('starts without a PD leader; heartbeats land only while there is one', () => {
    const e = new LinkedEngine({ speed: SPEED, now: T0, seed: 1 });
    expect(e.pdLeaderName()).toBeNull();
    expect(e.scheduling).toBe(false);
    const before = e.stores[0]!.lastHeartbeatNs;
    e.advance(T0 + 100);
    e.storeHeartbeat('tikv0');
    expect(e.stores[0]!.lastHeartbeatNs).toBe(before);
    e.setPdLeader('pd1');
    e.storeHeartbeat('tikv0');
    expect(e.stores[0]!.lastHeartbeatNs).toBeGreaterThan(before);
  });

  it('a link reset (kill): leaders move in [10, 20) s scaled, the store turns Disconnected', () => {
    const e = engine(3);
    beat(e, ['tikv0', 'tikv1', 'tikv2'], T0, T0 + wall(30_000));
    const t = e.now;
    e.storeLinkLost('tikv1', 'exit');
    e.advance(t + wall(TIMINGS.electionMin) - 1);
    expect(e.storeLeaderCount('tikv1')).toBe(12);
    expect(e.route().filter((r) => r.leader === 'tikv1').every((r) => !r.serving)).toBe(true);
    beat(e, ['tikv0', 'tikv2'], t, t + wall(TIMINGS.electionMax));
    expect(e.storeLeaderCount('tikv1')).toBe(0);
    expect(leaders(e).tikv0! + leaders(e).tikv2!).toBe(36);
    beat(e, ['tikv0', 'tikv2'], e.now, t + wall(TIMINGS.storeDisconnect + TIMINGS.storeHeartbeat));
    expect(stateOf(e, 'tikv1')).toBe('Disconnected');
    expect(e.describe('tikv1').state).toBe('exited');
  });

  it('a silent link (pause): elections counted from the last message, [15, 35) s scaled; back before them, nothing moves', () => {
    const e = engine(4);
    const t = T0 + 1000;
    e.advance(t);
    e.storeLinkLost('tikv2', 'timeout', t - wall(3000));
    e.advance(t - wall(3000) + wall(TIMINGS.timeoutElectionMin) - 1);
    expect(e.storeLeaderCount('tikv2')).toBe(12);
    e.storeLinked('tikv2', e.stores[2]!.startTimestamp, false);
    e.advance(t + wall(60_000));
    expect(e.storeLeaderCount('tikv2')).toBe(12);

    e.storeLinkLost('tikv2', 'timeout');
    const lost = e.now;
    e.advance(lost + wall(TIMINGS.timeoutElectionMax));
    expect(e.storeLeaderCount('tikv2')).toBe(0);
  });

  it('a restarted process: start_timestamp moves, 0 leaders, Up at its first heartbeat, then balance-leader brings leaders back', () => {
    const e = engine(5);
    e.storeLinkLost('tikv0', 'exit');
    beat(e, ['tikv1', 'tikv2'], T0, T0 + wall(40_000));
    expect(e.storeLeaderCount('tikv0')).toBe(0);
    const start = Math.floor(e.now / 1000);
    e.storeLinked('tikv0', start, true);
    expect(e.stores[0]!.startTimestamp).toBe(start);
    expect(stateOf(e, 'tikv0')).toBe('Disconnected');
    const t = e.now;
    beat(e, ['tikv0', 'tikv1', 'tikv2'], t + wall(10_000), t + wall(10_000));
    expect(stateOf(e, 'tikv0')).toBe('Up');
    expect(e.storeLeaderCount('tikv0')).toBe(0);
    beat(e, ['tikv0', 'tikv1', 'tikv2'], e.now, e.now + wall(60_000));
    expect(e.storeLeaderCount('tikv0')).toBeGreaterThanOrEqual(11);
  });

  it('schedulers act only on the PD leader (scheduling = true)', () => {
    const e = engine(6);
    e.scheduling = false;
    e.storeLinkLost('tikv0', 'exit');
    beat(e, ['tikv1', 'tikv2'], T0, T0 + wall(40_000));
    e.storeLinked('tikv0', Math.floor(e.now / 1000), true);
    beat(e, ['tikv0', 'tikv1', 'tikv2'], e.now + wall(10_000), e.now + wall(120_000));
    expect(e.storeLeaderCount('tikv0')).toBe(0);
    e.scheduling = true;
    beat(e, ['tikv0', 'tikv1', 'tikv2'], e.now, e.now + wall(60_000));
    expect(e.storeLeaderCount('tikv0')).toBeGreaterThan(0);
  });

  it('a follower mirrors its leader and keeps its own elections pending for leaders it sees dead', () => {
    const a = engine(7);
    const b = new LinkedEngine({ speed: SPEED, now: T0, seed: 7 });
    b.setPdLeader('pd0');
    a.storeLinkLost('tikv1', 'exit');
    a.advance(T0 + wall(TIMINGS.electionMax));
    a.storeHeartbeat('tikv0');
    b.advance(a.now);
    b.applyReplica(a.exportReplica());
    expect(leaders(b)).toEqual(leaders(a));
    expect(b.stores[0]!.lastHeartbeatNs).toBe(a.stores[0]!.lastHeartbeatNs);

    // The leader still sees tikv2's leaders; this follower saw tikv2 die: it elects by itself
    // (it is ready, should it become the leader).
    const c = engine(8);
    c.scheduling = false;
    c.storeLinkLost('tikv2', 'exit');
    const fresh = engine(8);
    c.applyReplica(fresh.exportReplica());
    expect(c.storeLeaderCount('tikv2')).toBe(12);
    c.advance(c.now + wall(TIMINGS.electionMax));
    expect(c.storeLeaderCount('tikv2')).toBe(0);
  });

  it('the in-app engine has no link commands: it heartbeats and elects its PD leader itself', () => {
    const e = new SimEngine({ speed: SPEED, now: T0, seed: 1 });
    expect('storeHeartbeat' in e).toBe(false);
    expect('setPdLeader' in e).toBe(false);
    expect(e.pdLeaderName()).not.toBeNull();
    e.advance(T0 + wall(60_000));
    expect(stateOf(e, 'tikv2')).toBe('Up');
    const linked = new LinkedEngine({ speed: SPEED, now: T0, seed: 1 });
    expect(linked.pdLeaderName()).toBeNull();
    expect(linked.scheduling).toBe(false);
  });
});
