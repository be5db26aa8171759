// Replay mode's cluster: a recording stands in for Docker, PD and the workload. Nothing here
// opens a socket: the chaos driver, the PD "poller" and the workload all read the recording.
import { basename, join } from 'node:path';
import { openFreshLedger, type Ledger } from '../chaos/ledger';
import type { ChaosDriver } from '../chaos/driver';
import type { WorkloadSource } from '../workload/source';
import { loadReplay } from './recording-files';
import { utcMinute } from './recording-format';
import type { ReplayEngine } from './replay-engine';
import { createReplayDriver } from './replay-driver';
import { createReplayWorkload } from './replay-workload';

/** The replay's faults never mix with a real cluster's: their own ledger, started afresh. */
export const REPLAY_LEDGER = 'replay-fault-ledger.jsonl';

export interface ReplayCluster {
  mode: 'replay';
  modeReason: string;
  pdUrl: string;
  pdFallbacks: string[];
  timeScale: number;
  sim: null;
  driver: ChaosDriver;
  containerNote: string | null;
  workload: WorkloadSource;
  scope: string;
  ledger: Ledger | null;
  ledgerError: string | null;
  replay: ReplayEngine;
  close(): Promise<void>;
}

/** "a recording made on the real cluster on 2026-11-30 09:00 UTC". Pure. */
export function describeRecording(engine: Pick<ReplayEngine, 'info'>): string {
  const i = engine.info;
  const minute = utcMinute(i.madeAt);
  const when = minute === null ? 'at an unknown time' : `on ${minute} UTC`;
  const where = i.madeIn === 'live' ? 'the real cluster' : i.madeIn === 'sim' ? 'the simulated cluster' : 'another replay';
  return `a recording made on ${where} ${when} (${basename(i.file)})`;
}

export interface ReplayBootOptions {
  file: string;
  /** Play a damaged recording up to the damage instead of refusing it. */
  upToDamage: boolean;
  dataDir: string;
  /** Why replay: "--replay", "switched from live at chapter 4". */
  why: string;
}

/** Loads the recording and makes its cluster; throws a sentence (file, line) when it cannot. */
export function bootReplay(opts: ReplayBootOptions): ReplayCluster {
  const loaded = loadReplay(opts.file, { upToDamage: opts.upToDamage });
  if (!loaded.ok) {
    const hint = loaded.partial ? '; start with --replay-partial to play it up to the damage' : '';
    throw new Error(`${loaded.error}${hint}`);
  }
  const engine = loaded.engine;
  const path = join(opts.dataDir, REPLAY_LEDGER);
  const { ledger, ledgerError } = openFreshLedger(path, "the replay's fault ledger");
  const driver = createReplayDriver(engine);
  const workload = createReplayWorkload(engine, engine.info.workload ?? 'sim');
  return {
    mode: 'replay',
    modeReason: `replay of ${describeRecording(engine)}, ${opts.why}: no cluster, no Docker, no network`,
    pdUrl: engine.pdUrl,
    pdFallbacks: [],
    timeScale: engine.info.timeScale,
    sim: null,
    driver,
    containerNote: null,
    workload,
    scope: `replay:${basename(opts.file)}`,
    ledger,
    ledgerError,
    replay: engine,
    async close() {
      engine.stop();
      await workload.close();
    }
  };
}
