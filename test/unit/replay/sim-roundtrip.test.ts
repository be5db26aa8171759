// Record a show on the real simulated cluster (its PD HTTP API, the real poller and cluster feed,
// the fault service), then replay the recording through the same feed and fault service with no
// cluster at all: the map goes through the same story.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../../src/shared/cluster';
import { createFaultService } from '../../../src/main/chaos/faults';
import { openLedger } from '../../../src/main/chaos/ledger';
import { createSimDriver } from '../../../src/main/chaos/sim-driver';
import { startSimCluster } from '../../../src/main/sim';
import { createActionRunner } from '../../../src/main/stage/actions';
import { createClusterFeed, type ClusterFeed } from '../../../src/main/stage/cluster-feed';
import { createJournal } from '../../../src/main/stage/journal';
import { createSimWorkload } from '../../../src/main/workload/sim-workload';
import { withBeatRecording } from '../../../src/main/replay/beat-recording';
import { createRecorder } from '../../../src/main/replay/recorder';
import { loadReplay } from '../../../src/main/replay/recording-files';
import { parseRecording } from '../../../src/main/replay/recording-reader';
import { createReplayDriver } from '../../../src/main/replay/replay-driver';
import { createReplayPoller } from '../../../src/main/replay/replay-poller';
import { createReplayWorkload } from '../../../src/main/replay/replay-workload';
import { HEADER } from './story';

const dir = mkdtempSync(join(tmpdir(), 'rec-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const allBack = (s: ClusterSnapshot): boolean => s.tikv.length === 3 && s.tikv.every((n) => n.state === 'up' && n.container === 'running' && n.leaderCount > 0);
const dropped = (s: ClusterSnapshot, name: string): boolean => {
  const n = s.tikv.find((x) => x.name === name);
  return !!n && n.container === 'exited' && n.state === 'disconnected' && n.leaderCount === 0;
};

/** The show's three beats, through the stage's action runner wrapped for the recording. */
async function walk(feed: ClusterFeed, run: ReturnType<typeof withBeatRecording>, lastNode: () => string | null): Promise<string> {
  await until('the cluster up', () => allBack(feed.current()));
  expect((await run.run({ type: 'start-workload' }, { notify: false })).ok).toBe(true);
  await until('a workload figure', () => (feed.current().workload?.current?.ops ?? 0) > 0);
  await new Promise((r) => setTimeout(r, 1500));
  const kill = await run.run({ type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } }, { notify: false });
  expect(kill.ok).toBe(true);
  const node = lastNode()!;
  await until(`${node} dropped`, () => dropped(feed.current(), node));
  await new Promise((r) => setTimeout(r, 500));
  expect((await run.run({ type: 'restore' }, { notify: false })).ok).toBe(true);
  await until('every node back', () => allBack(feed.current()), 20_000);
  return node;
}

describe('record on the simulated cluster, replay with none', () => {
  it('the replay walks through the same story', async () => {
    // 1. Record.
    const sim = await startSimCluster({ speed: 20, seed: 11, host: '127.0.0.1' });
    const driver = createSimDriver(sim.control);
    const workload = createSimWorkload(sim.control);
    const recorder = createRecorder({ dataDir: dir, header: { ...HEADER, timeScale: 20 } });
    const feed = createClusterFeed({
      cluster: { mode: 'sim', pdUrl: sim.pdUrl, pdFallbacks: [], driver, containerNote: null, workload, timeScale: 20 },
      notice: () => undefined
    });
    feed.onSnapshot((s) => recorder.snapshot(s));
    const unwatch = driver.watch((p) => recorder.container(p));
    const faults = createFaultService({ driver, ledger: openLedger(join(dir, 'sim-ledger.jsonl')), scope: 'sim', pdLeader: feed.pdLeader });
    const journal = createJournal({ onLog: () => undefined });
    const actions = createActionRunner({ faults, workload, containerNote: null, journal, record: () => undefined });
    const lastNode = (): string | null => faults.all().at(-1)?.node ?? null;
    const run = withBeatRecording(actions, { recorder: () => recorder, chapterId: () => 'chapter', lastFaultNode: lastNode });
    let recordedNode: string;
    try {
      await feed.start();
      recordedNode = await walk(feed, run, lastNode);
    } finally {
      unwatch();
      await feed.close();
      await workload.close();
      await sim.close();
      recorder.close();
    }
    const read = parseRecording(readFileSync(recorder.path, 'utf8'));
    if (!read.ok) throw new Error(read.error);
    expect(read.recording.beats.map((b) => [b.action.type, b.target, b.outcome])).toEqual([
      ['start-workload', null, 'ok'],
      ['fault', recordedNode, 'ok'],
      ['restore', null, 'ok']
    ]);
    console.log(`sim recording: ${statSync(recorder.path).size} bytes, ${read.recording.lines} lines, ${read.recording.snaps.length} snapshots`);

    // 2. Replay: no simulator, no PD, no Docker; the same feed and fault service.
    const loaded = loadReplay(recorder.path);
    if (!loaded.ok) throw new Error(loaded.error);
    const engine = loaded.engine;
    const rDriver = createReplayDriver(engine);
    const rWorkload = createReplayWorkload(engine, 'sim');
    const rFeed = createClusterFeed({
      cluster: { mode: 'sim', pdUrl: engine.pdUrl, pdFallbacks: [], driver: rDriver, containerNote: null, workload: rWorkload, timeScale: 20 },
      notice: () => undefined,
      poller: (onView) => createReplayPoller(engine, onView)
    });
    const rFaults = createFaultService({ driver: rDriver, ledger: openLedger(join(dir, 'replay-ledger.jsonl')), scope: 'replay', pdLeader: rFeed.pdLeader });
    const rActions = createActionRunner({ faults: rFaults, workload: rWorkload, containerNote: null, journal, record: () => undefined });
    try {
      await rFeed.start();
      const node = await walk(rFeed, rActions as ReturnType<typeof withBeatRecording>, () => rFaults.all().at(-1)?.node ?? null);
      expect(['tikv0', 'tikv1', 'tikv2']).toContain(node);
      expect(rFeed.current().timeScale).toBe(20);
    } finally {
      await rFeed.close();
    }
  }, 90_000);
});
