// resetShow at the stage: the order of its steps, waiting for the cluster to settle, and the
// whole request on a real simulated cluster through the stage's handlers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/main/config';
import { createStage, type Stage } from '../../../src/main/stage';
import { createActionRunner } from '../../../src/main/stage/actions';
import { createJournal } from '../../../src/main/stage/journal';
import { resetShow, unsettledReason } from '../../../src/main/stage/reset';
import type { ClusterSnapshot } from '../../../src/shared/cluster';
import { BUILTIN_DECK, snapshot } from '../show/helpers';
import { fakeFaults, fakeWorkload } from './fakes';

const up = (): ClusterSnapshot => snapshot(0, { tikv0: {}, tikv1: {}, tikv2: {} });

describe('unsettledReason', () => {
  it('is null only when every node runs, PD says Up for each store and PD has a leader', () => {
    expect(unsettledReason(up())).toBeNull();
    expect(unsettledReason(snapshot(0, { tikv0: {}, tikv1: { container: 'exited' } }))).toMatch(/tikv1 is exited/);
    expect(unsettledReason(snapshot(0, { tikv0: {}, tikv1: { state: 'disconnected' } }))).toMatch(/PD says tikv1 is disconnected/);
    expect(unsettledReason(snapshot(0, { tikv0: { partitioned: true } }))).toMatch(/cut off/);
    expect(unsettledReason({ ...up(), pdLeader: null })).toMatch(/no leader/);
    expect(unsettledReason({ ...up(), pdError: 'connection refused' })).toMatch(/PD: connection refused/);
  });

  it('waits for a store brought back to be heard from: PD may not have noticed it was gone yet', () => {
    const back = { names: new Set(['tikv1', 'pd2']), since: 10_000 };
    const at = (hb: number | null): ClusterSnapshot => snapshot(13_000, { tikv0: { heartbeatMs: 1 }, tikv1: { heartbeatMs: hb }, tikv2: {} });
    // Still Up in PD's eyes, with a heartbeat from before the restore: not settled.
    expect(unsettledReason(at(9_000), back)).toMatch(/tikv1 has not sent PD a heartbeat since it was brought back/);
    expect(unsettledReason(at(10_000), back)).toBeNull();
    expect(unsettledReason(at(12_500), back)).toBeNull();
    // No heartbeat time from PD: its state is all there is. Stores not brought back are not waited on.
    expect(unsettledReason(at(null), back)).toBeNull();
    expect(unsettledReason(at(9_000))).toBeNull();
  });

  it("tells a heartbeat since the restore when PD's clock is not this app's, behind or ahead", () => {
    // PD's clock a minute behind ours (Docker Desktop's VM after a laptop sleeps): every
    // heartbeat reads a minute old, so only a change from the one seen after the restore counts.
    const behind = { names: new Set(['tikv1']), since: 100_000, seen: new Map([['tikv1', 35_000]]) };
    const slow = (hb: number): ClusterSnapshot => snapshot(100_500, { tikv0: { heartbeatMs: 39_000 }, tikv1: { heartbeatMs: hb }, tikv2: { heartbeatMs: 38_000 } });
    expect(unsettledReason(slow(35_000), behind)).toMatch(/tikv1 has not sent PD a heartbeat/);
    expect(unsettledReason(slow(40_200), behind)).toBeNull();
    // A minute ahead: the killed store's last heartbeat, from before the restore, reads later
    // than the restore began; the other stores' read in our future, so that is not believed.
    const ahead = { names: new Set(['tikv1']), since: 100_000, seen: new Map([['tikv1', 155_000]]) };
    const fast = (hb: number): ClusterSnapshot => snapshot(100_500, { tikv0: { heartbeatMs: 159_000 }, tikv1: { heartbeatMs: hb }, tikv2: { heartbeatMs: 158_000 } });
    expect(unsettledReason(fast(155_000), ahead)).toMatch(/tikv1 has not sent PD a heartbeat/);
    expect(unsettledReason(fast(160_400), ahead)).toBeNull();
    // A lead seen earlier in the reset still counts on a snapshot that shows none (every other
    // store's heartbeat a few seconds old by then).
    const quiet = snapshot(100_500, { tikv0: { heartbeatMs: 95_000 }, tikv1: { heartbeatMs: 101_000 }, tikv2: { heartbeatMs: 94_000 } });
    expect(unsettledReason(quiet, { names: new Set(['tikv1']), since: 100_000, pdLeadMs: 5_000 })).toMatch(/tikv1 has not sent PD a heartbeat/);
    expect(unsettledReason(quiet, { names: new Set(['tikv1']), since: 100_000 })).toBeNull();
    // No heartbeat time for the store just after the restore (a new PD leader has none yet):
    // the first one PD reports is since.
    const none = { names: new Set(['tikv1']), since: 100_000, seen: new Map([['tikv1', null]]) };
    expect(unsettledReason(slow(40_200), none)).toBeNull();
  });
});

