import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterSnapshot } from '../../../src/shared/cluster';
import type { TimelineEvent } from '../../../src/shared/show';
import { createTracker, noteEvent, observe } from '../../../src/main/show/timeline';
import { parseRecording, type Recording } from '../../../src/main/replay/recording-reader';
import { createReplayEngine, type ReplayEngine } from '../../../src/main/replay/replay-engine';
import { remap } from '../../../src/main/replay/replay-core';
import { record, story, type StoryOptions } from './story';

const dir = mkdtempSync(join(tmpdir(), 'rec-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recording(opts: StoryOptions = { seconds: 240 }): Recording {
  const r = parseRecording(readFileSync(record(dir, story(opts)).path, 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.recording;
}
const DECK = { file: '/decks/tikv-resilience.md', title: 'TiKV: Lose a Node, Keep Your Data', slug: 'tikv-resilience' };

function engineFor(rec: Recording, deck = DECK): ReplayEngine {
  const made = createReplayEngine({ recording: rec, file: '/data/recordings/x.jsonl', deck });
  if (!made.ok) throw new Error(made.error);
  return made.engine;
}

const WALL = Date.UTC(2027, 0, 1, 12, 0, 0);
beforeEach(() => {
  vi.useFakeTimers({ now: WALL });
});
afterEach(() => {
  vi.useRealTimers();
});

const node = (s: ClusterSnapshot, name: string) => s.tikv.find((n) => n.name === name)!;

describe('replay engine', () => {
  it('refuses a recording with nothing to map, in plain words', () => {
    const r = createReplayEngine({ recording: recording({ seconds: 60, killAt: null, restoreAt: null }), file: 'x.jsonl' });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^nothing to replay: the recording holds no fault that went through \(its beats: start-workload \(ok\)\)/) });
  });

  it('before the first beat, shows the recorded steady state, timed now', () => {
    const e = engineFor(recording());
    e.start();
    vi.advanceTimersByTime(5000);
    const s = e.snapshot('sim');
    expect(s.tikv.map((n) => [n.name, n.storeId, n.state, n.container, n.leaderCount])).toEqual([
      // The last recorded state before the kill (the story's balance wobbles by one leader).
      ['tikv0', '1', 'up', 'running', 41],
      ['tikv1', '2', 'up', 'running', 39],
      ['tikv2', '3', 'up', 'running', 40]
    ]);
    expect(s.pd.map((p) => [p.name, p.isLeader, p.container])).toEqual([
      ['pd0', true, 'running'],
      ['pd1', false, 'running'],
      ['pd2', false, 'running']
    ]);
    expect(s.takenAt).toBe(Date.now());
    expect(s.now).toBe(Date.now());
    expect(s.stale).toBe(false);
    e.stop();
  });

  it('the workload shows nothing until the show starts it, then loops the recorded steady figures', () => {
    const e = engineFor(recording());
    e.start();
    expect(e.sample()).toEqual({ running: false, current: null, perStoreOps: {} });
    e.startLoad();
    const seen = new Set<number>();
    for (let i = 0; i < 90; i++) {
      vi.advanceTimersByTime(1000);
      const s = e.sample();
      expect(s.current?.t).toBe(Date.now());
      expect(s.current?.latency).toEqual({ ms: 8.2, label: 'p99, last 1 s' });
      seen.add(s.current!.ops);
    }
    // Steady figures (about 1000 ops/s, wobbling), never the dip that comes after the kill.
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1000);
    expect(seen.size).toBeGreaterThan(5);
    e.stop();
  });

  it('a fault plays the recorded segment with its own timing', () => {
    const e = engineFor(recording());
    e.start();
    e.startLoad();
    vi.advanceTimersByTime(30_000);
    e.fault('kill', 'tikv1');
    vi.advanceTimersByTime(1000);
    let s = e.snapshot('sim');
    expect(node(s, 'tikv1')).toMatchObject({ container: 'exited', state: 'up' });
    expect(s.workload?.current?.ops).toBeLessThan(400); // the dip
    vi.advanceTimersByTime(19_500);
    s = e.snapshot('sim');
    expect(node(s, 'tikv1').state).toBe('disconnected');
    vi.advanceTimersByTime(10_000);
    s = e.snapshot('sim');
    expect(node(s, 'tikv1').leaderCount).toBe(0);
    expect(node(s, 'tikv0').leaderCount + node(s, 'tikv2').leaderCount).toBe(120);
    // The dead store's heartbeat ages as it did; the live ones look fresh.
    expect(Date.now() - node(s, 'tikv1').lastHeartbeatMs!).toBeGreaterThan(29_000);
    expect(Date.now() - node(s, 'tikv0').lastHeartbeatMs!).toBeLessThan(10_000);
    e.stop();
  });

  it('the restore beat plays the recorded recovery, and every node comes back', () => {
    const e = engineFor(recording());
    e.start();
    e.fault('kill', 'tikv1');
    vi.advanceTimersByTime(40_000);
    expect(e.restore()).toBe(true);
    expect(e.restore()).toBe(false); // a second undo of the same restore does nothing
    vi.advanceTimersByTime(1000);
    expect(node(e.snapshot('sim'), 'tikv1').container).toBe('running');
    vi.advanceTimersByTime(40_000);
    const s = e.snapshot('sim');
    expect(s.tikv.map((n) => [n.state, n.container, n.leaderCount])).toEqual([
      ['up', 'running', 40],
      ['up', 'running', 40],
      ['up', 'running', 40]
    ]);
    e.stop();
  });

  it('a presenter slower than the recording sees the segment hold its last state', () => {
    const e = engineFor(recording());
    e.start();
    e.startLoad();
    e.fault('kill', 'tikv1');
    vi.advanceTimersByTime(600_000); // the recorded restore came 90 s after the kill
    const s = e.snapshot('sim');
    expect(node(s, 'tikv1')).toMatchObject({ container: 'exited', state: 'disconnected', leaderCount: 0 });
    expect(s.workload?.current?.ops).toBeGreaterThanOrEqual(1000); // looping the settled stretch, not the dip
    e.stop();
  });

  it('a fault on another node than the recorded one shows that node dropping, under its own ids', () => {
    const e = engineFor(recording());
    e.start();
    e.fault('kill', 'tikv2');
    vi.advanceTimersByTime(31_000);
    const s = e.snapshot('sim');
    expect(node(s, 'tikv2')).toMatchObject({ storeId: '3', address: 'tikv2:20160', container: 'exited', state: 'disconnected', leaderCount: 0 });
    expect(node(s, 'tikv1')).toMatchObject({ storeId: '2', container: 'running', state: 'up' });
    expect(e.processes().find((p) => p.name === 'tikv2')?.state).toBe('exited');
    e.stop();
  });

  it('maps beats by kind: no partition on record is a clear refusal; a second kill plays the last one again', () => {
    const e = engineFor(recording());
    e.start();
    expect(() => e.fault('partition', 'tikv0')).toThrow('the recording has no partition of a TiKV to replay (it has: kill of a TiKV)');
    expect(() => e.fault('kill', 'pd0')).toThrow(/no kill of a PD member/);
    e.fault('kill', 'tikv1');
    e.restore();
    e.fault('kill', 'tikv0');
    expect(e.notes()).toContain('the recording has 1 kill of a TiKV: its last one plays again');
    vi.advanceTimersByTime(31_000);
    expect(node(e.snapshot('sim'), 'tikv0').container).toBe('exited');
    e.stop();
  });

  it('with no recovery on record, a restore goes back to the steady state and says so', () => {
    const e = engineFor(recording({ seconds: 120, restoreAt: null }));
    e.start();
    e.fault('kill', 'tikv1');
    vi.advanceTimersByTime(40_000);
    expect(e.restore()).toBe(true);
    expect(e.snapshot('sim').tikv.every((n) => n.container === 'running' && n.state === 'up')).toBe(true);
    expect(e.notes().at(-1)).toMatch(/no recovery after this fault/);
    e.stop();
  });

  it('says so when the recording was made with another deck', () => {
    const e = engineFor(recording(), { file: '/talks/other.md', title: 'Another talk', slug: 'other' });
    expect(e.info.otherDeck).toBe(true);
    expect(e.notes()[0]).toMatch(/made with the deck "TiKV: Lose a Node, Keep Your Data": its beats map to this deck's by action kind/);
    const same = engineFor(recording());
    expect(same.info).toMatchObject({ otherDeck: false, madeIn: 'sim', deckTitle: DECK.title });
    // The deck is known only after boot in the stage: told later, it says the same.
    same.setDeck({ file: '/talks/other.md', title: 'Another talk', slug: 'other' });
    expect(same.info.otherDeck).toBe(true);
    expect(same.notes()).toHaveLength(1);
    same.setDeck(DECK);
    expect(same.notes()).toEqual([]);
  });

  it('publishes PD views about every second and process changes as they happen', () => {
    const e = engineFor(recording());
    const views: number[] = [];
    const procs: string[] = [];
    e.onView((v) => views.push(v.takenAt));
    e.onProcess((p) => procs.push(`${p.name}:${p.state}`));
    e.start();
    vi.advanceTimersByTime(3000);
    expect(views.length).toBeGreaterThanOrEqual(3);
    expect(views.length).toBeLessThanOrEqual(5);
    expect(procs).toHaveLength(6); // the first publish lists everyone
    e.fault('kill', 'tikv1');
    vi.advanceTimersByTime(500);
    expect(procs.slice(6)).toEqual(['tikv1:exited']);
    e.stop();
    const n = views.length;
    vi.advanceTimersByTime(5000);
    expect(views.length).toBe(n);
  });

  it("the show's timeline reads the replayed snapshots as it reads a live cluster's", () => {
    const e = engineFor(recording());
    e.start();
    e.startLoad();
    let tracker = createTracker();
    let prev: ClusterSnapshot | null = null;
    const events: TimelineEvent[] = [];
    const step = (ms: number): void => {
      for (let i = 0; i < ms / 1000; i++) {
        vi.advanceTimersByTime(1000);
        const s = e.snapshot('sim');
        const r = observe(prev, s, tracker);
        tracker = r.tracker;
        events.push(...r.events);
        prev = s;
      }
    };
    step(40_000);
    const killedAt = Date.now();
    e.fault('kill', 'tikv1');
    tracker = noteEvent(tracker, { at: killedAt, kind: 'fault-injected', fault: 'kill', node: 'tikv1', text: 'killed tikv1' });
    step(80_000);
    e.restore();
    step(60_000);
    const kinds = events.map((x) => x.kind);
    expect(kinds).toEqual(expect.arrayContaining(['container-exited', 'pd-disconnected', 'leaders-moved', 'workload-dip', 'workload-recovered', 'container-started', 'pd-up']));
    const disc = events.find((x) => x.kind === 'pd-disconnected')!;
    // PD said Disconnected 20 s after the kill in the recording, and so it does in the replay.
    expect(Math.abs(disc.at - killedAt - 20_000)).toBeLessThan(1500);
    e.stop();
  });
});

describe('remap', () => {
  it('keeps a permutation: every recorded node is shown under exactly one name', () => {
    let p: Record<string, string> = {};
    p = remap(p, 'tikv1', 'tikv2');
    expect(p).toEqual({ tikv1: 'tikv2', tikv2: 'tikv1' });
    p = remap(p, 'tikv0', 'tikv1');
    const shown = ['tikv0', 'tikv1', 'tikv2'].map((n) => p[n] ?? n);
    expect(new Set(shown).size).toBe(3);
    expect(p.tikv0).toBe('tikv1');
    expect(remap(p, 'tikv0', 'tikv1')).toBe(p);
  });
});
