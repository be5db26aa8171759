import { describe, expect, it } from 'vitest';
import { PRESENTER_PHASE_MS, TICK_PAST_MS, createSecondClock, type Timers } from '../../../src/renderer/src/lib/clock';

/** Timers on a hand-moved clock: `advance` fires what falls due, in order. */
function fakeTimers(start: number): Timers & { advance(ms: number): void; pending(): number; t: number } {
  let seq = 0;
  const queue = new Map<number, { at: number; fn: () => void }>();
  const self = {
    t: start,
    now: () => self.t,
    setTimeout(fn: () => void, ms: number) {
      queue.set(++seq, { at: self.t + ms, fn });
      return seq;
    },
    clearTimeout(h: unknown) {
      queue.delete(h as number);
    },
    pending: () => queue.size,
    advance(ms: number) {
      const end = self.t + ms;
      for (;;) {
        const next = [...queue.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        queue.delete(next[0]);
        self.t = next[1].at;
        next[1].fn();
      }
      self.t = end;
    }
  };
  return self;
}

describe('the one-second clock', () => {
  it('ticks just past each second boundary, and only while someone listens', () => {
    const timers = fakeTimers(10_300);
    const clock = createSecondClock(timers);
    expect(timers.pending()).toBe(0);
    const seen: number[] = [];
    const off = clock.subscribe(() => seen.push(clock.read()));
    timers.advance(2_000);
    expect(seen).toEqual([11_000 + TICK_PAST_MS, 12_000 + TICK_PAST_MS]);
    off();
    expect(timers.pending()).toBe(0);
    timers.advance(5_000);
    expect(seen).toHaveLength(2);
  });

  it("ticks a set phase past each second boundary (the presenter view between the audience's ticks)", () => {
    const timers = fakeTimers(10_300);
    const clock = createSecondClock(timers, PRESENTER_PHASE_MS);
    const seen: number[] = [];
    clock.subscribe(() => seen.push(clock.read()));
    timers.advance(2_300);
    expect(seen).toEqual([10_500 + TICK_PAST_MS, 11_500 + TICK_PAST_MS, 12_500 + TICK_PAST_MS]);
    // A phase outside 0..999 means the same point in the second.
    for (const phase of [-500, 1_500, 2_500]) {
      const t = fakeTimers(20_700);
      const c = createSecondClock(t, phase);
      const at: number[] = [];
      c.subscribe(() => at.push(c.read()));
      t.advance(1_000);
      expect(at, `phase ${phase}`).toEqual([21_500 + TICK_PAST_MS]);
    }
  });

  it('runs work handed to the next tick once, before the listeners, in the same tick', () => {
    const timers = fakeTimers(20_900);
    const clock = createSecondClock(timers);
    const order: string[] = [];
    clock.subscribe(() => order.push(`tick ${clock.read()}`));
    clock.atNextTick(() => order.push(`work ${clock.read()}`));
    timers.advance(1_200);
    expect(order).toEqual([`work ${21_000 + TICK_PAST_MS}`, `tick ${21_000 + TICK_PAST_MS}`, `tick ${22_000 + TICK_PAST_MS}`]);
  });

  it('wakes for work even when nothing shows a time, then sleeps again', () => {
    const timers = fakeTimers(30_500);
    const clock = createSecondClock(timers);
    let ran = 0;
    clock.atNextTick(() => ran++);
    expect(timers.pending()).toBe(1);
    timers.advance(600);
    expect(ran).toBe(1);
    expect(timers.pending()).toBe(0);
  });

  it('keeps a tick due for waiting work when the last listener leaves', () => {
    const timers = fakeTimers(40_000);
    const clock = createSecondClock(timers);
    const off = clock.subscribe(() => undefined);
    let ran = 0;
    clock.atNextTick(() => ran++);
    off();
    timers.advance(1_100);
    expect(ran).toBe(1);
  });

  it('goes on ticking when a listener or a piece of work throws', async () => {
    const timers = fakeTimers(50_000);
    const clock = createSecondClock(timers);
    const thrown: unknown[] = [];
    const onError = (e: unknown): void => void thrown.push(e);
    process.on('uncaughtException', onError);
    try {
      let ticks = 0;
      clock.subscribe(() => {
        throw new Error('a bad view');
      });
      clock.subscribe(() => ticks++);
      clock.atNextTick(() => {
        throw new Error('bad work');
      });
      timers.advance(2_100);
      expect(ticks).toBe(2);
      await new Promise((ok) => setTimeout(ok, 0));
      expect(thrown.map((e) => (e as Error).message)).toEqual(['bad work', 'a bad view', 'a bad view']);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