describe('resetShow', () => {
  /** `wallStep(t)`: how far the wall clock has been set back at steady time t (ms). */
  function parts(snapshots: ClusterSnapshot[], opts: { restoreFailures?: string[]; wallStep?: (t: number) => number } = {}) {
    const steps: string[] = [];
    const journal = createJournal({ onLog: () => undefined });
    const faults = fakeFaults(opts);
    const workload = fakeWorkload();
    const actions = createActionRunner({ faults, workload, containerNote: null, journal, record: () => undefined });
    let t = 0;
    return {
      steps,
      journal,
      faults,
      workload,
      run: (settleTimeoutMs = 10_000) =>
        resetShow({
          actions,
          standDown: () => void steps.push('stand down'),
          snapshot: () => snapshots[Math.min(steps.filter((s) => s === 'poll').length, snapshots.length - 1)]!,
          deckStartsWorkload: () => true,
          journal,
          restart: {
            markEpoch: () => void steps.push('epoch'),
            clearWorkloadHistory: () => void steps.push('history'),
            presenter: () => void steps.push('presenter'),
            show: () => void steps.push('show')
          },
          settleTimeoutMs,
          now: () => t - (opts.wallStep?.(t) ?? 0),
          monotonic: () => t,
          sleep: async (ms) => {
            t += ms;
            steps.push('poll');
          }
        })
    };
  }

  it('restores every fault, stops the workload, waits for the cluster, then starts the show afresh', async () => {
    const p = parts([snapshot(0, { tikv1: { container: 'exited' } }), snapshot(0, { tikv1: { state: 'disconnected' } }), up()]);
    await p.faults.inject({ kind: 'kill', target: { type: 'named', name: 'tikv1' } });
    p.journal.notice('an old notice');
    await p.run();
    expect(p.faults.unresolved()).toEqual([]);
    expect(p.workload.calls).toEqual(['stop']);
    expect(p.steps).toEqual(['stand down', 'poll', 'poll', 'epoch', 'history', 'presenter', 'show']);
    expect(p.journal.notices()).toEqual([]);
    expect(p.journal.entries().at(-1)).toMatchObject({ what: 'show reset', outcome: 'ok' });
  });

  it('does not take a store killed a moment ago and still Up in PD for settled: it waits for its next heartbeat', async () => {
    const stale = snapshot(0, { tikv0: {}, tikv1: { heartbeatMs: -4_000 }, tikv2: {} });
    const heard = snapshot(0, { tikv0: {}, tikv1: { heartbeatMs: 350 }, tikv2: {} });
    const p = parts([stale, stale, heard]);
    await p.faults.inject({ kind: 'kill', target: { type: 'named', name: 'tikv1' } });
    await p.run();
    expect(p.steps).toEqual(['stand down', 'poll', 'poll', 'epoch', 'history', 'presenter', 'show']);
    expect(p.journal.entries().at(-1)).toMatchObject({ what: 'show reset', outcome: 'ok' });
  });

  it("settles on a store's next heartbeat when PD's clock lags this app's by a minute", async () => {
    // Our wall clock reads a minute past PD's: heartbeats PD stamps are all "before" the restore.
    const at = (takenAt: number, tikv1: number): ClusterSnapshot =>
      snapshot(takenAt, { tikv0: { heartbeatMs: -1_000 }, tikv1: { heartbeatMs: tikv1 }, tikv2: { heartbeatMs: -2_000 } });
    // The first round to end after the restore may have read /stores before the kill (tikv1's
    // heartbeat before its last); the next round's reading is the one to compare with.
    const p = parts([at(60_000, -9_000), at(60_000, -9_000), at(61_000, -4_000), at(61_000, -4_000), at(62_000, 350)], { wallStep: () => -60_000 });
    await p.faults.inject({ kind: 'kill', target: { type: 'named', name: 'tikv1' } });
    await p.run();
    expect(p.steps).toEqual(['stand down', 'poll', 'poll', 'poll', 'poll', 'epoch', 'history', 'presenter', 'show']);
    expect(p.journal.entries().at(-1)).toMatchObject({ what: 'show reset', outcome: 'ok' });
  });

  it('goes on after the settle timeout, and tells the presenter why', async () => {
    const p = parts([snapshot(0, { tikv1: { state: 'disconnected' } })], { restoreFailures: ['engine gone'] });
    await p.run(1_000);
    expect(p.steps.at(-1)).toBe('show');
    expect(p.journal.notices().join('\n')).toMatch(/had not settled \(PD says tikv1 is disconnected\)/);
    expect(p.journal.notices().join('\n')).toMatch(/could not bring back/);
    expect(p.journal.entries().at(-1)).toMatchObject({ what: 'show reset', outcome: 'failed' });
  });

  it('keeps its settle deadline on a steady clock: a wall clock set back an hour does not hold the show', async () => {
    const p = parts([snapshot(0, { tikv1: { state: 'disconnected' } })], { wallStep: (t) => (t >= 400 ? 3_600_000 : 0) });
    await p.run(1_000);
    // 1 s of polls at 200 ms, not an hour and a second of them.
    expect(p.steps.filter((s) => s === 'poll').length).toBe(5);
    expect(p.steps.at(-1)).toBe('show');
    expect(p.journal.notices().join('\n')).toMatch(/had not settled/);
  });
});

