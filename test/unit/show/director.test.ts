import { describe, expect, it } from 'vitest';
import {
  actionPhrase,
  createDirector,
  beatOf,
  currentChapter,
  nextWakeAt,
  reduce,
  renamedChapters,
  toShowState,
  type DirectorEffect,
  type DirectorEvent,
  type DirectorState,
  type ShowExtras
} from '../../../src/main/show/director';
import type { Chapter } from '../../../src/shared/show';
import { BUILTIN_TITLES, act, builtinDeck, chapter } from './helpers';

const T = 1_000_000;

/** Applies events in order (each at its own time), collecting every effect. */
function play(start: DirectorState, steps: [DirectorEvent, number][]): { state: DirectorState; effects: DirectorEffect[] } {
  let state = start;
  const effects: DirectorEffect[] = [];
  for (const [e, now] of steps) {
    const t = reduce(state, e, now);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

const runs = (fx: DirectorEffect[]): DirectorEffect[] => fx.filter((e) => e.type === 'run-action');
const next: DirectorEvent = { type: 'next' };
const prev: DirectorEvent = { type: 'prev' };
const tick: DirectorEvent = { type: 'tick' };

const deck = builtinDeck();
const FAULT = 3; // Fault Injection
const RECOVERY = 6;

/** The built-in deck, moved to the fault chapter at time `at` (its countdown just started). */
function atFault(at = T): DirectorState {
  let s = createDirector(deck, T).state;
  for (let i = 0; i < FAULT; i++) s = reduce(s, next, at).state;
  return s;
}

const extras: ShowExtras = {
  deckTitle: 'Deck',
  deckFile: 'deck.md',
  mode: 'sim',
  modeReason: 'no Docker',
  timeline: [],
  diagnosis: [],
  faults: [],
  notices: []
};

describe('director: walking the built-in deck', () => {
  it('walks all 8 chapters in order, running each action once', () => {
    const started = createDirector(deck, T);
    let state = started.state;
    const effects = started.effects;
    expect(effects).toEqual([{ type: 'entered', chapterId: 'welcome', index: 0 }]);
    const seen = [currentChapter(state).title];
    const actions: string[] = [];
    let now = T;
    for (let guard = 0; guard < 100 && state.index < 7; guard++) {
      now += 1000;
      let t = reduce(state, next, now);
      if (t.state.index === state.index) {
        // Refused: the chapter's action is pending or running. Let time pass, then finish it.
        t = reduce(state, tick, now);
        for (const fx of t.effects) if (fx.type === 'run-action') actions.push(fx.chapterId);
        const b = beatOf(t.state, currentChapter(t.state).id);
        if (b.phase === 'running') t = reduce(t.state, { type: 'actionFinished', chapterId: currentChapter(t.state).id, ok: true, message: 'ok' }, now);
        state = t.state;
        continue;
      }
      for (const fx of t.effects) if (fx.type === 'run-action') actions.push(fx.chapterId);
      state = t.state;
      seen.push(currentChapter(state).title);
      // Actions that do not block finish on their own.
      const ch = currentChapter(state);
      if (!ch.blocksAdvance && beatOf(state, ch.id).phase === 'running')
        state = reduce(state, { type: 'actionFinished', chapterId: ch.id, ok: true, message: 'ok' }, now).state;
    }
    expect(seen).toEqual([...BUILTIN_TITLES]);
    expect(actions).toEqual(['load-generation', 'fault-injection', 'recovery']);
    expect(state.fired).toEqual(['load-generation', 'fault-injection', 'recovery']);
  });

  it('runs an action with countdown 0 at once on entering', () => {
    const { effects } = play(createDirector(deck, T).state, [
      [next, T],
      [next, T]
    ]);
    expect(runs(effects)).toEqual([{ type: 'run-action', chapterId: 'load-generation', action: { type: 'start-workload' } }]);
  });
});

describe('director: the fault countdown', () => {
  it('counts 3, 2, 1 on whole seconds, then emits exactly one run-action', () => {
    let s = atFault(T);
    const ch = currentChapter(s);
    expect(ch.id).toBe('fault-injection');
    expect(beatOf(s, ch.id)).toEqual({ phase: 'countdown', countdownEndsAt: T + 3000, countdownLeft: 3, message: null });
    expect(nextWakeAt(s)).toBe(T + 1000);

    const lefts: (number | null)[] = [];
    const all: DirectorEffect[] = [];
    for (const at of [T + 1000, T + 2000]) {
      const t = reduce(s, tick, at);
      s = t.state;
      all.push(...t.effects);
      lefts.push(beatOf(s, ch.id).countdownLeft);
    }
    expect(lefts).toEqual([2, 1]);
    expect(runs(all)).toEqual([]);
    expect(all).toContainEqual({ type: 'schedule-tick', at: T + 3000 });

    const fire = reduce(s, tick, T + 3000);
    expect(runs(fire.effects)).toEqual([
      { type: 'run-action', chapterId: 'fault-injection', action: { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } } }
    ]);
    expect(beatOf(fire.state, ch.id).phase).toBe('running');
    expect(fire.state.fired).toContain('fault-injection');

    // Later ticks (stale timers) never fire it again.
    const again = play(fire.state, [
      [tick, T + 3000],
      [tick, T + 4000],
      [tick, T + 60_000]
    ]);
    expect(runs(again.effects)).toEqual([]);
  });

  it('a late or early tick still counts whole seconds left', () => {
    const s = atFault(T);
    expect(beatOf(reduce(s, tick, T + 1200).state, 'fault-injection').countdownLeft).toBe(2);
    const early = reduce(s, tick, T + 990);
    expect(beatOf(early.state, 'fault-injection').countdownLeft).toBe(3);
    // An early tick re-asks for the same boundary, so the countdown never stalls.
    expect(early.effects).toContainEqual({ type: 'schedule-tick', at: T + 1000 });
  });

  it('entering the fault chapter twice never emits a second run-action (prev/next, goTo, first/last)', () => {
    const fired = reduce(atFault(T), tick, T + 3000).state;
    const steps: [DirectorEvent, number][] = [
      [prev, T + 4000],
      [next, T + 4100],
      [{ type: 'goTo', index: 0 }, T + 5000],
      [{ type: 'goTo', index: FAULT }, T + 5100],
      [{ type: 'actionFinished', chapterId: 'fault-injection', ok: true, message: 'killed tikv1' }, T + 6000],
      [prev, T + 7000],
      [prev, T + 7100],
      [next, T + 7200],
      [next, T + 7300],
      [{ type: 'first' }, T + 8000],
      [{ type: 'goTo', index: FAULT }, T + 9000],
      [tick, T + 20_000]
    ];
    const r = play(fired, steps);
    expect(runs(r.effects)).toEqual([]);
    expect(r.state.index).toBe(FAULT);
    expect(beatOf(r.state, 'fault-injection')).toMatchObject({ phase: 'done', message: 'killed tikv1' });
    expect(r.state.fired.filter((id) => id === 'fault-injection')).toHaveLength(1);
  });

  it('prev during the countdown cancels it: not fired, not marked fired; re-entering counts down afresh', () => {
    const s = reduce(atFault(T), tick, T + 1000).state;
    const back = reduce(s, prev, T + 1500);
    expect(back.state.index).toBe(FAULT - 1);
    expect(beatOf(back.state, 'fault-injection').phase).toBe('none');
    expect(back.state.fired).not.toContain('fault-injection');
    // The old countdown's timer still fires: nothing happens.
    const stale = play(back.state, [
      [tick, T + 2000],
      [tick, T + 3000]
    ]);
    expect(runs(stale.effects)).toEqual([]);

    const again = reduce(stale.state, next, T + 10_000);
    expect(beatOf(again.state, 'fault-injection')).toMatchObject({ phase: 'countdown', countdownEndsAt: T + 13_000, countdownLeft: 3 });
    const fire = play(again.state, [
      [tick, T + 11_000],
      [tick, T + 12_000],
      [tick, T + 13_000]
    ]);
    expect(runs(fire.effects)).toHaveLength(1);
  });
});

describe('director: blocksAdvance', () => {
  it('refuses next, last and goTo forward while the countdown is pending, in plain words', () => {
    const s = atFault(T);
    for (const e of [next, { type: 'last' } as DirectorEvent, { type: 'goTo', index: 6 } as DirectorEvent]) {
      const t = reduce(s, e, T + 500);
      expect(t.state.index).toBe(FAULT);
      const refused = t.effects.find((x) => x.type === 'refused');
      expect(refused).toEqual({ type: 'refused', reason: 'the kill of a random TiKV is counting down (3 s): wait for it to finish' });
    }
    // A refused move leaves the countdown alone.
    expect(beatOf(reduce(s, next, T + 500).state, 'fault-injection').phase).toBe('countdown');
  });

  it('refuses while running, with the reason in the ShowState', () => {
    const running = reduce(atFault(T), tick, T + 3000).state;
    const t = reduce(running, next, T + 3500);
    expect(t.state.index).toBe(FAULT);
    expect(t.effects).toContainEqual({ type: 'refused', reason: 'waiting for the kill of a random TiKV to finish' });
    const view = toShowState(running, extras);
    expect(view.canAdvance).toBe(false);
    expect(view.blockedReason).toBe('waiting for the kill of a random TiKV to finish');
    // prev is always allowed.
    expect(reduce(running, prev, T + 3500).state.index).toBe(FAULT - 1);
  });

  it('refuses goTo forward past a blocking chapter that is still running, even from an earlier chapter', () => {
    const running = reduce(atFault(T), tick, T + 3000).state;
    const back = reduce(running, prev, T + 3100).state;
    const t = reduce(back, { type: 'goTo', index: 7 }, T + 3200);
    expect(t.state.index).toBe(FAULT - 1);
    expect(t.effects.some((e) => e.type === 'refused')).toBe(true);
    // Entering the blocking chapter itself is fine.
    expect(reduce(back, { type: 'goTo', index: FAULT }, T + 3200).state.index).toBe(FAULT);
  });

  it('allows next after done', () => {
    const running = reduce(atFault(T), tick, T + 3000).state;
    const done = reduce(running, { type: 'actionFinished', chapterId: 'fault-injection', ok: true, message: 'killed tikv1' }, T + 3200);
    expect(toShowState(done.state, extras)).toMatchObject({ canAdvance: true, blockedReason: null });
    expect(reduce(done.state, next, T + 4000).state.index).toBe(FAULT + 1);
  });

  it('allows next after a failure, and reports it as a presenter notice', () => {
    const running = reduce(atFault(T), tick, T + 3000).state;
    const failed = reduce(
      running,
      { type: 'actionFinished', chapterId: 'fault-injection', ok: false, message: 'no TiKV container found' },
      T + 3200
    );
    expect(beatOf(failed.state, 'fault-injection')).toMatchObject({ phase: 'failed', message: 'no TiKV container found' });
    expect(failed.effects).toContainEqual({
      type: 'notice',
      text: 'Fault Injection: the kill of a random TiKV failed: no TiKV container found'
    });
    expect(toShowState(failed.state, extras).canAdvance).toBe(true);
    expect(reduce(failed.state, next, T + 4000).state.index).toBe(FAULT + 1);
    // And a failed action is not retried on re-entry.
    const r = play(failed.state, [
      [next, T + 4000],
      [prev, T + 5000]
    ]);
    expect(runs(r.effects)).toEqual([]);
  });

  it('the recovery chapter blocks too, and an action finishing after the presenter left updates its beat', () => {
    let s = atFault(T);
    s = play(s, [
      [tick, T + 3000],
      [{ type: 'actionFinished', chapterId: 'fault-injection', ok: true, message: 'killed tikv1' }, T + 3100],
      [{ type: 'goTo', index: RECOVERY }, T + 4000]
    ]).state;
    expect(beatOf(s, 'recovery').phase).toBe('running');
    expect(reduce(s, next, T + 4100).state.index).toBe(RECOVERY);
    const left = reduce(s, prev, T + 4200).state;
    const after = reduce(left, { type: 'actionFinished', chapterId: 'recovery', ok: true, message: 'restarted tikv1' }, T + 9000).state;
    expect(beatOf(after, 'recovery').phase).toBe('done');
    expect(after.index).toBe(RECOVERY - 1);
  });
});

describe('director: autoAdvance, clamping, blackout', () => {
  const auto: Chapter[] = [
    chapter('intro', { autoAdvance: 5 }),
    chapter('act', { action: act('start-workload'), autoAdvance: 2 }),
    chapter('kill', { action: act('kill:tikv1'), autoAdvance: 2 }),
    chapter('end')
  ];

  it('moves on N s after entering a chapter without an action', () => {
    const { state, effects } = createDirector({ chapters: auto }, T);
    expect(state.autoAdvanceAt).toBe(T + 5000);
    expect(effects).toContainEqual({ type: 'schedule-tick', at: T + 5000 });
    expect(reduce(state, tick, T + 4999).state.index).toBe(0);
    const moved = reduce(state, tick, T + 5000);
    expect(moved.state.index).toBe(1);
    expect(runs(moved.effects)).toHaveLength(1);
  });

  it('moves on N s after the action finished well, not after a failure', () => {
    const s = reduce(createDirector({ chapters: auto }, T).state, next, T).state;
    expect(s.autoAdvanceAt).toBeNull();
    const ok = reduce(s, { type: 'actionFinished', chapterId: 'act', ok: true, message: 'workload running' }, T + 1000);
    expect(ok.state.autoAdvanceAt).toBe(T + 3000);
    expect(ok.effects).toContainEqual({ type: 'schedule-tick', at: T + 3000 });
    const moved = reduce(ok.state, tick, T + 3000).state;
    expect(moved.index).toBe(2);
    expect(beatOf(moved, 'kill').phase).toBe('armed'); // a fault waits for the presenter
    const started = reduce(moved, next, T + 3500);
    expect(runs(started.effects)).toHaveLength(1);

    const failed = reduce(started.state, { type: 'actionFinished', chapterId: 'kill', ok: false, message: 'boom' }, T + 4000).state;
    expect(failed.autoAdvanceAt).toBeNull();
    expect(reduce(failed, tick, T + 60_000).state.index).toBe(2);
  });

  it('a fault chapter reached by autoAdvance is armed, not started: no fault fires at launch', () => {
    const chain: Chapter[] = [chapter('welcome', { autoAdvance: 10 }), chapter('kill', { action: act('kill-random-tikv'), countdown: 3 }), chapter('end')];
    const launched = createDirector({ chapters: chain }, T).state;
    const r = play(launched, [
      [tick, T + 10_000],
      [tick, T + 13_000],
      [tick, T + 60_000]
    ]);
    expect(r.state.index).toBe(1);
    expect(runs(r.effects)).toEqual([]);
    expect(beatOf(r.state, 'kill')).toMatchObject({ phase: 'armed', message: 'the kill of a random TiKV is armed: press Next to start it' });
    // The presenter's press is the go.
    const go = play(r.state, [
      [next, T + 61_000],
      [tick, T + 64_000]
    ]);
    expect(runs(go.effects)).toEqual([{ type: 'run-action', chapterId: 'kill', action: act('kill-random-tikv') }]);
  });

  it('standing down stops a countdown (armed again, with a notice) and drops an autoAdvance', () => {
    const counting = atFault(T);
    expect(beatOf(counting, 'fault-injection').phase).toBe('countdown');
    const r = play(counting, [
      [{ type: 'standDown', by: 'Panic' }, T + 1000],
      [tick, T + 3000],
      [tick, T + 9000]
    ]);
    expect(runs(r.effects)).toEqual([]);
    expect(beatOf(r.state, 'fault-injection').phase).toBe('armed');
    expect(r.effects).toContainEqual({
      type: 'notice',
      text: 'Fault Injection: Panic stopped the countdown; the kill of a random TiKV did not fire. Press Next to start it again.'
    });
    const auto = createDirector({ chapters: [chapter('intro', { autoAdvance: 5 }), chapter('two')] }, T).state;
    const down = reduce(auto, { type: 'standDown', by: 'Restore all' }, T + 1000);
    expect(down.state.autoAdvanceAt).toBeNull();
    expect(down.effects.filter((e) => e.type === 'notice')).toEqual([]); // nothing was counting down
    expect(reduce(down.state, tick, T + 6000).state.index).toBe(0);
  });

  it('an action still running when the show stands down sets no autoAdvance when it ends', () => {
    const chapters = [chapter('intro'), chapter('load', { action: act('start-workload'), autoAdvance: 2 }), chapter('kill', { action: act('kill:tikv1') })];
    const s = play(createDirector({ chapters }, T).state, [
      [next, T], // the workload start is running
      [{ type: 'standDown', by: 'Panic' }, T + 200],
      [{ type: 'actionFinished', chapterId: 'load', ok: true, message: 'workload running' }, T + 300]
    ]).state;
    expect(s.index).toBe(1);
    expect(beatOf(s, 'load').phase).toBe('done');
    expect(s.autoAdvanceAt).toBeNull();
    expect(reduce(s, tick, T + 60_000).state.index).toBe(1);
    // Only that run is quiet: a later one behaves as usual.
    expect(s.stoodDown).toEqual([]);
  });

  it('a presenter move cancels a pending autoAdvance', () => {
    const s = createDirector({ chapters: auto }, T).state;
    const moved = play(s, [
      [next, T + 1000],
      [prev, T + 1500],
      [tick, T + 5000]
    ]);
    // Back on intro at T+1500: its own autoAdvance is re-armed from there.
    expect(moved.state.index).toBe(0);
    expect(moved.state.autoAdvanceAt).toBe(T + 6500);
  });

  it('clamps at both ends', () => {
    const s = createDirector(deck, T).state;
    expect(reduce(s, prev, T).state).toBe(s);
    expect(reduce(s, { type: 'goTo', index: -5 }, T).state.index).toBe(0);
    const done = play(s, [
      [{ type: 'goTo', index: 99 }, T],
      [next, T]
    ]).state;
    expect(done.index).toBe(7);
    expect(toShowState(done, extras)).toMatchObject({ index: 7, total: 8, next: null });
  });

  it('blackout toggles or sets, and never moves', () => {
    const s = createDirector(deck, T).state;
    const on = reduce(s, { type: 'blackout' }, T).state;
    expect(on.blackout).toBe(true);
    expect(reduce(on, { type: 'blackout' }, T).state.blackout).toBe(false);
    expect(reduce(on, { type: 'blackout', on: true }, T).state.blackout).toBe(true);
    expect(on.index).toBe(0);
  });
});

describe('director: deck replacement', () => {
  it('keeps the position by chapter id, and the fired set', () => {
    const fired = play(atFault(T), [
      [tick, T + 3000],
      [{ type: 'actionFinished', chapterId: 'fault-injection', ok: true, message: 'killed tikv1' }, T + 3100]
    ]).state;
    const edited = [chapter('new-intro'), ...deck.chapters.map((c) => (c.id === 'fault-injection' ? { ...c, notes: 'edited' } : c))];
    const r = reduce(fired, { type: 'deckReplaced', deck: { chapters: edited } }, T + 5000);
    expect(r.state.index).toBe(FAULT + 1);
    expect(currentChapter(r.state)).toMatchObject({ id: 'fault-injection', notes: 'edited' });
    expect(beatOf(r.state, 'fault-injection').phase).toBe('done');
    expect(runs(r.effects)).toEqual([]);
    // Re-entering after the reload does not re-inject.
    const again = play(r.state, [
      [prev, T + 6000],
      [next, T + 6100]
    ]);
    expect(runs(again.effects)).toEqual([]);
  });

  it('a fired chapter whose id changed (its title was edited) is still fired: going back does not re-inject', () => {
    const fired = play(atFault(T), [
      [tick, T + 3000],
      [{ type: 'actionFinished', chapterId: 'fault-injection', ok: true, message: 'killed tikv1' }, T + 3100],
      [next, T + 4000]
    ]).state;
    const retitled = deck.chapters.map((c) => (c.id === 'fault-injection' ? { ...c, id: 'fault-injektion', title: 'Fault Injektion' } : c));
    const r = reduce(fired, { type: 'deckReplaced', deck: { chapters: retitled } }, T + 5000);
    expect(r.state.fired).toContain('fault-injektion');
    expect(beatOf(r.state, 'fault-injektion').phase).toBe('done');
    const back = play(r.state, [
      [prev, T + 6000],
      [tick, T + 10_000],
      [{ type: 'goTo', index: FAULT }, T + 11_000],
      [tick, T + 15_000]
    ]);
    expect(back.state.index).toBe(FAULT);
    expect(runs(back.effects)).toEqual([]);
  });

  it('an action still running when its chapter is renamed ends on the renamed chapter: nothing stays blocked', () => {
    const chapters = [chapter('intro'), chapter('stop', { action: act('stop:tikv1'), blocksAdvance: true }), chapter('end')];
    const running = play(createDirector({ chapters }, T).state, [
      [next, T],
      [next, T + 100]
    ]);
    expect(runs(running.effects)).toHaveLength(1);
    const renamed = chapters.map((c) => (c.id === 'stop' ? { ...c, id: 'stop-gracefully', title: 'Stop gracefully' } : c));
    const reloaded = reduce(running.state, { type: 'deckReplaced', deck: { chapters: renamed } }, T + 1000).state;
    expect(beatOf(reloaded, 'stop-gracefully').phase).toBe('running');
    expect(reduce(reloaded, next, T + 2000).state.index).toBe(1); // still blocked while it runs
    // The runtime reports the end under the id it started with.
    const done = reduce(reloaded, { type: 'actionFinished', chapterId: 'stop', ok: true, message: 'stopped tikv1' }, T + 20_000).state;
    expect(beatOf(done, 'stop-gracefully').phase).toBe('done');
    expect(reduce(done, next, T + 21_000).state.index).toBe(2);
  });

  it('maps a renamed fired chapter by place and action, else by a unique action, never by guess', () => {
    const kill = act('kill:tikv1');
    const before = [chapter('a'), chapter('k1', { action: kill }), chapter('b')];
    // Same place, same action.
    expect(renamedChapters(before, [chapter('a'), chapter('k1-new', { action: kill }), chapter('b')], ['k1'])).toEqual(new Map([['k1', 'k1-new']]));
    // Moved (a chapter inserted before it), and the only one with that action.
    expect(renamedChapters(before, [chapter('new'), chapter('a'), chapter('b'), chapter('k1-new', { action: kill })], ['k1'])).toEqual(
      new Map([['k1', 'k1-new']])
    );
    // Deleted: a fault chapter that was already in the deck is never taken for it.
    const deleted = [chapter('a'), chapter('explain'), chapter('k2', { action: kill })];
    expect(renamedChapters([...before, chapter('k2', { action: kill })], deleted, ['k1'])).toEqual(new Map());
    // Two candidates elsewhere: no mapping rather than a guess.
    const two = [chapter('x'), chapter('y'), chapter('k2', { action: kill }), chapter('k3', { action: kill })];
    expect(renamedChapters(before, two, ['k1'])).toEqual(new Map());
    // Another action at the same place is not the same chapter.
    expect(renamedChapters(before, [chapter('a'), chapter('p', { action: act('pause:tikv1') })], ['k1'])).toEqual(new Map());
    // Ids that survive are left alone.
    expect(renamedChapters(before, before, ['k1'])).toEqual(new Map());
  });

  it('clamps when the current chapter is gone, and never fires an action by itself', () => {
    const s = play(createDirector(deck, T).state, [[{ type: 'goTo', index: 7 }, T]]).state;
    const short = deck.chapters.slice(0, 4); // ends on the fault chapter
    const r = reduce(s, { type: 'deckReplaced', deck: { chapters: short } }, T + 1000);
    expect(r.state.index).toBe(3);
    expect(currentChapter(r.state).id).toBe('fault-injection');
    expect(runs(r.effects)).toEqual([]);
    // The chapter on screen waits, armed, for the presenter: the next press starts its countdown.
    expect(beatOf(r.state, 'fault-injection').phase).toBe('armed');
    const go = reduce(r.state, { type: 'next' }, T + 2000);
    expect(go.state.index).toBe(3);
    expect(beatOf(go.state, 'fault-injection').phase).toBe('countdown');
    expect(runs(reduce(go.state, tick, T + 2000 + 3000).effects)).toHaveLength(1);
  });

  it('arms a beat on the first chapter at launch and never fires it without the presenter', () => {
    const killFirst = [{ ...deck.chapters[3]!, id: 'first-kill' }, ...deck.chapters];
    const t0 = createDirector({ chapters: killFirst }, T);
    expect(runs(t0.effects)).toEqual([]);
    expect(beatOf(t0.state, 'first-kill').phase).toBe('armed');
    expect(runs(reduce(t0.state, tick, T + 60_000).effects)).toEqual([]);
    // Moving away disarms it; jumping back arms it again (only Next starts a fault).
    const away = reduce(t0.state, { type: 'goTo', index: 2 }, T + 1000).state;
    expect(beatOf(away, 'first-kill').phase).toBe('none');
    const back = reduce(away, { type: 'first' }, T + 2000);
    expect(beatOf(back.state, 'first-kill').phase).toBe('armed');
    expect(runs(back.effects)).toEqual([]);
    expect(beatOf(reduce(back.state, next, T + 3000).state, 'first-kill').phase).toBe('countdown');
  });

  it('a jump, Last or Back onto an unfired fault chapter arms it; only Next starts it (a stray click kills nothing)', () => {
    const zero = deck.chapters.map((c) => (c.id === 'fault-injection' ? { ...c, countdown: 0 } : c));
    const start = createDirector({ chapters: zero }, T).state;
    for (const moves of [[{ type: 'goTo', index: FAULT }], [{ type: 'goTo', index: FAULT + 1 }, prev]] as DirectorEvent[][]) {
      const r = play(start, moves.map((e, i) => [e, T + i * 100] as [DirectorEvent, number]));
      expect(r.state.index).toBe(FAULT);
      expect(runs(r.effects)).toEqual([]);
      expect(beatOf(r.state, 'fault-injection').phase).toBe('armed');
      // The presenter's Next preview: this slide, as it is (Next starts the beat, it does not move on).
      expect(toShowState(r.state, extras).nextStep).toEqual({ sameChapter: true, step: 0 });
      expect(runs(reduce(r.state, next, T + 1000).effects)).toHaveLength(1); // countdown 0: Next fires it at once
    }
    // A non-fault action still starts on a jump (the workload, a restore).
    const load = reduce(start, { type: 'goTo', index: 2 }, T);
    expect(runs(load.effects)).toEqual([{ type: 'run-action', chapterId: 'load-generation', action: act('start-workload') }]);
  });

  it('drops a countdown whose chapter lost its action, and ignores an empty deck', () => {
    const s = atFault(T);
    const noAction = deck.chapters.map((c) => (c.id === 'fault-injection' ? { ...c, action: null, blocksAdvance: false, countdown: 0 } : c));
    const r = reduce(s, { type: 'deckReplaced', deck: { chapters: noAction } }, T + 500);
    expect(beatOf(r.state, 'fault-injection').phase).toBe('none');
    expect(runs(reduce(r.state, tick, T + 3000).effects)).toEqual([]);

    const empty = reduce(s, { type: 'deckReplaced', deck: { chapters: [] } }, T + 500);
    expect(empty.state).toBe(s);
    expect(empty.effects.some((e) => e.type === 'notice')).toBe(true);
  });
});

describe('director: toShowState', () => {
  it('builds the contract view', () => {
    const s = atFault(T);
    const v = toShowState(s, { ...extras, notices: ['PD: timeout'] });
    expect(v).toMatchObject({
      deckTitle: 'Deck',
      deckFile: 'deck.md',
      index: 3,
      total: 8,
      blackout: false,
      mode: 'sim',
      modeReason: 'no Docker',
      notices: ['PD: timeout'],
      startedAt: T,
      canAdvance: false
    });
    expect(v.chapter.title).toBe('Fault Injection');
    expect(v.next?.title).toBe('Detection');
    expect(v.beat).toMatchObject({ phase: 'countdown', countdownLeft: 3 });
    expect(v.chapters).toHaveLength(8);
    expect(v.chapters[3]).toEqual({ id: 'fault-injection', title: 'Fault Injection', action: act('kill-random-tikv'), duration: 30 });
    // Plain data: it survives JSON (it crosses IPC and the WebSocket).
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it("names a chapter's action in plain words from the parsed action", () => {
    expect(actionPhrase(act('kill-random-tikv'))).toBe('the kill of a random TiKV');
    expect(actionPhrase(act('partition:tikv2'))).toBe('the network cut of tikv2');
    expect(actionPhrase(act('restore-all'))).toBe('the restore of every fault');
    expect(actionPhrase(null)).toBe('the action');
  });
});
