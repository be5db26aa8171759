// The stage's parts, each with fakes: the journal, the action runner, the cluster feed, the
// presenter session and the handlers.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TimelineEvent } from '../../../src/shared/show';
import { createActionRunner } from '../../../src/main/stage/actions';
import { ledgerFile } from '../../../src/main/stage/boot';
import { createClusterFeed } from '../../../src/main/stage/cluster-feed';
import { createHandlers, preflightUnavailable } from '../../../src/main/stage/handlers';
import { createJournal, LOG_LIMIT, NOTICE_LIMIT } from '../../../src/main/stage/journal';
import { createPresenterSession, deckTargetMs, type ShowPort } from '../../../src/main/stage/presenter';
import { deckPart } from '../../../src/shared/show-parts';
import { createShow } from '../../../src/main/show/runtime';
import { builtinDeck, BUILTIN_DECK } from '../show/helpers';
import { fakeDriver, fakeFaults, fakePoller, fakeWorkload } from './fakes';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'stage-parts-'));

describe('journal', () => {
  it('keeps the log and the notices bounded, newest last', () => {
    const seen: number[] = [];
    const j = createJournal({ onLog: (e) => seen.push(e.length), now: () => 5 });
    for (let i = 0; i < LOG_LIMIT + 10; i++) j.log(`a${i}`, 'ok');
    for (let i = 0; i < NOTICE_LIMIT + 3; i++) j.notice(`n${i}`);
    expect(j.entries()).toHaveLength(LOG_LIMIT);
    expect(j.entries().at(-1)).toMatchObject({ what: `a${LOG_LIMIT + 9}`, seq: LOG_LIMIT + 10, at: 5 });
    expect(j.notices()).toHaveLength(NOTICE_LIMIT);
    expect(j.notices()[0]).toBe('n3');
    expect(seen.at(-1)).toBe(LOG_LIMIT);
    // A repeated notice moves to the end; it does not push the others out.
    for (let i = 0; i < NOTICE_LIMIT; i++) j.notice('bring back tikv1 failed: engine gone');
    expect(j.notices()).toHaveLength(NOTICE_LIMIT);
    expect(j.notices().filter((n) => n.startsWith('bring back'))).toHaveLength(1);
    expect(j.notices().at(-1)).toBe('bring back tikv1 failed: engine gone');
    expect(j.notices()[0]).toBe('n4');
  });
});

describe('action runner', () => {
  const setup = (faults = fakeFaults(), workload = fakeWorkload()) => {
    const journal = createJournal({ onLog: () => undefined });
    const events: TimelineEvent[] = [];
    const runner = createActionRunner({ faults, workload, containerNote: null, journal, record: (e) => events.push(e), now: () => 7 });
    return { runner, journal, events, faults, workload };
  };

  it('a fault goes to the timeline and the log, in past tense', async () => {
    const s = setup();
    const r = await s.runner.run({ type: 'fault', fault: { kind: 'kill', target: { type: 'named', name: 'tikv2' } } });
    expect(r).toEqual({ ok: true, message: 'killed tikv2' });
    expect(s.events).toEqual([{ at: 1000, kind: 'fault-injected', fault: 'kill', node: 'tikv2', text: 'killed tikv2' }]);
    expect(s.journal.entries().at(-1)).toMatchObject({ outcome: 'ok', detail: 'killed tikv2' });
  });

  it('a refused fault is a failure with its reason, a notice unless the caller reports it', async () => {
    const s = setup(fakeFaults({ injectError: 'refused: quorum' }));
    const spec = { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } } as const;
    expect(await s.runner.run(spec, { notify: false })).toEqual({ ok: false, message: 'refused: quorum' });
    expect(s.journal.notices()).toEqual([]);
    await s.runner.run(spec);
    expect(s.journal.notices()).toEqual(['refused: quorum']);
    expect(s.events).toEqual([]);
  });

  it('without a chaos driver a fault says why it cannot run', async () => {
    const journal = createJournal({ onLog: () => undefined });
    const runner = createActionRunner({ faults: null, workload: null, containerNote: 'no Docker engine', journal, record: () => undefined });
    const r = await runner.run({ type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/no Docker engine/);
  });

  it('restore all reports each restored node and fails when some could not be undone', async () => {
    const faults = fakeFaults({ restoreFailures: ['could not start tikv0'] });
    const s = setup(faults);
    await s.runner.run({ type: 'fault', fault: { kind: 'kill', target: { type: 'named', name: 'tikv1' } } });
    const r = await s.runner.run({ type: 'restore-all' });
    expect(r.ok).toBe(false);
    expect(s.events.at(-1)).toMatchObject({ kind: 'restored', node: 'tikv1', at: 7 });
    expect(s.journal.notices()).toEqual(['could not start tikv0']);
    expect(s.journal.entries().at(-1)).toMatchObject({ what: 'restore all', outcome: 'failed' });
  });

  it('starts and stops the workload, and reports a workload that cannot start', async () => {
    const s = setup();
    expect(await s.runner.run({ type: 'start-workload' })).toEqual({ ok: true, message: 'workload running' });
    expect(s.workload.calls).toEqual(['start']);
    const bad = setup(fakeFaults(), fakeWorkload({ startError: 'image pingcap/go-ycsb is missing' }));
    expect(await bad.runner.run({ type: 'start-workload' })).toEqual({ ok: false, message: 'image pingcap/go-ycsb is missing' });
    expect(bad.journal.notices()).toEqual(['image pingcap/go-ycsb is missing']);
  });
});