describe('resetShow through the stage (simulated cluster)', () => {
  let stage: Stage | null = null;
  afterEach(async () => {
    await stage?.close();
    stage = null;
  });

  it('runs the show twice: the fault fires again, the first show is forgotten, bindings stay', async () => {
    const parsed = parseConfig(['--mode', 'sim', '--sim-speed', '20']);
    if (!parsed.ok) throw new Error(parsed.error);
    stage = await createStage({ config: parsed.config, dataDir: mkdtempSync(join(tmpdir(), 'stage-reset-')), builtinDeck: BUILTIN_DECK, log: () => undefined });
    const h = stage.handlers;
    await h.setKeyBinding('x', 'next');
    await h.next();
    await h.next();
    await h.next(); // Fault Injection: its countdown runs
    const killed = async (): Promise<boolean> => stage!.state().show.faults.some((f) => f.status === 'open');
    for (let i = 0; i < 100 && !(await killed()); i++) await new Promise((ok) => setTimeout(ok, 100));
    expect(await killed()).toBe(true);
    expect(stage.state().show.timeline.length).toBeGreaterThan(0);
    expect(stage.state().show.presenter.timer.running).toBe(true);

    const resetting = h.resetShow();
    // While it waits for the cluster, a move could start a countdown: it is refused.
    await expect(h.next()).rejects.toThrow(/^next refused: the show is being reset/);
    const after = await resetting;
    expect(after.index).toBe(0);
    expect(after.faults).toEqual([]);
    expect(after.timeline).toEqual([]);
    expect(after.diagnosis).toEqual([]);
    expect(after.presenter.timer).toMatchObject({ running: false, elapsedMs: 0 });
    expect(after.presenter.keymap).toEqual({ x: 'next' });
    expect(stage.state().cluster.tikv.every((n) => n.container === 'running' && n.state === 'up')).toBe(true);
    expect(stage.state().cluster.workload?.history ?? []).toEqual([]);

    // Nothing fires by itself after the reset ...
    await new Promise((ok) => setTimeout(ok, 500));
    expect(stage.state().show.faults).toEqual([]);
    // ... and walking the show again fires the fault beat again.
    await h.next();
    await h.next();
    await h.next();
    for (let i = 0; i < 100 && !(await killed()); i++) await new Promise((ok) => setTimeout(ok, 100));
    expect(stage.state().show.faults.filter((f) => f.status === 'open')).toHaveLength(1);
  }, 60_000);
});
