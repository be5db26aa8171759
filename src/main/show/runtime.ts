// The show runtime: the thin imperative shell around the director. It holds the director's
// state, turns presenter requests into events, runs the director's effects (timers for
// countdowns and autoAdvance, the chaos executor for actions), records the timeline from
// cluster snapshots, and builds the ShowState that crosses the bridge.
//
// Nothing runs synchronously inside createShow: the first chapter's effects (if any) are run on
// a 0 ms timer, so the caller may reference the returned runtime from its executor and onChange.
import type { ChapterAction } from '../../shared/actions';
import { actionToString } from '../../shared/actions';
import type { ClusterSnapshot } from '../../shared/cluster';
import type { ActionLogEntry, PresenterExtras, ShowState, TimelineEvent } from '../../shared/show';
import type { Deck } from './deck';
import { diagnose } from './diagnosis';
import { createDirector, reduce, toShowState, type DirectorEffect, type DirectorEvent, type DirectorState } from './director';
import { appendTimeline, createTracker, noteEvent, observe, type TimelineTracker } from './timeline';

/** Runs a chapter's action (chaos, restore, workload). A throw counts as a failure with its message. */
export interface ActionExecutor {
  run(action: ChapterAction, chapterId: string): Promise<{ ok: boolean; message: string }>;
}

/** The timer functions the runtime uses (Node's by default; tests pass fakes or use fake timers). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the app supplies for each ShowState: the mode, the fault records and its notices. */
export type ShowContext = Pick<ShowState, 'mode' | 'modeReason' | 'faults' | 'notices'> & {
  presenter?: PresenterExtras;
};

export type ShowLogEntry = Omit<ActionLogEntry, 'seq'>;

export interface ShowOptions {
  deck: Deck;
  executor: ActionExecutor;
  /** Unix ms clock; Date.now by default. */
  now?: () => number;
  timers?: Timers;
  /** Called for every ShowState built; defaults to sim mode with no faults (never claims live). */
  extras?: () => ShowContext;
  /** Called after every change (navigation, countdown tick, action result, new timeline events). */
  onChange?: (state: ShowState) => void;
  /** Chapter entries, actions and refusals, for the app's action log. */
  onLog?: (entry: ShowLogEntry) => void;
  /** An action that has not answered after this long counts as failed (default 90 s). */
  actionTimeoutMs?: number;
}

export interface ShowRuntime {
  state(): ShowState;
  next(): void;
  prev(): void;
  first(): void;
  last(): void;
  goTo(index: number): void;
  /** No argument toggles; a boolean sets. */
  blackout(on?: boolean): void;
  /** Swap in a reloaded deck, keeping the position by chapter id when possible. */
  replaceDeck(deck: Deck): void;
  /** Feed each published snapshot; new timeline events are recorded from it. */
  observeCluster(snapshot: ClusterSnapshot): void;
  /** Record an explicit event (fault-injected, restored, note). */
  recordEvent(event: TimelineEvent): void;
  /**
   * Run the show again: the first chapter, every beat re-armed (nothing fires until the
   * presenter presses), the timeline, its diagnosis and the notices cleared. An action still
   * running from before no longer moves any beat when it ends.
   */
  reset(): void;
  /**
   * Restore all, Panic or a reset (`by`, for the presenter's notice): a countdown under way
   * stops without firing (its beat waits for a press again) and no autoAdvance is pending.
   */
  standDown(by: string): void;
  timeline(): TimelineEvent[];
  /** The director's state (read-only; for tests and debugging). */
  director(): DirectorState;
  dispose(): void;
}

const NOTICE_LIMIT = 8;

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>)
};

/** The timeline with new events, in time order and bounded; the faults' own events are kept (appendTimeline). Pure. */
export function appendEvents(events: readonly TimelineEvent[], added: readonly TimelineEvent[]): TimelineEvent[] {
  return appendTimeline(events, added);
}

/**
 * Runs one action through the executor; `done` is called exactly once: with its result, its
 * throw or rejection as a failure, or a failure after timeoutMs when it never answers.
 */
function runBounded(
  executor: ActionExecutor,
  action: ChapterAction,
  chapterId: string,
  t: { timers: Timers; timeoutMs: number; pending: Set<unknown> },
  done: (ok: boolean, message: string) => void
): void {
  let settled = false;
  const settle = (ok: boolean, message: string): void => {
    if (settled) return;
    settled = true;
    t.timers.clearTimeout(timer);
    t.pending.delete(timer);
    done(ok, message);
  };
  const timer = t.timers.setTimeout(() => settle(false, `no answer after ${Math.round(t.timeoutMs / 1000)} s`), t.timeoutMs);
  t.pending.add(timer);
  let pending: Promise<{ ok: boolean; message: string }>;
  try {
    pending = Promise.resolve(executor.run(action, chapterId));
  } catch (e) {
    pending = Promise.reject(e);
  }
  pending.then(
    (r) => {
      if (r && typeof r.ok === 'boolean') settle(r.ok, typeof r.message === 'string' ? r.message : '');
      else settle(false, 'the action gave no result');
    },
    (e: unknown) => settle(false, e instanceof Error ? e.message : String(e))
  );
}

/** The director's wake-ups: one timer per due time (a due time is armed once). */
function createTicks(timers: Timers, now: () => number, onTick: () => void): { arm(at: number): void; clear(): void } {
  const pending = new Map<number, unknown>();
  return {
    arm(at) {
      if (pending.has(at)) return;
      const handle = timers.setTimeout(
        () => {
          pending.delete(at);
          onTick();
        },
        Math.max(0, at - now())
      );
      pending.set(at, handle);
    },
    clear() {
      for (const h of pending.values()) timers.clearTimeout(h);
      pending.clear();
    }
  };
}