describe('cluster feed', () => {
  it('merges PD, containers and workload, coalescing bursts into one snapshot', async () => {
    vi.useFakeTimers();
    try {
      const poller = fakePoller();
      const driver = fakeDriver([{ name: 'tikv0', kind: 'tikv', state: 'running', partitioned: false }]);
      const notices: string[] = [];
      const feed = createClusterFeed({
        cluster: { mode: 'sim', pdUrl: 'http://pd.test', pdFallbacks: [], driver, containerNote: null, workload: fakeWorkload(), timeScale: 5 },
        notice: (t) => notices.push(t),
        poller: poller.make
      });
      const published: number[] = [];
      feed.onSnapshot((s) => published.push(s.takenAt));
      await feed.start();
      expect(poller.started).toBe(true);
      expect(driver.watchers).toBe(1);
      poller.push({ leader: 'pd1', takenAt: 1 });
      driver.emit({ name: 'tikv0', kind: 'tikv', state: 'exited', partitioned: false });
      await vi.advanceTimersByTimeAsync(60);
      expect(published).toHaveLength(1);
      expect(feed.pdLeader()).toBe('pd1');
      expect(feed.current().timeScale).toBe(5);
      await vi.advanceTimersByTimeAsync(1000);
      expect(feed.current().workload?.history.length).toBe(1);
      await feed.close();
      expect(poller.stopped).toBe(true);
      expect(driver.watchers).toBe(0);
      expect(notices).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('samples the workload on a monotonic clock: a wall clock set back does not pause the samples', async () => {
    // Fake timers fake performance.now too, and setSystemTime steps Date alone, as NTP would.
    vi.useFakeTimers();
    try {
      const poller = fakePoller();
      const workload = fakeWorkload();
      const feed = createClusterFeed({
        cluster: { mode: 'sim', pdUrl: 'http://pd.test', pdFallbacks: [], driver: null, containerNote: null, workload, timeScale: 1 },
        notice: () => undefined,
        poller: poller.make
      });
      await feed.start();
      const lastOps = (): number | undefined => feed.current().workload?.history.at(-1)?.ops;
      poller.push({ leader: 'pd1' });
      await vi.advanceTimersByTimeAsync(60);
      expect(lastOps()).toBe(100);
      await vi.advanceTimersByTimeAsync(940);
      // The laptop's clock is set back an hour just as the fault bites.
      const before = Date.now();
      vi.setSystemTime(before - 3_600_000);
      workload.ops = 40;
      poller.push({ leader: 'pd1' });
      await vi.advanceTimersByTimeAsync(60);
      expect(lastOps()).toBe(40);
      // With PD's polls gone, the sampler's own timer still steps in.
      workload.ops = 20;
      await vi.advanceTimersByTimeAsync(2000);
      expect(lastOps()).toBe(20);
      // What people read keeps wall-clock time.
      expect(feed.current().takenAt).toBeLessThan(before - 3_500_000);
      await feed.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a driver that cannot list is a notice, not a crash', async () => {
    const poller = fakePoller();
    const driver = { ...fakeDriver([]), list: async () => Promise.reject(new Error('engine gone')) };
    const notices: string[] = [];
    const feed = createClusterFeed({
      cluster: { mode: 'live', pdUrl: 'http://pd.test', pdFallbacks: [], driver, containerNote: null, workload: null, timeScale: 1 },
      notice: (t) => notices.push(t),
      poller: poller.make
    });
    await feed.start();
    await feed.close();
    expect(notices).toEqual(["could not list the cluster's containers: engine gone"]);
  });
});

type TestPort = ShowPort & { published: number; index_: number };
function showPort(over: Partial<ShowPort> = {}): TestPort {
  const p: TestPort = {
    published: 0,
    index_: 0,
    index: () => p.index_,
    chapterId: (i: number) => `c${i}`,
    timeline: () => [],
    replaceDeck: () => undefined,
    publish: () => void p.published++,
    ...over
  };
  return p;
}

describe('presenter session', () => {
  it('starts the talk timer on the first move from the opening chapter, once', () => {
    let now = 1000;
    const show = showPort();
    const s = createPresenterSession({ dataDir: tmp(), deck: builtinDeck(), journal: createJournal({ onLog: () => undefined }), show, now: () => now });
    expect(s.extras().timer.running).toBe(false);
    expect(s.extras().timer.targetMs).toBe(deckTargetMs(builtinDeck()));
    now = 2000;
    s.observe(1);
    expect(s.extras().timer).toMatchObject({ running: true, since: 2000 });
    now = 3000;
    s.timer('pause');
    s.observe(0);
    s.observe(1);
    expect(s.extras().timer.running).toBe(false);
  });

  it('keeps key bindings in the data folder', () => {
    const dir = tmp();
    const mk = () => createPresenterSession({ dataDir: dir, deck: builtinDeck(), journal: createJournal({ onLog: () => undefined }), show: showPort() });
    mk().bindKey('F9', 'next');
    expect(JSON.parse(readFileSync(join(dir, 'keymap.json'), 'utf8'))).toEqual({ F9: 'next' });
    expect(mk().extras().keymap).toEqual({ F9: 'next' });
  });

  it('records a rehearsal and shows its cues next time', () => {
    const dir = tmp();
    let now = 0;
    const show = showPort();
    const journal = createJournal({ onLog: () => undefined });
    const s = createPresenterSession({ dataDir: dir, deck: builtinDeck(), journal, show, now: () => now });
    s.rehearsal(true);
    now = 30_000;
    show.index_ = 1;
    s.observe(1);
    now = 50_000;
    s.rehearsal(false);
    expect(s.extras().rehearsal.recording).toBe(false);
    expect(s.extras().rehearsal.cues['c0']?.durationMs).toBe(30_000);
    const again = createPresenterSession({ dataDir: dir, deck: builtinDeck(), journal, show: showPort() });
    expect(again.extras().rehearsal.recordedAt).toBe(50_000);
  });

  it('a rehearsal stops even when it cannot be saved, and a binding works even when it cannot be kept', () => {
    const blocker = join(tmp(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const dir = join(blocker, 'data'); // every write under it fails (ENOTDIR)
    const journal = createJournal({ onLog: () => undefined });
    const s = createPresenterSession({ dataDir: dir, deck: builtinDeck(), journal, show: showPort() });
    s.rehearsal(true);
    expect(() => s.rehearsal(false)).not.toThrow();
    expect(s.extras().rehearsal.recording).toBe(false);
    expect(journal.notices().join('\n')).toMatch(/the rehearsal stopped, but could not be saved/);
    expect(() => s.bindKey('F9', 'next')).not.toThrow();
    expect(s.extras().keymap).toEqual({ F9: 'next' });
    expect(journal.notices().join('\n')).toMatch(/the key binding works now, but could not be saved/);
  });

  it('a bad deck opened keeps the current one and says where it is wrong', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.md');
    writeFileSync(bad, '---\ntitle: [unclosed\n---\n# x\n');
    const show = showPort();
    const s = createPresenterSession({ dataDir: dir, deck: builtinDeck(), journal: createJournal({ onLog: () => undefined }), show });
    await expect(s.openDeck(bad)).rejects.toThrow(/bad\.md:\d+/);
    expect(s.extras().deckErrors[0]).toMatchObject({ file: expect.stringMatching(/bad\.md$/), line: expect.any(Number) });
    expect(show.published).toBe(1);
    await s.close();
  });
});

describe('handlers', () => {
  function setup(opts: { injectError?: string; shell?: boolean; resetting?: () => boolean } = {}) {
    const faults = fakeFaults({ injectError: opts.injectError });
    const journal = createJournal({ onLog: () => undefined });
    const runner = createActionRunner({ faults, workload: null, containerNote: null, journal, record: () => undefined });
    const show = createShow({ deck: builtinDeck(), executor: { run: (a) => runner.run(a, { notify: false }) } });
    const presenter = createPresenterSession({
      dataDir: tmp(),
      deck: builtinDeck(),
      journal,
      show: showPort({ index: () => show.director().index })
    });
    const swaps: number[] = [];
    const h = createHandlers({
      show,
      actions: runner,
      faults,
      presenter,
      journal,
      publish: () => show.state(),
      state: () => ({ show: show.state(), cluster: undefined as never, log: journal.entries(), deck: deckPart('', '', show.director().chapters) }),
      preflight: async () => preflightUnavailable('sim', 1),
      resetShow: async () => void show.reset(),
      resetting: opts.resetting,
      shell: opts.shell ? { swapDisplays: () => void swaps.push(1) } : undefined
    });
    return { h, show, faults, swaps, journal };
  }

  it('navigation answers with the new show state', async () => {
    const s = setup();
    expect((await s.h.next()).index).toBe(1);
    expect((await s.h.goTo(5)).index).toBe(5);
    expect((await s.h.first()).index).toBe(0);
    s.show.dispose();
  });

  it('a refused fault is an error reply, not an ok', async () => {
    const s = setup({ injectError: 'refused: would leave 1 of 3 TiKV stores running' });
    await expect(s.h.injectFault({ kind: 'kill', target: { type: 'random-tikv' } })).rejects.toThrow(/refused/);
    s.show.dispose();
  });

  it('panic blacks out the audience and restores every open fault', async () => {
    const s = setup();
    await s.h.injectFault({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    const after = await s.h.panic();
    expect(after.blackout).toBe(true);
    expect(s.faults.unresolved()).toEqual([]);
    s.show.dispose();
  });

  it('a fault by hand never carries the majority opt-in, whatever the caller passed', async () => {
    const s = setup();
    await s.h.injectFault({ kind: 'kill', target: { type: 'named', name: 'tikv0' }, allowQuorumLoss: true });
    expect(s.faults.records[0]?.spec).toEqual({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    s.show.dispose();
  });

  // The builtin deck's chapter 4 kills a random TiKV after a 3 s countdown.
  for (const [name, press] of [
    ['Panic', (h: ReturnType<typeof setup>['h']) => h.panic()],
    ['Restore all', (h: ReturnType<typeof setup>['h']) => h.restoreAll()]
  ] as const) {
    it(`${name} during a fault countdown stops it: nothing fires behind it, and the beat waits for Next`, async () => {
      vi.useFakeTimers();
      try {
        const s = setup();
        for (let i = 0; i < 3; i++) await s.h.next(); // Next into the fault chapter starts it
        expect(s.show.state().beat.phase).toBe('countdown');
        await vi.advanceTimersByTimeAsync(1500);
        await press(s.h);
        await vi.advanceTimersByTimeAsync(10_000);
        expect(s.faults.records).toEqual([]);
        expect(s.show.state().beat.phase).toBe('armed');
        expect(s.show.state().notices.join(' ')).toContain(`${name} stopped the countdown`);
        await s.h.next(); // the presenter's press starts it again
        await vi.advanceTimersByTimeAsync(3500);
        expect(s.faults.records.map((r) => r.spec.kind)).toEqual(['kill']);
        s.show.dispose();
      } finally {
        vi.useRealTimers();
      }
    });
  }

  it('while a reset runs, moves and faults by hand are refused with a sentence', async () => {
    let resetting = true;
    const s = setup({ resetting: () => resetting });
    await expect(s.h.next()).rejects.toThrow(/^next refused: the show is being reset/);
    await expect(s.h.goTo(3)).rejects.toThrow(/^goTo refused/);
    await expect(s.h.injectFault({ kind: 'kill', target: { type: 'random-tikv' } })).rejects.toThrow(/^injectFault refused/);
    expect(s.show.director().index).toBe(0);
    expect(s.faults.records).toEqual([]);
    expect((await s.h.blackout(true)).blackout).toBe(true); // the audience can still be blacked out
    resetting = false;
    expect((await s.h.next()).index).toBe(1);
    s.show.dispose();
  });

  it('swapDisplays needs the desktop shell', async () => {
    await expect(setup().h.swapDisplays()).rejects.toThrow(/desktop app/);
    const s = setup({ shell: true });
    await s.h.swapDisplays();
    expect(s.swaps).toEqual([1]);
    s.show.dispose();
  });

  it('preflight without a live cluster says what it is', async () => {
    expect((await setup().h.preflight()).lines[0]?.title).toMatch(/Simulated/);
    expect(preflightUnavailable('live', 1).ok).toBe(false);
  });
});

describe('boot', () => {
  it('keeps the simulated and the real cluster in separate ledgers', () => {
    expect(ledgerFile('/d', 'sim')).toBe(join('/d', 'sim-fault-ledger.jsonl'));
    expect(ledgerFile('/d', 'live')).toBe(join('/d', 'fault-ledger.jsonl'));
    expect(BUILTIN_DECK).toMatch(/tikv-resilience\.md$/);
  });
});
