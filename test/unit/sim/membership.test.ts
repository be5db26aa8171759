// PD leadership among PD processes, as a pure state machine: three members exchange views on a
// simulated clock, and a test decides who can reach whom.
import { describe, expect, it } from 'vitest';
import { Membership } from '../../../src/main/sim/core/membership';
import { Rng } from '../../../src/main/sim/core/rng';

const SPEED = 10;
const PING = 100; // wall ms between ping rounds
const DEAD = 1000; // wall ms without an answer = dead
const NAMES = ['pd0', 'pd1', 'pd2'];

type Link = 'ok' | 'refused' | 'silent';

class Cluster {
  now = 0;
  readonly m = new Map<string, Membership>();
  /** Who is down and how: a killed member refuses, a paused one is silent. */
  readonly down = new Map<string, 'refused' | 'silent'>();

  constructor(
    seed = 1,
    readonly speed = SPEED,
    readonly dead = DEAD
  ) {
    for (const name of NAMES) this.boot(name, seed);
  }

  boot(name: string, seed = 7): void {
    this.m.set(
      name,
      new Membership({
        self: name,
        members: NAMES,
        speed: this.speed,
        now: this.now,
        rng: new Rng(seed * 97 + name.charCodeAt(2)),
        deadAfterMs: this.dead,
        bootDelayMs: 300
      })
    );
  }

  link(from: string, to: string): Link {
    return this.down.get(to) ?? (this.down.has(from) ? 'silent' : 'ok');
  }

  /** Run ping rounds for `ms` of wall time. */
  run(ms: number): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now += PING;
      for (const [name, mem] of this.m) {
        if (this.down.has(name)) continue; // a dead or frozen process does nothing
        for (const peer of NAMES) {
          if (peer === name) continue;
          const l = this.link(name, peer);
          if (l === 'ok') mem.observe(peer, this.m.get(peer)!.view(), this.now);
          else mem.observe(peer, null, this.now, l === 'refused');
        }
        mem.tick(this.now);
      }
    }
  }

  /** The leader every live member agrees on, or null. */
  agreed(): string | null {
    const views = NAMES.filter((n) => !this.down.has(n)).map((n) => this.m.get(n)!.leader);
    return views.every((v) => v !== null && v === views[0]) ? (views[0] ?? null) : null;
  }

  /** Run until the live members agree on a leader (other than `not`); returns it and the wall ms it took. */
  settle(limitMs = 10_000, not: string | null = null): { leader: string; ms: number } {
    const t0 = this.now;
    while (this.now - t0 < limitMs) {
      this.run(PING);
      const a = this.agreed();
      if (a && a !== not) return { leader: a, ms: this.now - t0 };
    }
    throw new Error(`no agreed leader after ${limitMs} ms: ${NAMES.map((n) => `${n}=${this.m.get(n)!.leader}`).join(' ')}`);
  }
}

