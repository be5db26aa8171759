// Running the show again: the director's `reset` and the runtime's reset().
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { beatOf, createDirector, reduce } from '../../../src/main/show/director';
import { createShow, type ShowRuntime } from '../../../src/main/show/runtime';
import type { ChapterAction } from '../../../src/shared/actions';
import { S, T0, act, builtinDeck, chapter, storySnapshot } from './helpers';

describe('director reset', () => {
  const deck = {
    chapters: [chapter('intro', { action: act('kill:tikv1'), countdown: 3 }), chapter('mid'), chapter('kill', { action: act('kill-random-tikv'), countdown: 3, blocksAdvance: true })]
  };

  it('goes back to the first chapter with every beat re-armed, and fires nothing', () => {
    let s = createDirector(deck, 0).state;
    s = reduce(s, { type: 'next' }, 10).state; // the armed intro beat starts its countdown
    s = reduce(s, { type: 'tick' }, 3_100).state; // ... and fires
    s = reduce(s, { type: 'actionFinished', chapterId: 'intro', ok: true, message: 'killed tikv1' }, 3_200).state;
    s = reduce(s, { type: 'next' }, 4_000).state;
    s = reduce(s, { type: 'next' }, 5_000).state;
    s = reduce(s, { type: 'blackout', on: true }, 5_500).state;
    expect(s.fired).toEqual(['intro']);
    expect(s.index).toBe(2);

    const t = reduce(s, { type: 'reset' }, 9_000);
    expect(t.effects.some((e) => e.type === 'run-action')).toBe(false);
    expect(t.state).toMatchObject({ index: 0, fired: [], blackout: false, startedAt: 9_000, enteredAt: 9_000, autoAdvanceAt: null });
    // As at launch: the first chapter's beat waits for the presenter, the others are untouched.
    expect(beatOf(t.state, 'intro').phase).toBe('armed');
    expect(beatOf(t.state, 'kill').phase).toBe('none');
    // The presenter's press starts it again: a beat fires once per show, and this is a new show.
    const go = reduce(t.state, { type: 'next' }, 9_100);
    expect(beatOf(go.state, 'intro').phase).toBe('countdown');
  });
});

describe('runtime reset', () => {
  const shows: ShowRuntime[] = [];
  beforeEach(() => void vi.useFakeTimers({ now: T0 - 60 * S }));
  afterEach(() => {
    for (const s of shows.splice(0)) s.dispose();
    vi.useRealTimers();
  });

  function start(answer: (a: ChapterAction) => Promise<{ ok: boolean; message: string }>) {
    const calls: ChapterAction[] = [];
    const show = createShow({ deck: builtinDeck(), executor: { run: (a) => (calls.push(a), answer(a)) } });
    shows.push(show);
    return { show, calls };
  }

  it('clears the timeline and diagnosis, re-arms the fault beat, and a late action result moves no beat', async () => {
    let finishKill: (r: { ok: boolean; message: string }) => void = () => undefined;
    const { show, calls } = start((a) => (a.type === 'fault' ? new Promise((ok) => (finishKill = ok)) : Promise.resolve({ ok: true, message: 'ok' })));
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 3; i++) {
      show.next();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(show.state().chapter.id).toBe('fault-injection');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls.filter((c) => c.type === 'fault')).toHaveLength(1);
    show.recordEvent({ at: Date.now(), kind: 'fault-injected', fault: 'kill', node: 'tikv1', text: 'killed tikv1' });
    show.observeCluster(storySnapshot(T0));
    expect(show.state().timeline.length).toBeGreaterThan(0);

    show.reset();
    let s = show.state();
    expect(s.index).toBe(0);
    expect(s.timeline).toEqual([]);
    expect(s.diagnosis).toEqual([]);
    // The kill that was still running answers now: the new show's beat must not take it.
    finishKill({ ok: true, message: 'killed tikv1' });
    await vi.advanceTimersByTimeAsync(10_000);
    s = show.state();
    expect(s.index).toBe(0);
    expect(calls.filter((c) => c.type === 'fault')).toHaveLength(1);

    // Walking the show again arms and fires the fault beat a second time.
    for (let i = 0; i < 3; i++) {
      show.next();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(show.state().beat.phase).toBe('countdown');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls.filter((c) => c.type === 'fault')).toHaveLength(2);
  });
});
