// Step reveals live in the director, so both windows and the presenter's Next preview agree.
import { describe, expect, it } from 'vitest';
import { createDirector, reduce, toShowState, type DirectorEvent, type DirectorState } from '../../../src/main/show/director';
import { act, chapter } from './helpers';

const T0 = 1_000_000;
const deck = { chapters: [chapter('intro'), chapter('list', { steps: 3 }), chapter('after'), chapter('kill', { steps: 2, action: act('kill-random-tikv'), countdown: 3 })] };
const extras = { deckTitle: 'd', deckFile: 'd.md', mode: 'sim' as const, modeReason: '', timeline: [], diagnosis: [], faults: [], notices: [] };

function run(events: DirectorEvent['type'][], start?: DirectorState): DirectorState {
  let s = start ?? createDirector(deck, T0).state;
  for (const type of events) s = reduce(s, { type } as DirectorEvent, T0).state;
  return s;
}
const where = (s: DirectorState): [number, number] => [s.index, s.step];

describe('reveal: list in the director', () => {
  it('next shows one item at a time, the chapter stays until the last is out, then moves on', () => {
    const trail: [number, number][] = [];
    let s = run(['next']);
    trail.push(where(s));
    for (let i = 0; i < 4; i++) {
      s = run(['next'], s);
      trail.push(where(s));
    }
    expect(trail).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
      [2, 0]
    ]);
  });

  it('prev hides them again, then leaves; coming back with prev shows them all', () => {
    const s = run(['next', 'next', 'next']);
    expect(where(s)).toEqual([1, 2]);
    expect(where(run(['prev'], s))).toEqual([1, 1]);
    expect(where(run(['prev', 'prev'], s))).toEqual([1, 0]);
    expect(where(run(['prev', 'prev', 'prev'], s))).toEqual([0, 0]);
    const back = run(['next', 'next', 'next', 'next', 'next', 'prev']);
    expect(where(back)).toEqual([1, 3]);
    expect(where(run(['first', 'goTo'], back))).toEqual([0, 0]);
  });

  it('the state says what the next press shows: the next step, else the next chapter', () => {
    const at = (s: DirectorState): unknown => {
      const v = toShowState(s, extras);
      return [v.step, v.nextStep];
    };
    expect(at(run(['next']))).toEqual([0, { sameChapter: true, step: 1 }]);
    expect(at(run(['next', 'next', 'next', 'next']))).toEqual([3, { sameChapter: false, step: 0 }]);
    expect(at(run(['last', 'next', 'next', 'next']))).toEqual([2, null]); // Last arms the kill; the first Next starts it
  });

  it('a fault chapter reached by Last is armed; Next starts its beat, then reveals while it counts down', () => {
    const armed = run(['last']);
    expect(armed.beats.kill?.phase).toBe('armed');
    const s = run(['next'], armed);
    expect(where(s)).toEqual([3, 0]);
    expect(s.beats.kill?.phase).toBe('countdown');
    const stepped = run(['next'], s);
    expect(where(stepped)).toEqual([3, 1]);
    expect(stepped.beats.kill?.phase).toBe('countdown');
  });

  it('a reload keeps the step on the same chapter, clamped to its new count', () => {
    const s = run(['next', 'next', 'next', 'next']);
    const shorter = { chapters: deck.chapters.map((c) => (c.id === 'list' ? { ...c, steps: 2 } : c)) };
    expect(where(reduce(s, { type: 'deckReplaced', deck: shorter }, T0).state)).toEqual([1, 2]);
  });
});
