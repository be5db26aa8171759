import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Deck } from '../../../src/main/show/deck';
import { createShow, type ActionExecutor, type ShowContext, type ShowRuntime } from '../../../src/main/show/runtime';
import type { ChapterAction } from '../../../src/shared/actions';
import type { FaultRecord, ShowState } from '../../../src/shared/show';
import { S, T0, act, builtinDeck, chapter, snapshot, storySnapshot } from './helpers';

type Result = { ok: boolean; message: string };

/** An executor whose calls are recorded and answered by the test. */
function scriptedExecutor(answer: (a: ChapterAction) => Promise<Result> | Result = () => ({ ok: true, message: 'ok' })) {
  const calls: { action: ChapterAction; chapterId: string }[] = [];
  const executor: ActionExecutor = {
    run: async (action, chapterId) => {
      calls.push({ action, chapterId });
      return answer(action);
    }
  };
  return { executor, calls, kills: () => calls.filter((c) => c.action.type === 'fault').length };
}

const shows: ShowRuntime[] = [];
function start(deck: Deck, executor: ActionExecutor, extras?: () => ShowContext, onChange?: (s: ShowState) => void): ShowRuntime {
  const show = createShow({ deck, executor, extras, onChange });
  shows.push(show);
  return show;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 - 60 * S });
});
afterEach(() => {
  for (const s of shows.splice(0)) s.dispose();
  vi.useRealTimers();
});

/** From Welcome to Fault Injection, with the workload action answered. */
async function toFault(show: ShowRuntime): Promise<void> {
  show.next();
  show.next();
  await vi.advanceTimersByTimeAsync(0);
  show.next();
}