describe('PD membership', () => {
  it('bootstraps with the lowest-named member as leader, and every member agrees', () => {
    const c = new Cluster();
    const { leader, ms } = c.settle();
    expect(leader).toBe('pd0');
    expect(ms).toBeLessThan(1000);
    expect(NAMES.map((n) => c.m.get(n)!.term)).toEqual([1, 1, 1]);
  });

  it('a killed leader (refused): no leader at once, then the lowest live member after 3-7 s (scaled)', () => {
    const seen: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const c = new Cluster(seed);
      c.settle();
      c.run(2000);
      c.down.set('pd0', 'refused');
      c.run(PING);
      expect(c.m.get('pd1')!.leader).toBeNull();
      expect(c.m.get('pd2')!.leader).toBeNull();
      const { leader, ms } = c.settle(5000, 'pd0');
      expect(leader).toBe('pd1');
      expect(c.m.get('pd1')!.term).toBe(2);
      seen.push(ms + PING);
    }
    // U[3, 7) s after the last answer, at speed 10, on a 100 ms ping grid.
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...seen)).toBeLessThanOrEqual(900);
  });

  it('a frozen leader (silent) is noticed after the dead-after timeout; back before the vote, it keeps leading', () => {
    // Real timings (speed 1): dead after 2.5 s, the vote 3-7 s after the last answer.
    const c = new Cluster(3, 1, 2500);
    c.settle();
    c.down.set('pd0', 'silent');
    c.run(2500 - 2 * PING);
    expect(c.m.get('pd1')!.leader).toBe('pd0');
    c.run(3 * PING);
    expect(c.m.get('pd1')!.leader).toBeNull();
    expect(c.m.get('pd2')!.leader).toBeNull();
    // Unpaused before pd1 claims. It wakes up late: a frozen process, not dead peers.
    c.down.delete('pd0');
    c.now += PING;
    c.m.get('pd0')!.tick(c.now);
    const { leader } = c.settle();
    expect(leader).toBe('pd0');
    expect(c.m.get('pd0')!.term).toBe(1);
  });

  it('a frozen leader that comes back after the vote follows the new leader (higher term)', () => {
    const c = new Cluster(4);
    c.settle();
    c.down.set('pd0', 'silent');
    const { leader, ms } = c.settle(5000, 'pd0');
    expect(leader).toBe('pd1');
    // Noticed after the 1 s dead-after; the scaled vote (0.3-0.7 s after the last answer) is then due.
    expect(ms).toBeGreaterThanOrEqual(DEAD);
    expect(ms).toBeLessThanOrEqual(DEAD + 3 * PING);
    c.down.delete('pd0');
    c.now += PING;
    c.m.get('pd0')!.tick(c.now);
    c.run(3 * PING);
    expect(c.agreed()).toBe('pd1');
    expect(c.m.get('pd0')!.term).toBe(2);
  });

  it('a restarted member asks its peers and follows; it does not take over', () => {
    const c = new Cluster(5);
    c.settle();
    c.down.set('pd0', 'refused');
    c.settle(5000, 'pd0');
    c.down.delete('pd0');
    c.boot('pd0');
    c.run(2000);
    expect(c.agreed()).toBe('pd1');
    expect(c.m.get('pd0')!.isLeader()).toBe(false);
  });

  it('no leader without a quorum; a leader that loses it steps down; quorum back, a leader again', () => {
    const c = new Cluster(6);
    c.settle();
    c.down.set('pd1', 'refused');
    c.down.set('pd2', 'refused');
    c.run(PING * 2);
    expect(c.m.get('pd0')!.leader).toBeNull();
    c.run(10_000);
    expect(c.m.get('pd0')!.leader).toBeNull();
    c.down.delete('pd2');
    c.boot('pd2');
    const { leader } = c.settle();
    expect(leader).toBe('pd0');
  });

  it('killing a follower changes nothing for the leader', () => {
    const c = new Cluster(8);
    c.settle();
    c.down.set('pd2', 'refused');
    c.run(3000);
    expect(c.agreed()).toBe('pd0');
    expect(c.m.get('pd0')!.alive('pd2', c.now)).toBe(false);
    expect(c.m.get('pd0')!.term).toBe(1);
  });

  it('two claims at the same term: the lower name wins', () => {
    const rng = new Rng(1);
    const a = new Membership({ self: 'pd1', members: NAMES, speed: SPEED, now: 0, rng, deadAfterMs: DEAD, bootDelayMs: 300 });
    a.observe('pd2', { name: 'pd2', leader: 'pd2', term: 3 }, 0);
    expect(a.leader).toBe('pd2');
    a.observe('pd0', { name: 'pd0', leader: 'pd0', term: 3 }, 10);
    expect(a.leader).toBe('pd0');
    a.observe('pd2', { name: 'pd2', leader: 'pd2', term: 3 }, 20);
    expect(a.leader).toBe('pd0');
    a.observe('pd2', { name: 'pd2', leader: 'pd2', term: 4 }, 30);
    expect(a.leader).toBe('pd2');
  });
});
