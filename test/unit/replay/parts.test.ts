// The replay's parts as the stage plugs them in: the chaos driver under the real fault service,
// the workload and the poller under the real cluster feed, and recordings on disk.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterSnapshot } from '../../../src/shared/cluster';
import { createFaultService } from '../../../src/main/chaos/faults';
import { openLedger } from '../../../src/main/chaos/ledger';
import { createClusterFeed } from '../../../src/main/stage/cluster-feed';
import { listRecordings, loadReplay, recordingForDeck } from '../../../src/main/replay/recording-files';
import { createReplayDriver } from '../../../src/main/replay/replay-driver';
import { createReplayPoller } from '../../../src/main/replay/replay-poller';
import { createReplayWorkload } from '../../../src/main/replay/replay-workload';
import { HEADER, record, story } from './story';

const dir = mkdtempSync(join(tmpdir(), 'rec-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const simFile = record(dir, story({ seconds: 240 })).path;

function load(path = simFile) {
  const r = loadReplay(path, { deck: { file: HEADER.deck.file, title: HEADER.deck.title, slug: 'tikv-resilience' } });
  if (!r.ok) throw new Error(r.error);
  return r.engine;
}

describe('replay parts in the stage', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2027, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the fault service kills a random TiKV through the replay driver; the map shows that node drop; restore brings it back', async () => {
    const engine = load();
    const driver = createReplayDriver(engine);
    const ledger = openLedger(join(mkdtempSync(join(dir, 'l-')), 'replay-fault-ledger.jsonl'));
    const faults = createFaultService({ driver, ledger, scope: 'replay', pdLeader: () => engine.pdView().leader, random: () => 0.99 });
    const snaps: ClusterSnapshot[] = [];
    const feed = createClusterFeed({
      cluster: { mode: 'sim', pdUrl: engine.pdUrl, pdFallbacks: [], driver, containerNote: null, workload: createReplayWorkload(engine, 'sim'), timeScale: 1 },
      notice: (t) => {
        throw new Error(t);
      },
      poller: (onView) => createReplayPoller(engine, onView)
    });
    feed.onSnapshot((s) => snaps.push(s));
    await feed.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(feed.current().tikv.map((n) => n.container)).toEqual(['running', 'running', 'running']);

    const r = await faults.inject({ kind: 'kill', target: { type: 'random-tikv' } });
    expect(r.node).toBe('tikv2'); // random() = 0.99 picks the last; the recording killed tikv1
    await vi.advanceTimersByTimeAsync(31_000);
    const down = feed.current();
    expect(down.tikv.find((n) => n.name === 'tikv2')).toMatchObject({ container: 'exited', state: 'disconnected', leaderCount: 0, storeId: '3' });
    expect(down.tikv.filter((n) => n.container === 'running')).toHaveLength(2);
    expect(down.takenAt).toBeGreaterThan(Date.now() - 1500);

    const res = await faults.restoreAll();
    expect(res.restored.map((x) => x.node)).toEqual(['tikv2']);
    expect(res.revived).toEqual([]); // the recorded recovery is under way: nothing to "revive"
    expect(res.failed).toEqual([]);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(feed.current().tikv.map((n) => [n.state, n.container])).toEqual([
      ['up', 'running'],
      ['up', 'running'],
      ['up', 'running']
    ]);
    expect(snaps.length).toBeGreaterThan(50);
    await feed.close();
  });

  it('the workload figure reaches the feed only once the show starts the load', async () => {
    const engine = load();
    const workload = createReplayWorkload(engine, 'sim');
    const feed = createClusterFeed({
      cluster: { mode: 'sim', pdUrl: engine.pdUrl, pdFallbacks: [], driver: createReplayDriver(engine), containerNote: null, workload, timeScale: 1 },
      notice: () => undefined,
      poller: (onView) => createReplayPoller(engine, onView)
    });
    await feed.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(feed.current().workload).toMatchObject({ running: false, current: null });
    await workload.start();
    await vi.advanceTimersByTimeAsync(5000);
    const w = feed.current().workload!;
    expect(w.running).toBe(true);
    expect(w.current!.ops).toBeGreaterThanOrEqual(1000);
    expect(w.history.length).toBeGreaterThanOrEqual(4);
    expect(feed.current().tikv[0]!.opsPerSec).toBeGreaterThan(0);
    await feed.close();
  });

  it('the driver refuses an unknown node and never claims to revive what is already coming back', async () => {
    const engine = load();
    const driver = createReplayDriver(engine);
    expect(driver.label).toMatch(/^the recording .*\.jsonl$/);
    await expect(driver.apply('kill', 'tikv9')).rejects.toThrow('no node named "tikv9" in the recording');
    expect(await driver.reviveAll()).toEqual({ revived: [], failed: [] });
  });
});

describe('recordings on disk', () => {
  it('a damaged recording is refused with its line, or played up to the damage when chosen', () => {
    const text = readFileSync(simFile, 'utf8');
    const lines = text.split('\n');
    const n = lines.length - 10;
    const damaged = join(dir, 'damaged.jsonl');
    writeFileSync(damaged, [...lines.slice(0, n - 1), '{"k":"snap", garbage', ...lines.slice(n)].join('\n'));
    const refused = loadReplay(damaged);
    expect(refused).toMatchObject({ ok: false, line: n, partial: true, error: expect.stringMatching(new RegExp(`damaged: line ${n}: not JSON`)) });
    const played = loadReplay(damaged, { upToDamage: true });
    if (!played.ok) throw new Error(played.error);
    expect(played.engine.info.damage?.line).toBe(n);
    expect(played.engine.notes().join(' ')).toMatch(`damaged at line ${n}`);
  });

  it('lists recordings newest first, and offers a live one before a simulated one', () => {
    const d = mkdtempSync(join(dir, 'list-'));
    record(d, story({ seconds: 100 }));
    expect(recordingForDeck(listRecordings(d), 'tikv-resilience')).toMatchObject({ level: 'amber', text: expect.stringMatching(/only a recording from the simulator/) });
    const liveStory = story({ seconds: 100 }).map((e) => ({ ...e, t: e.t - 3_600_000 }));
    record(d, liveStory, { ...HEADER, mode: 'live', modeReason: 'live: Docker answers; PD answers' });
    const all = listRecordings(d);
    expect(all.map((e) => e.header.mode)).toEqual(['sim', 'live']);
    expect(all[0]!.header.t).toBeGreaterThan(all[1]!.header.t);
    expect(recordingForDeck(all, 'tikv-resilience')).toMatchObject({ level: 'green', entry: { header: { mode: 'live' } } });
    expect(recordingForDeck(all, 'another-deck')).toBe(null);
    writeFileSync(join(d, 'recordings', 'junk.jsonl'), 'not json\n');
    expect(listRecordings(d)).toHaveLength(2);
    expect(listRecordings(join(d, 'nowhere'))).toEqual([]);
  });
});