describe('show runtime', () => {
  it('routine events from hundreds of nodes never push the injected fault out of the bounded timeline', () => {
    const show = createShow({ deck: builtinDeck(), executor: { run: async () => ({ ok: true, message: '' }) }, timers: { setTimeout: () => 0, clearTimeout: () => undefined } });
    show.recordEvent({ at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' });
    // 400 stores each cut off and back once: 800 changes, none of them a flap.
    const names = Array.from({ length: 400 }, (_, i) => `n${i}`);
    const at = (t: number, cut: boolean): ReturnType<typeof snapshot> => snapshot(t, Object.fromEntries(names.map((n) => [n, { partitioned: cut }])));
    show.observeCluster(at(T0 + S, false));
    show.observeCluster(at(T0 + 2 * S, true));
    show.observeCluster(at(T0 + 3 * S, false));
    expect(show.timeline().length).toBeLessThanOrEqual(500);
    expect(show.timeline().filter((e) => e.kind === 'fault-injected').map((e) => e.text)).toEqual(['killed tikv1']);
    show.dispose();
  });

  it('ticks the countdown each second and calls the executor exactly once', async () => {
    let resolveKill: (r: Result) => void = () => undefined;
    const exec = scriptedExecutor((a) =>
      a.type === 'fault' ? new Promise<Result>((r) => (resolveKill = r)) : { ok: true, message: 'workload running' }
    );
    const changes: ShowState[] = [];
    const show = start(builtinDeck(), exec.executor, undefined, (s) => changes.push(s));
    await toFault(show);
    expect(exec.calls.map((c) => c.chapterId)).toEqual(['load-generation']);

    let s = show.state();
    expect(s.chapter.title).toBe('Fault Injection');
    expect(s.beat).toMatchObject({ phase: 'countdown', countdownLeft: 3 });
    expect(s.canAdvance).toBe(false);

    await vi.advanceTimersByTimeAsync(1000);
    expect(show.state().beat.countdownLeft).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(show.state().beat.countdownLeft).toBe(1);
    expect(exec.kills()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exec.kills()).toBe(1);
    expect(exec.calls[1]).toEqual({
      action: { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } },
      chapterId: 'fault-injection'
    });
    s = show.state();
    expect(s.beat.phase).toBe('running');
    expect(s.blockedReason).toBe('waiting for the kill of a random TiKV to finish');

    // The clicker is refused while the kill runs.
    show.next();
    expect(show.state().index).toBe(3);
    // The UI heard every second.
    expect(changes.map((c) => c.beat.countdownLeft).filter((x) => x !== null)).toEqual(expect.arrayContaining([3, 2, 1]));

    resolveKill({ ok: true, message: 'killed tikv1' });
    await vi.advanceTimersByTimeAsync(0);
    s = show.state();
    expect(s.beat).toMatchObject({ phase: 'done', message: 'killed tikv1' });
    expect(s.canAdvance).toBe(true);

    // Back and forth over the fault chapter, and a long wait: never a second kill.
    show.prev();
    show.next();
    show.goTo(0);
    show.goTo(3);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(exec.kills()).toBe(1);
    show.next();
    expect(show.state().chapter.title).toBe('Detection');
  });

  it('an executor that throws counts as failed; the show goes on with a presenter notice', async () => {
    const exec = scriptedExecutor((a) => {
      if (a.type === 'fault') throw new Error('no TiKV container found in project tikvdemo');
      return { ok: true, message: 'ok' };
    });
    const show = start(builtinDeck(), exec.executor);
    await toFault(show);
    await vi.advanceTimersByTimeAsync(3000);
    const s = show.state();
    expect(s.beat).toMatchObject({ phase: 'failed', message: 'no TiKV container found in project tikvdemo' });
    expect(s.canAdvance).toBe(true);
    expect(s.notices).toEqual(['Fault Injection: the kill of a random TiKV failed: no TiKV container found in project tikvdemo']);
    show.next();
    expect(show.state().chapter.title).toBe('Detection');
    expect(exec.kills()).toBe(1);
  });

  it('an executor that never answers times out instead of trapping the show', async () => {
    const exec = scriptedExecutor((a) => (a.type === 'fault' ? new Promise<Result>(() => undefined) : { ok: true, message: 'ok' }));
    const show = createShow({ deck: builtinDeck(), executor: exec.executor, actionTimeoutMs: 10_000 });
    shows.push(show);
    await toFault(show);
    await vi.advanceTimersByTimeAsync(3000 + 9_999);
    expect(show.state().canAdvance).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(show.state().beat).toMatchObject({ phase: 'failed', message: 'no answer after 10 s' });
    expect(show.state().canAdvance).toBe(true);
  });

  it('prev during the countdown cancels it: the executor is not called', async () => {
    const exec = scriptedExecutor();
    const show = start(builtinDeck(), exec.executor);
    await toFault(show);
    await vi.advanceTimersByTimeAsync(1500);
    show.prev();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(exec.kills()).toBe(0);
    show.next();
    await vi.advanceTimersByTimeAsync(3000);
    expect(exec.kills()).toBe(1);
  });

  it('never fires the first chapter\'s action at launch: the presenter\'s first press does, then autoAdvances', async () => {
    const exec = scriptedExecutor();
    const deck: Deck = {
      title: 'T',
      file: 't.md',
      chapters: [chapter('go', { action: act('start-workload'), autoAdvance: 2 }), chapter('b', { autoAdvance: 1 }), chapter('c')]
    };
    const show = start(deck, exec.executor);
    await vi.advanceTimersByTimeAsync(5000);
    expect(exec.calls).toHaveLength(0);
    expect(show.state().beat.phase).toBe('armed');
    expect(show.state().index).toBe(0);
    show.next();
    expect(show.state().index).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(exec.calls).toHaveLength(1);
    expect(show.state().beat.phase).toBe('done');
    await vi.advanceTimersByTimeAsync(2000);
    expect(show.state().index).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(show.state().index).toBe(2);
  });

  it("the diagnosis reasons with PD's max-replicas as the last snapshot carries it", () => {
    const faults: FaultRecord[] = [
      { id: 'f1', spec: { kind: 'kill', target: { type: 'named', name: 'tikv1' } }, node: 'tikv1', injectedAt: T0, restoredAt: null, status: 'open', error: null }
    ];
    const show = start(builtinDeck(), scriptedExecutor().executor, () => ({ mode: 'sim', modeReason: 'test', faults, notices: [] }));
    show.recordEvent({ at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' });
    const out = { container: 'exited', state: 'disconnected', leaders: 0 } as const;
    const stores = { tikv0: {}, tikv1: out, tikv2: out, tikv3: {}, tikv4: {} };
    const data = (): string => show.state().diagnosis.find((f) => f.kind === 'data')?.detail ?? '';
    show.observeCluster(snapshot(T0 + 30 * S, stores, null, { maxReplicas: 5 }));
    expect(data()).toBe('tikv0, tikv3 and tikv4 still hold 3 of the 5 replicas of every region, a Raft majority: each region keeps or elects a leader there.');
    show.observeCluster(snapshot(T0 + 31 * S, stores, null, { maxReplicas: 3 }));
    expect(data()).toBe('Some regions may have lost their Raft majority: those with replicas on both of them. Writes to those regions stall until a store comes back.');
    show.observeCluster(snapshot(T0 + 32 * S, stores, null, { maxReplicas: null }));
    expect(data()).toMatch(/^Some regions may have lost their Raft majority: .* This assumes PD's default of 3 replicas: PD's own setting is not known\.$/);
  });

  it('records the timeline, builds the diagnosis, and uses the app\'s extras', async () => {
    const faults: FaultRecord[] = [];
    const show = start(builtinDeck(), scriptedExecutor().executor, () => ({
      mode: 'live',
      modeReason: 'Docker and PD answered',
      faults,
      notices: ['PD: slow']
    }));
    vi.setSystemTime(T0 - 30 * S);
    for (let t = T0 - 30 * S; t <= T0 + 30 * S; t += S) {
      if (t === T0) {
        faults.push({
          id: 'f1',
          spec: { kind: 'kill', target: { type: 'random-tikv' } },
          node: 'tikv1',
          injectedAt: T0,
          restoredAt: null,
          status: 'open',
          error: null
        });
        show.recordEvent({ at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' });
      }
      show.observeCluster(storySnapshot(t));
    }
    const s = show.state();
    expect(s.mode).toBe('live');
    expect(s.modeReason).toBe('Docker and PD answered');
    expect(s.notices).toEqual(['PD: slow']);
    expect(s.deckTitle).toBe('TiKV: Lose a Node, Keep Your Data');
    expect(s.deckFile).toBe('tikv-resilience.md');
    expect(s.timeline.map((e) => e.kind)).toEqual([
      'fault-injected',
      'container-exited',
      'workload-dip',
      'leaders-moved',
      'workload-recovered',
      'pd-disconnected'
    ]);
    expect(s.diagnosis[0]?.headline).toMatch(/^tikv1 \(picked at random\) was killed/);
    expect(s.diagnosis.find((f) => f.kind === 'data')?.detail).toContain('2 of the 3 replicas');
  });

  it('replaceDeck keeps the position by chapter id', async () => {
    const exec = scriptedExecutor();
    const show = start(builtinDeck(), exec.executor);
    await toFault(show);
    await vi.advanceTimersByTimeAsync(3000);
    const deck = builtinDeck();
    show.replaceDeck({ ...deck, file: 'edited.md', chapters: [chapter('intro'), ...deck.chapters] });
    const s = show.state();
    expect(s.index).toBe(4);
    expect(s.chapter.id).toBe('fault-injection');
    expect(s.deckFile).toBe('edited.md');
    show.prev();
    show.next();
    await vi.advanceTimersByTimeAsync(5000);
    expect(exec.kills()).toBe(1);
  });

  it('dispose clears every timer and ignores late answers', async () => {
    let resolveKill: (r: Result) => void = () => undefined;
    const exec = scriptedExecutor((a) => (a.type === 'fault' ? new Promise<Result>((r) => (resolveKill = r)) : { ok: true, message: 'ok' }));
    const onChange = vi.fn();
    const show = start(builtinDeck(), exec.executor, undefined, onChange);
    await toFault(show);
    await vi.advanceTimersByTimeAsync(3000);
    expect(vi.getTimerCount()).toBeGreaterThan(0); // the action's time-out
    show.dispose();
    expect(vi.getTimerCount()).toBe(0);
    onChange.mockClear();
    resolveKill({ ok: true, message: 'late' });
    await vi.advanceTimersByTimeAsync(0);
    show.next();
    expect(onChange).not.toHaveBeenCalled();
  });
});
