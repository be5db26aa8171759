import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/main/show/diagnosis';
import { createShow } from '../../../src/main/show/runtime';
import {
  FAULT_EVENTS_KEPT,
  FAULT_MEMORY,
  FLAP_WINDOW_MS,
  TIMELINE_LIMIT,
  appendTimeline,
  createTracker,
  noteEvent,
  observe,
  type TimelineTracker
} from '../../../src/main/show/timeline';
import type { ClusterSnapshot } from '../../../src/shared/cluster';
import { findingText, type FaultRecord, type Finding, type TimelineEvent } from '../../../src/shared/show';
import { S, T0, builtinDeck, snapshot, storySnapshot, storyStores, storyWorkload } from './helpers';

interface Run {
  events: TimelineEvent[];
  tracker: TimelineTracker;
  last: ClusterSnapshot | null;
}

/** Plays the story from T0-30 s to `until`, one snapshot a second, the way the runtime does. */
function play(until: number, opts: { restore?: boolean; snap?: (t: number) => ClusterSnapshot } = {}): Run {
  const snap = opts.snap ?? storySnapshot;
  let tracker = createTracker();
  let prev: ClusterSnapshot | null = null;
  const events: TimelineEvent[] = [];
  for (let t = T0 - 30 * S; t <= until; t += S) {
    if (t === T0) {
      const ev: TimelineEvent = { at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' };
      tracker = noteEvent(tracker, ev);
      events.push(ev);
    }
    if (t === T0 + 60 * S && opts.restore !== false) {
      const ev: TimelineEvent = { at: t, kind: 'restored', node: 'tikv1', text: 'restarted tikv1' };
      tracker = noteEvent(tracker, ev);
      events.push(ev);
    }
    const next = snap(t);
    const r = observe(prev, next, tracker);
    tracker = r.tracker;
    events.push(...r.events);
    prev = next;
  }
  return { events, tracker, last: prev };
}

const fault = (over: Partial<FaultRecord> = {}): FaultRecord => ({
  id: 'f1',
  spec: { kind: 'kill', target: { type: 'random-tikv' } },
  node: 'tikv1',
  injectedAt: T0,
  restoredAt: null,
  status: 'open',
  error: null,
  ...over
});

/** The findings as the presenter reads them, one paragraph each, at `now` on main's clock. */
const said = (fs: Finding[], now: number | null = null, timeScale = 1): string => fs.map((f) => findingText(f, now, timeScale)).join('\n');

const rel = (events: TimelineEvent[]): [number, string, string | null, string][] =>
  events.map((e) => [(e.at - T0) / S, e.kind, e.node, e.text]);

describe('timeline: the kill-and-restore story', () => {
  it('yields the right events at the right times', () => {
    const { events } = play(T0 + 120 * S);
    expect(rel(events)).toEqual([
      [0, 'fault-injected', 'tikv1', 'killed tikv1'],
      [0, 'container-exited', 'tikv1', 'tikv1 container exited (Docker)'],
      [2, 'workload-dip', null, 'throughput dipping: 1,200 → 744 ops/s (−38 %)'],
      [14, 'leaders-moved', 'tikv1', 'leaders moved off tikv1: 12 → 0 in 14 s (tikv0 +6, tikv2 +6)'],
      [16, 'workload-recovered', null, 'throughput fell 38 % for 14 s, 0 errors'],
      [25, 'pd-disconnected', 'tikv1', 'PD marks tikv1 Disconnected, 25 s after the kill (no heartbeat for 20 s)'],
      [60, 'restored', 'tikv1', 'restarted tikv1'],
      [60, 'container-started', 'tikv1', 'tikv1 container running again (Docker)'],
      [75, 'pd-up', 'tikv1', 'PD marks tikv1 Up again, 15 s after its container started'],
      [85, 'leaders-returned', 'tikv1', 'leaders returning to tikv1: 0 → 3, 25 s after it came back'],
      [110, 'leaders-returned', 'tikv1', 'tikv1 leads 12 again, a fair share, 50 s after it came back']
    ]);
  });

  it('keeps its tracker as plain data: a JSON round trip mid-story changes nothing', () => {
    const whole = play(T0 + 120 * S).events;
    // Stop at +20 s, serialise, resume.
    const first = play(T0 + 20 * S);
    let tracker = JSON.parse(JSON.stringify(first.tracker)) as TimelineTracker;
    expect(tracker).toEqual(first.tracker);
    const events = [...first.events];
    let prev = first.last;
    for (let t = T0 + 21 * S; t <= T0 + 120 * S; t += S) {
      if (t === T0 + 60 * S) {
        const ev: TimelineEvent = { at: t, kind: 'restored', node: 'tikv1', text: 'restarted tikv1' };
        tracker = noteEvent(tracker, ev);
        events.push(ev);
      }
      const next = storySnapshot(t);
      const r = observe(prev, next, tracker);
      tracker = r.tracker;
      events.push(...r.events);
      prev = next;
    }
    expect(events).toEqual(whole);
  });

  it('is pure: observe does not change the tracker it is given', () => {
    const tracker = createTracker();
    const a = observe(null, storySnapshot(T0 - 10 * S), tracker);
    expect(tracker).toEqual(createTracker());
    const frozen = JSON.stringify(a.tracker);
    observe(storySnapshot(T0 - 10 * S), storySnapshot(T0), a.tracker);
    expect(JSON.stringify(a.tracker)).toBe(frozen);
  });

  it('a first snapshot only seeds; a cluster that is already broken is not news', () => {
    const broken = snapshot(T0, { tikv0: {}, tikv1: { container: 'exited', state: 'disconnected', leaders: 0 }, tikv2: {} });
    expect(observe(null, broken, createTracker()).events).toEqual([]);
  });

  it('ignores PD flicker to unknown and stale snapshots', () => {
    let tr = createTracker();
    const seq = [
      snapshot(T0, { tikv0: {}, tikv1: {} }),
      snapshot(T0 + S, { tikv0: { state: 'unknown', leaders: 0 }, tikv1: { state: 'unknown', leaders: 0 } }),
      snapshot(T0 + 2 * S, { tikv0: { state: 'disconnected', leaders: 0 }, tikv1: {} }, null, { stale: true }),
      snapshot(T0 + 3 * S, { tikv0: {}, tikv1: {} })
    ];
    let prev: ClusterSnapshot | null = null;
    const all: TimelineEvent[] = [];
    for (const s of seq) {
      const r = observe(prev, s, tr);
      tr = r.tracker;
      all.push(...r.events);
      prev = s;
    }
    expect(all).toEqual([]);
  });

  it('measures from the container exit when no fault was recorded, and counts errors in a dip', () => {
    let tracker = createTracker();
    let prev: ClusterSnapshot | null = null;
    const events: TimelineEvent[] = [];
    for (let t = T0 - 5 * S; t <= T0 + 30 * S; t += S) {
      const next = snapshot(t, storyStores(t), storyWorkload(t, (p) => (p >= T0 + 3 * S && p < T0 + 6 * S ? 2 : 0)));
      const r = observe(prev, next, tracker);
      tracker = r.tracker;
      events.push(...r.events);
      prev = next;
    }
    const moved = events.find((e) => e.kind === 'leaders-moved');
    expect(moved?.text).toBe('leaders moved off tikv1: 12 → 0, 14 s after its container exited (tikv0 +6, tikv2 +6)');
    const disc = events.find((e) => e.kind === 'pd-disconnected');
    expect(disc?.text).toBe('PD marks tikv1 Disconnected, 25 s after its container exited (no heartbeat for 20 s)');
    // No fault recorded: no baseline to measure a dip against.
    expect(events.some((e) => e.kind === 'workload-dip')).toBe(false);

    const withFault = play(T0 + 30 * S, {
      snap: (t) => snapshot(t, storyStores(t), storyWorkload(t, (p) => (p >= T0 + 3 * S && p < T0 + 6 * S ? 2 : 0)))
    });
    expect(withFault.events.find((e) => e.kind === 'workload-recovered')?.text).toBe('throughput fell 38 % for 14 s, 6 errors');
  });

  it('a fault recorded late (after snapshots past its time) still measures the dip from the fault', () => {
    let tracker = createTracker();
    let prev: ClusterSnapshot | null = null;
    const events: TimelineEvent[] = [];
    for (let t = T0 - 30 * S; t <= T0 + 30 * S; t += S) {
      if (t === T0 + 4 * S) tracker = noteEvent(tracker, { at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' });
      const next = storySnapshot(t);
      const r = observe(prev, next, tracker);
      tracker = r.tracker;
      events.push(...r.events);
      prev = next;
    }
    expect(rel(events.filter((e) => e.kind.startsWith('workload')))).toEqual([
      [2, 'workload-dip', null, 'throughput dipping: 1,200 → 744 ops/s (−38 %)'],
      [16, 'workload-recovered', null, 'throughput fell 38 % for 14 s, 0 errors']
    ]);
  });

  it('a balancing 1 → 0 on a healthy store is not a "leaders moved" event', () => {
    let tr = createTracker();
    const a = snapshot(T0, { tikv0: { leaders: 1 }, tikv1: { leaders: 2 } });
    const b = snapshot(T0 + S, { tikv0: { leaders: 0 }, tikv1: { leaders: 3 } });
    tr = observe(null, a, tr).tracker;
    expect(observe(a, b, tr).events).toEqual([]);
  });
});

describe('timeline: typed events', () => {
  it('carries its figures as data: who gained the leaders, how deep and long the dip was', () => {
    const { events } = play(T0 + 120 * S);
    const moved = events.find((e) => e.kind === 'leaders-moved');
    expect(moved?.kind === 'leaders-moved' && { from: moved.from, gains: moved.gains }).toEqual({
      from: 12,
      gains: [
        { node: 'tikv0', gain: 6 },
        { node: 'tikv2', gain: 6 }
      ]
    });
    const dip = events.find((e) => e.kind === 'workload-dip');
    expect(dip?.kind === 'workload-dip' && [dip.baselineOps, dip.ops]).toEqual([1200, 744]);
    const rec = events.find((e) => e.kind === 'workload-recovered');
    expect(rec?.kind === 'workload-recovered' && [rec.dropPct, rec.durationMs, rec.errors]).toEqual([38, 14_000, 0]);
    const back = events.filter((e) => e.kind === 'leaders-returned');
    expect(back.length).toBeGreaterThan(0);
  });
});

describe('diagnosis', () => {
  it('explains the fault mid-show: the store, the 14 s, the 2-of-3 replicas, and PD\'s lag', () => {
    const { events, last } = play(T0 + 30 * S);
    const findings = diagnose(events, [fault()], last);
    const text = said(findings);
    expect(findings[0]).toEqual({
      kind: 'hit',
      headline: 'tikv1 (picked at random) was killed (docker kill, SIGKILL)',
      detail: 'The process vanished without a word to its peers.'
    });
    expect(findings.map((f) => f.kind)).toEqual(['hit', 'leaders', 'pd', 'pd', 'data', 'workload', 'recovery']);
    expect(findings[1]?.headline).toBe('Its region leaders moved to tikv0 and tikv2 (tikv0 +6, tikv2 +6) 14 s after the kill');
    expect(text).toContain('PD marked tikv1 Disconnected 25 s after the kill, 11 s after the leaders had already moved');
    expect(text).toContain('PD waits 20 s from the last one, so about 10–20 s after a kill');
    expect(text).toContain('will not be for 30 min');
    expect(findings[4]).toEqual({
      kind: 'data',
      headline: 'No data is lost',
      detail: 'tikv0 and tikv2 still hold 2 of the 3 replicas of every region, a Raft majority: each region keeps or elects a leader there.'
    });
    expect(findings[5]?.headline).toBe('The workload: throughput fell 38 % for 14 s, 0 errors');
    expect(text).toContain('tikv1 is still out');
  });

  it('says PD came as the leaders finished moving when both are seen within a second', () => {
    const { events, last } = play(T0 + 30 * S);
    if (!last) throw new Error('the story has a snapshot at 30 s');
    const moved = events.find((e) => e.kind === 'leaders-moved')!;
    const close = events.map((e) => (e.kind === 'pd-disconnected' ? { ...e, at: moved.at + 400 } : e));
    const text = said(diagnose(close, [fault()], last));
    expect(text).toContain('PD marked tikv1 Disconnected 14 s after the kill, as the leaders finished moving');
    expect(text).not.toContain('0 s after the leaders');
  });

  it('says what has not happened yet, without inventing it', () => {
    const { events, last } = play(T0 + 10 * S);
    if (!last) throw new Error('the story has a snapshot at 10 s');
    const findings = diagnose(events, [fault()], last);
    const text = said(findings, last.now);
    expect(text).toContain('Its leaders have not all moved off yet (10 s since the kill)');
    expect(text).toContain('PD has not marked tikv1 Disconnected yet (10 s since the kill)');
    expect(text).toContain('The workload is still below its level before the kill');
    expect(text).toMatch(/Throughput dipping: [\d,]+ → [\d,]+ ops\/s \(−\d+ %\), from \d+ s after the kill\./);
    expect(text).not.toContain('Disconnected 2');
    // The count is the views' to keep, from the fault on main's clock: the findings themselves do
    // not change as time passes, so main need not publish them again every second.
    expect(findings.filter((f) => f.since).map((f) => [f.kind, f.since])).toEqual([
      ['leaders', { at: T0, what: 'kill' }],
      ['pd', { at: T0, what: 'kill' }]
    ]);
    expect(said(findings, last.now + 5 * S)).toContain('Its leaders have not all moved off yet (15 s since the kill)');
    expect(said(findings)).toContain('Its leaders have not all moved off yet.');
    expect(diagnose(events, [fault()], { ...last, now: last.now + 5 * S })).toEqual(findings);
  });

  it('explains the recovery once the node is back', () => {
    const { events, last } = play(T0 + 120 * S);
    const text = said(diagnose(events, [fault({ restoredAt: T0 + 60 * S, status: 'restored' })], last));
    expect(text).toContain('No data was lost. While tikv1 was out, the other 2 of 3 replicas of every region stayed up, a Raft majority');
    expect(text).toContain('All 3 stores are up now');
    expect(text).toContain('tikv1 is back. Its container started, PD marked it Up 15 s later.');
    expect(text).toContain('tikv1 leads 12 again');
    expect(text).not.toContain('will not be for 30 min');
  });

  it('is honest when two of three stores are down: no majority, writes stall', () => {
    const { events } = play(T0 + 30 * S);
    const last = snapshot(T0 + 30 * S, {
      tikv0: { leaders: 36 },
      tikv1: { container: 'exited', state: 'disconnected', leaders: 0 },
      tikv2: { container: 'exited', leaders: 0 }
    });
    const faults = [fault(), fault({ id: 'f2', node: 'tikv2', injectedAt: T0 + 20 * S, spec: { kind: 'kill', target: { type: 'named', name: 'tikv2' } } })];
    const text = said(diagnose(events, faults, last));
    expect(text).toContain('tikv2 was killed');
    expect(text).toContain('tikv1 and tikv2 are out. Every region has only 1 of its 3 replicas up. That is no Raft majority, so writes to those regions stall');
    expect(text).not.toContain('No data is lost');
  });

  it('with five stores and two out, never says no data is lost: regions on both lost their majority', () => {
    const { events } = play(T0 + 30 * S);
    const last = snapshot(T0 + 30 * S, {
      tikv0: { leaders: 12 },
      tikv1: { container: 'exited', state: 'disconnected', leaders: 0 },
      tikv2: { container: 'exited', leaders: 0 },
      tikv3: { leaders: 12 },
      tikv4: { leaders: 12 }
    });
    const faults = [fault(), fault({ id: 'f2', node: 'tikv2', injectedAt: T0 + 20 * S, spec: { kind: 'kill', target: { type: 'named', name: 'tikv2' } } })];
    const text = said(diagnose(events, faults, last));
    expect(text).not.toContain('No data is lost');
    expect(text).toContain(
      'tikv1 and tikv2 are out. Some regions may have lost their Raft majority: those with replicas on both of them. Writes to those regions stall'
    );
    // One out of five: every region still holds a majority.
    const one = snapshot(T0 + 30 * S, { tikv0: {}, tikv1: { container: 'exited', leaders: 0 }, tikv2: {}, tikv3: {}, tikv4: {} });
    expect(said(diagnose(events, [fault()], one))).toContain('No data is lost. tikv0, tikv2, tikv3 and tikv4 still hold at least 2 of the 3 replicas of every region');
  });

  it('says so when it cannot check, and when no workload ran', () => {
    const ev: TimelineEvent[] = [{ at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' }];
    const noPd = snapshot(T0 + 5 * S, {}, null, { pdError: 'connection refused' });
    const text = said(diagnose(ev, [fault()], noPd));
    expect(text).toContain("Cannot check the replicas. PD's store list is not available (connection refused).");
    expect(text).toContain('No workload was running');
  });

  it('has nothing to say before anything happened', () => {
    expect(diagnose([], [], storySnapshot(T0 - 10 * S))).toEqual([]);
    expect(diagnose([], [fault({ status: 'failed', error: 'no container' })], null)).toEqual([]);
  });
});

describe('cluster time (a simulator faster than the wall clock)', () => {
  it('tells durations in cluster time: speed 2 doubles every span, timeline and diagnosis alike', () => {
    const fast = play(T0 + 70 * S, { snap: (t) => ({ ...storySnapshot(t), timeScale: 2 }) });
    const real = play(T0 + 70 * S);
    const moved = (r: Run): string | undefined => r.events.find((e) => e.kind === 'leaders-moved')?.text;
    expect(moved(real)).toContain('in 14 s');
    expect(moved(fast)).toContain('in 28 s');
    const f = fault({ injectedAt: T0 });
    const lines = said(diagnose(fast.events, [f], fast.last));
    expect(lines).toMatch(/28 s after the kill/);
    // A live count too: 10 wall seconds after the kill at speed 2 are 20 s of the cluster's.
    const early = play(T0 + 10 * S, { snap: (t) => ({ ...storySnapshot(t), timeScale: 2 }) });
    const since = diagnose(early.events, [f], early.last).find((x) => x.kind === 'leaders');
    expect(since?.since).toEqual({ at: T0, what: 'kill' });
    expect(findingText(since!, T0 + 10 * S, 2)).toContain('(20 s since the kill)');
    expect(said(diagnose(real.events, [f], real.last))).toMatch(/14 s after the kill/);
  });
});

/** tikv2 as PD sees it: Disconnected on even seconds from T0 while `flapping(t)`, else Up. */
function flapSnapshot(t: number, flapping: (t: number) => boolean): ClusterSnapshot {
  const stores = storyStores(t);
  const odd = Math.round((t - T0) / S) % 2 !== 0;
  stores.tikv2 = { ...stores.tikv2, state: flapping(t) && !odd ? 'disconnected' : 'up' };
  return snapshot(t, stores, storyWorkload(t));
}

describe('timeline: a flapping store', () => {
  it('keeps the kill and the restore in the show\'s timeline through 9 minutes of a store flapping every poll', () => {
    const show = createShow({
      deck: builtinDeck(),
      executor: { run: async () => ({ ok: true, message: 'ok' }) },
      timers: { setTimeout: () => 0, clearTimeout: () => undefined },
      now: () => T0
    });
    const flapping = (t: number): boolean => t >= T0 + 2 * 60 * S && t < T0 + 11 * 60 * S;
    for (let t = T0 - 30 * S; t <= T0 + 13 * 60 * S; t += S) {
      if (t === T0) show.recordEvent({ at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' });
      if (t === T0 + 60 * S) show.recordEvent({ at: t, kind: 'restored', node: 'tikv1', text: 'restarted tikv1' });
      show.observeCluster(flapSnapshot(t, flapping));
    }
    const tl = show.timeline();
    show.dispose();
    expect(tl.filter((e) => e.kind === 'fault-injected' || e.kind === 'restored').map((e) => e.text)).toEqual(['killed tikv1', 'restarted tikv1']);
    // The flapping is told, not replayed: a few changes, one note, and what it settled on.
    const flaps = tl.filter((e) => e.node === 'tikv2');
    expect(flaps.filter((e) => e.text.includes('is flapping'))).toHaveLength(1);
    expect(flaps.length).toBeLessThan(10);
    expect(flaps[flaps.length - 1]).toMatchObject({ kind: 'pd-up', node: 'tikv2', at: T0 + 11 * 60 * S - S });
    expect(flaps[flaps.length - 1]?.text).toMatch(/^PD marks tikv2 Up again \(settled after \d+ changes folded over 9 min\)$/);
    expect(tl.map((e) => e.at)).toEqual([...tl.map((e) => e.at)].sort((a, b) => a - b));
  });

  it('shows the first changes, folds the rest behind one note, and tells the last once it is quiet', () => {
    let tracker = createTracker();
    let prev: ClusterSnapshot | null = null;
    const events: TimelineEvent[] = [];
    const flapping = (t: number): boolean => t >= T0 && t < T0 + 20 * S;
    for (let t = T0 - 5 * S; t <= T0 + 90 * S; t += S) {
      const next = flapSnapshot(t, flapping);
      const r = observe(prev, next, tracker);
      // Plain data still, mid-flap.
      tracker = JSON.parse(JSON.stringify(r.tracker)) as TimelineTracker;
      expect(tracker).toEqual(r.tracker);
      events.push(...r.events.filter((e) => e.node === 'tikv2'));
      prev = next;
    }
    expect(rel(events)).toEqual([
      [0, 'pd-disconnected', 'tikv2', 'PD marks tikv2 Disconnected (no heartbeat for 20 s)'],
      [1, 'pd-up', 'tikv2', 'PD marks tikv2 Up again'],
      [2, 'pd-disconnected', 'tikv2', 'PD marks tikv2 Disconnected (no heartbeat for 20 s)'],
      [3, 'pd-up', 'tikv2', 'PD marks tikv2 Up again'],
      [4, 'note', 'tikv2', 'tikv2 is flapping (5 changes in 4 s); repeats are folded until it settles'],
      [19, 'pd-up', 'tikv2', 'PD marks tikv2 Up again (settled after 16 changes folded over 15 s)']
    ]);
    // Settled and quiet: nothing of it is left in the tracker.
    expect(Object.keys(tracker.flaps).filter((k) => k.endsWith(':tikv2'))).toEqual([]);
    expect(FLAP_WINDOW_MS).toBe(60 * S);
  });

  it('a fault recorded on the flapping store ends the folding: what the fault does is shown', () => {
    let tracker = createTracker();
    let prev: ClusterSnapshot | null = null;
    const events: TimelineEvent[] = [];
    for (let t = T0 - 5 * S; t <= T0 + 40 * S; t += S) {
      if (t === T0 + 30 * S) tracker = noteEvent(tracker, { at: t, kind: 'fault-injected', node: 'tikv2', text: 'killed tikv2', fault: 'kill' });
      const next = flapSnapshot(t, () => t >= T0);
      const r = observe(prev, next, tracker);
      tracker = r.tracker;
      events.push(...r.events.filter((e) => e.node === 'tikv2'));
      prev = next;
    }
    // It never settled: the fault ended the folding, and the text says so.
    expect(events.some((e) => e.text.includes('settled after'))).toBe(false);
    const closed = events.find((e) => / \(the last of \d+ changes folded over \d+ s\)$/.test(e.text));
    expect(closed?.at).toBeLessThan(T0 + 30 * S);
    const after = events.filter((e) => e.at >= T0 + 30 * S);
    expect(after[0]?.text).toBe('PD marks tikv2 Disconnected, 0 s after the kill (no heartbeat for 20 s)');
    expect(after.filter((e) => e.kind.startsWith('pd-')).length).toBe(4);
  });

  it('PD elections going back and forth are one signal, told as PD\'s leadership, not a member flapping', () => {
    let tracker = createTracker();
    let prev: ClusterSnapshot | null = null;
    const events: TimelineEvent[] = [];
    for (let i = 0; i <= 8; i++) {
      const next = snapshot(T0 + i * 3 * S, { tikv0: {}, tikv1: {} }, null, { pdLeader: i % 2 === 0 ? 'pd0' : 'pd1' });
      const r = observe(prev, next, tracker);
      tracker = r.tracker;
      events.push(...r.events);
      prev = next;
    }
    const notes = events.map((e) => e.text);
    expect(notes.filter((t) => t.startsWith('PD leader is now'))).toHaveLength(4);
    expect(notes.filter((t) => t.includes('is flapping'))).toEqual(["PD's leadership is flapping (5 changes in 12 s); repeats are folded until it settles"]);
  });

  it('stays small under a flood of recorded faults, and measures from the newest', () => {
    let tracker = createTracker();
    for (let i = 0; i < 2000; i++) {
      tracker = noteEvent(tracker, { at: T0 + i, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' });
      tracker = noteEvent(tracker, { at: T0 + i, kind: 'restored', node: null, text: 'restored all' });
    }
    // 2,000 of each would be about 200 kB, cloned again at every snapshot.
    expect(JSON.stringify(tracker).length).toBeLessThan(20_000);
    expect(tracker.faults.length).toBeLessThanOrEqual(FAULT_MEMORY);
    expect(tracker.restores.length).toBeLessThanOrEqual(FAULT_MEMORY);
    expect(tracker.faults[tracker.faults.length - 1]?.at).toBe(T0 + 1999);
    const a = snapshot(T0 + 5 * S, { tikv1: {} });
    const b = snapshot(T0 + 6 * S, { tikv1: { state: 'disconnected' } });
    const r = observe(a, b, observe(null, a, tracker).tracker);
    expect(r.events.map((e) => e.text)).toEqual(['PD marks tikv1 Disconnected, 4 s after the kill (no heartbeat for 20 s)']);
  });
});

describe('appendTimeline: the bounded timeline', () => {
  const ev = (at: number, text = `e${at}`): TimelineEvent => ({ at, kind: 'pd-up', node: 'tikv2', text });
  const kill = (at: number): TimelineEvent => ({ at, kind: 'fault-injected', node: 'tikv1', text: `kill ${at}`, fault: 'kill' });
  const restored = (at: number): TimelineEvent => ({ at, kind: 'restored', node: 'tikv1', text: `restore ${at}` });

  it('in time order, a late event in its place, as long as there is room', () => {
    const a = appendTimeline([], [ev(1), ev(3)]);
    expect(appendTimeline(a, [kill(2)]).map((e) => e.at)).toEqual([1, 2, 3]);
    expect(appendTimeline(a, [])).toBe(a);
  });

  it('routine events never push the fault\'s own events out, and the total stays bounded', () => {
    let tl = appendTimeline([], [kill(0), restored(60)]);
    for (let at = 100; at < 5100; at += 10) tl = appendTimeline(tl, [ev(at), ev(at + 5)]);
    expect(tl).toHaveLength(TIMELINE_LIMIT);
    expect(tl.slice(0, 2).map((e) => e.text)).toEqual(['kill 0', 'restore 60']);
    expect(tl[tl.length - 1]?.at).toBe(5095);
    expect(tl.map((e) => e.at)).toEqual([...tl.map((e) => e.at)].sort((x, y) => x - y));
  });

  it('a PD hiccup over 400 stores keeps what the diagnosis reads: the faulted node\'s changes and the dip', () => {
    const news: TimelineEvent[] = [
      kill(0),
      { at: 12, kind: 'leaders-moved', node: 'tikv1', from: 12, gains: [], text: 'leaders moved off tikv1: 12 → 0' },
      { at: 15, kind: 'pd-disconnected', node: 'tikv1', text: 'PD marks tikv1 Disconnected' },
      { at: 3, kind: 'workload-dip', node: null, baselineOps: 1000, ops: 100, text: 'throughput dipping' }
    ];
    let tl = appendTimeline([], news);
    const hiccup = (at: number, kind: 'pd-disconnected' | 'pd-up'): TimelineEvent[] =>
      Array.from({ length: 400 }, (_, i) => ({ at, kind, node: `n${i}`, text: `${kind} n${i}` }));
    tl = appendTimeline(tl, hiccup(20, 'pd-disconnected'));
    tl = appendTimeline(tl, hiccup(22, 'pd-up'));
    expect(tl.length).toBeLessThanOrEqual(TIMELINE_LIMIT);
    expect(news.every((e) => tl.includes(e))).toBe(true);
    // The rest is the newest of the hiccup.
    expect(tl[tl.length - 1]?.kind).toBe('pd-up');
  });

  it('a flood of fault events is bounded too: the newest kept, the routine ones keep the rest', () => {
    let tl: TimelineEvent[] = [];
    for (let at = 0; at < 2000; at++) tl = appendTimeline(tl, [ev(at * 2), kill(at * 2 + 1)]);
    expect(tl).toHaveLength(TIMELINE_LIMIT);
    const faults = tl.filter((e) => e.kind === 'fault-injected');
    expect(faults).toHaveLength(FAULT_EVENTS_KEPT);
    expect(faults[faults.length - 1]?.at).toBe(3999);
    expect(tl.filter((e) => e.kind === 'pd-up')).toHaveLength(TIMELINE_LIMIT - FAULT_EVENTS_KEPT);
  });
});
