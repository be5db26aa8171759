// The page's one-second clock, for "12 s ago", the countdown's number, the talk timer and the
// wall clock. It ticks just after each second boundary (or a set phase past it), and only while
// something shows a time or waits for the tick. Work handed to `atNextTick` runs in the tick's
// own task, before the listeners: React then renders both in one pass and the browser paints one
// frame, not two.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SecondClock {
  /** The time (ms) as of the last tick; read by views, so it changes only once a second. */
  read(): number;
  /** Calls `listener` after each tick; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Runs `fn` once, at the next tick, before the listeners are told. */
  atNextTick(fn: () => void): void;
}

/** How far past the boundary a tick lands, so that a timer firing a little early still reads the new second. */
export const TICK_PAST_MS = 5;

/** The presenter view's ticks land this far past the second, between the audience's: both views
 *  do their once-a-second work (render, style, layout, paint) on one laptop's few cores, and at
 *  the same moment each waited on the other. Half a second is no visible lag for a label that
 *  changes once a second. */
export const PRESENTER_PHASE_MS = 500;

/** Where `ms` falls within its second, 0..999 (for a negative `ms` too). */
const inSecond = (ms: number): number => ((ms % 1000) + 1000) % 1000;

export function createSecondClock(timers: Timers, phaseMs = 0): SecondClock {
  const phase = inSecond(phaseMs);
  let now = timers.now();
  let timer: unknown = null;
  const listeners = new Set<() => void>();
  let due: (() => void)[] = [];

  const idle = (): boolean => listeners.size === 0 && due.length === 0;
  const schedule = (): void => {
    timer = timers.setTimeout(tick, 1000 - inSecond(timers.now() - phase) + TICK_PAST_MS);
  };
  function tick(): void {
    timer = null;
    const run = due;
    due = [];
    now = timers.now();
    // Each piece of work and each listener on its own: one that throws does not stop the clock.
    for (const fn of run) guard(fn);
    for (const l of [...listeners]) guard(l);
    if (!idle() && timer === null) schedule();
  }
  const wake = (): void => {
    if (timer !== null) return;
    now = timers.now();
    schedule();
  };

  return {
    read: () => now,
    subscribe(listener) {
      listeners.add(listener);
      wake();
      return () => {
        listeners.delete(listener);
        if (idle() && timer !== null) {
          timers.clearTimeout(timer);
          timer = null;
        }
      };
    },
    atNextTick(fn) {
      due.push(fn);
      wake();
    }
  };
}

function guard(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    // Reported, not thrown: the next second must still come.
    queueMicrotask(() => {
      throw e;
    });
  }
}