export function createShow(opts: ShowOptions): ShowRuntime {
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? defaultTimers;
  const timeoutMs = opts.actionTimeoutMs ?? 90_000;
  const context =
    opts.extras ?? ((): ShowContext => ({ mode: 'sim', modeReason: 'no mode was given to the show', faults: [], notices: [] }));

  let deck = opts.deck;
  const started = createDirector(deck, now());
  let dir = started.state;
  let disposed = false;
  let events: TimelineEvent[] = [];
  let tracker: TimelineTracker = createTracker();
  let lastSnapshot: ClusterSnapshot | null = null;
  let notices: string[] = [];
  const ticks = createTicks(timers, now, () => feed({ type: 'tick' }));
  const actionTimers = new Set<unknown>();
  /** Bumped by reset: results of actions started before it are only logged. */
  let generation = 0;

  const log = (what: string, outcome: ActionLogEntry['outcome'], detail: string | null = null): void => {
    opts.onLog?.({ at: now(), what, outcome, detail });
  };

  function changed(): void {
    if (disposed || !opts.onChange) return;
    opts.onChange(state());
  }

  /** One event into the director, and its effects run (the director's dispatch, not the transport's). */
  function feed(event: DirectorEvent): void {
    if (disposed) return;
    const t = reduce(dir, event, now());
    const moved = t.state !== dir;
    dir = t.state;
    run(t.effects);
    if (moved || t.effects.some((e) => e.type !== 'schedule-tick')) changed();
  }

  function run(effects: DirectorEffect[]): void {
    for (const fx of effects) {
      switch (fx.type) {
        case 'schedule-tick':
          if (!disposed) ticks.arm(fx.at);
          break;
        case 'run-action':
          runAction(fx.chapterId, fx.action);
          break;
        case 'entered': {
          const ch = dir.chapters[fx.index];
          log(`chapter ${fx.index + 1} / ${dir.chapters.length}: ${ch?.title ?? fx.chapterId}`, 'info');
          break;
        }
        case 'refused':
          log('next refused', 'info', fx.reason);
          break;
        case 'notice':
          if (!notices.includes(fx.text)) notices = [...notices, fx.text].slice(-NOTICE_LIMIT);
          break;
      }
    }
  }

  function runAction(chapterId: string, action: ChapterAction): void {
    const what = actionToString(action);
    log(`${what} (chapter "${chapterId}")`, 'info', 'started');
    feed({ type: 'actionStarted', chapterId });
    const gen = generation;
    runBounded(opts.executor, action, chapterId, { timers, timeoutMs, pending: actionTimers }, (ok, message) => {
      log(what, ok ? 'ok' : 'failed', message);
      if (gen === generation) feed({ type: 'actionFinished', chapterId, ok, message });
    });
  }

  function state(): ShowState {
    const ctx = context();
    const all = [...ctx.notices, ...notices.filter((n) => !ctx.notices.includes(n))];
    return toShowState(dir, {
      deckTitle: deck.title,
      deckFile: deck.file,
      mode: ctx.mode,
      modeReason: ctx.modeReason,
      timeline: events,
      // PD's max-replicas as last read; unknown (null) is reasoned as PD's default, and said so.
      diagnosis: diagnose(events, ctx.faults, lastSnapshot, lastSnapshot?.maxReplicas ?? null),
      faults: ctx.faults,
      notices: all,
      presenter: ctx.presenter
    });
  }


  // The first chapter's effects run after createShow has returned.
  const boot = timers.setTimeout(() => {
    actionTimers.delete(boot);
    run(started.effects);
    if (started.effects.some((e) => e.type !== 'schedule-tick' && e.type !== 'entered')) changed();
  }, 0);
  actionTimers.add(boot);

  return {
    state,
    next: () => feed({ type: 'next' }),
    prev: () => feed({ type: 'prev' }),
    first: () => feed({ type: 'first' }),
    last: () => feed({ type: 'last' }),
    goTo: (index) => feed({ type: 'goTo', index }),
    blackout: (on) => feed(on === undefined ? { type: 'blackout' } : { type: 'blackout', on }),
    replaceDeck(next: Deck) {
      if (disposed) return;
      deck = next;
      log('deck reloaded', 'info', `${next.file}: ${next.chapters.length} chapters`);
      feed({ type: 'deckReplaced', deck: next });
    },
    observeCluster(snapshot) {
      if (disposed) return;
      const r = observe(lastSnapshot, snapshot, tracker);
      tracker = r.tracker;
      lastSnapshot = snapshot;
      events = appendEvents(events, r.events);
      if (r.events.length) changed();
    },
    recordEvent(event) {
      if (disposed) return;
      tracker = noteEvent(tracker, event);
      events = appendEvents(events, [event]);
      changed();
    },
    reset() {
      if (disposed) return;
      generation++;
      ticks.clear();
      events = [];
      tracker = createTracker();
      notices = [];
      feed({ type: 'reset' });
    },
    standDown: (by) => feed({ type: 'standDown', by }),
    timeline: () => events,
    director: () => dir,
    dispose() {
      disposed = true;
      ticks.clear();
      for (const h of actionTimers) timers.clearTimeout(h);
      actionTimers.clear();
    }
  };
}
