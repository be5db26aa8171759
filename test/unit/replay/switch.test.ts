// The switch to a recording mid-show, and what the presenter view and the preflight are told.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptySnapshot } from '../../../src/shared/cluster';
import { createFaultService } from '../../../src/main/chaos/faults';
import { openLedger } from '../../../src/main/chaos/ledger';
import { createClusterFeed } from '../../../src/main/stage/cluster-feed';
import type { BootedCluster } from '../../../src/main/stage/boot';
import { listRecordings, recordingForDeck } from '../../../src/main/replay/recording-files';
import { createReplayStatus, liveTroubleOf, recordingLine } from '../../../src/main/replay/replay-status';
import { makeSwitchable, switchToRecording } from '../../../src/main/replay/switchable-cluster';
import { fakeDriver, fakeWorkload } from '../stage/fakes';
import { HEADER, record, story } from './story';

const dir = mkdtempSync(join(tmpdir(), 'rec-switch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = record(dir, story({ seconds: 240 })).path;

function liveCluster(): BootedCluster & { closed: number } {
  const c = {
    mode: 'live' as const,
    modeReason: 'live: Docker answers; PD answers',
    pdUrl: 'http://127.0.0.1:1', // nothing listens: the stand-in poller must never be asked after the switch
    pdFallbacks: [],
    timeScale: 1,
    sim: null,
    driver: fakeDriver([{ name: 'tikv1', kind: 'tikv' as const, state: 'exited' as const, partitioned: false }]),
    containerNote: null,
    workload: fakeWorkload(),
    scope: 'tikvdemo',
    ledger: openLedger(join(mkdtempSync(join(dir, 'live-')), 'fault-ledger.jsonl')),
    ledgerError: null,
    closed: 0,
    async close() {
      c.closed++;
    }
  };
  return c;
}

describe('switching a live show to a recording', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2027, 0, 1), toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('points the feed, the driver, the workload and the ledger at the recording; the open fault plays on', async () => {
    const live = liveCluster();
    const cluster = makeSwitchable(live);
    const feed = createClusterFeed({ cluster, notice: () => undefined, poller: cluster.poller });
    const faults = createFaultService({ driver: cluster.driver!, ledger: cluster.ledger!, scope: cluster.scope, pdLeader: feed.pdLeader });
    await feed.start();
    let ended = '';
    const message = await switchToRecording({
      cluster,
      file,
      upToDamage: false,
      dataDir: mkdtempSync(join(dir, 'data-')),
      chapter: 5,
      deck: { file: HEADER.deck.file, title: HEADER.deck.title, slug: 'tikv-resilience' },
      openFaults: [{ kind: 'kill', node: 'tikv2' }],
      endRecording: (why) => void (ended = why)
    });
    expect(message).toMatch(/^now playing replay of a recording made on the simulated cluster/);
    expect(message).toMatch(/on the real cluster kill tikv2 stays until the app next starts live/);
    expect(ended).toMatch(/^switched to replay of /);
    expect(live.closed).toBe(1);
    expect(cluster).toMatchObject({ mode: 'replay', containerNote: null });
    expect(cluster.modeReason).toMatch(/switched from live at chapter 5/);
    await vi.advanceTimersByTimeAsync(31_000);
    const s = feed.current();
    expect(s.mode).toBe('replay');
    expect(s.tikv.find((n) => n.name === 'tikv2')).toMatchObject({ container: 'exited', state: 'disconnected' });
    expect(s.pdError).toBe(null);
    // Faults now go to the recording, and onto the replay's own ledger.
    expect(faults.all()).toEqual([]);
    await cluster.workload!.start();
    expect(cluster.workload!.sample().running).toBe(true);
    await feed.close();
    await cluster.close();
  });

  it('a recording that cannot be played leaves the live show as it was', async () => {
    const live = liveCluster();
    const cluster = makeSwitchable(live);
    await expect(
      switchToRecording({
        cluster,
        file: join(dir, 'nope.jsonl'),
        upToDamage: false,
        dataDir: dir,
        chapter: 1,
        deck: { file: 'x.md', title: 'x', slug: 'x' },
        openFaults: [],
        endRecording: () => {
          throw new Error('must not end the recording');
        }
      })
    ).rejects.toThrow(/cannot read the recording/);
    expect(cluster.mode).toBe('live');
    expect(live.closed).toBe(0);
  });
});

describe('replay status', () => {
  it('offers the switch only in live mode when Docker or PD stop answering', () => {
    const s = { ...emptySnapshot('live', 'http://pd', 0), pdError: 'connection refused' };
    expect(liveTroubleOf('live', s)).toBe('PD is not answering: connection refused');
    expect(liveTroubleOf('sim', s)).toBe(null);
    expect(liveTroubleOf('live', { ...s, pdError: null, containerNote: 'no Docker engine' })).toBe('Docker is not answering: no Docker engine');
    expect(liveTroubleOf('live', { ...s, pdError: null })).toBe(null);
  });

  it('the preflight line: amber with only a simulator recording, or none; never a no-go', () => {
    expect(recordingLine(null)).toMatchObject({ id: 'recording', ok: true, warn: true });
    const pick = recordingForDeck(listRecordings(dir), 'tikv-resilience');
    expect(recordingLine(pick)).toMatchObject({ ok: true, warn: true, detail: expect.stringMatching(/only a recording from the simulator/) });
    expect(recordingLine(pick && { ...pick, level: 'green' })).toMatchObject({ ok: true, warn: false, fix: null });
  });

  it("never offers the show's own recording as its fallback", () => {
    const own = listRecordings(dir)[0]!.path;
    const status = createReplayStatus({ dataDir: dir, deckSlug: () => 'tikv-resilience', mode: () => 'live', snapshot: () => null, recordingTo: () => own, engine: () => null });
    expect(status.extras()).toMatchObject({ recordingTo: own, playing: null, fallback: null, liveTrouble: null });
    const other = createReplayStatus({ dataDir: dir, deckSlug: () => 'tikv-resilience', mode: () => 'live', snapshot: () => null, recordingTo: () => null, engine: () => null });
    expect(other.extras().fallback).toMatchObject({ path: own, madeIn: 'sim', level: 'amber' });
    expect(other.list().map((r) => r.path)).toContain(own);
  });
});
