// Boot: choose the cluster. Probes Docker and PD (unless --mode sim), decides the mode and
// says why, then brings up what that mode runs on: the simulated cluster, or the live
// project's chaos driver and workload. Nothing here starts polling or fires a fault.
import { join } from 'node:path';
import type { Mode } from '../../shared/cluster';
import type { ChaosDriver } from '../chaos/driver';
import { openFreshLedger, openLedgerSafely, type Ledger } from '../chaos/ledger';
import { createSimDriver } from '../chaos/sim-driver';
import { DEFAULT_PD, type AppConfig } from '../config';
import { decideMode, probePd, type Probe } from '../mode';
import { startSimCluster } from '../sim';
import type { SimCluster } from '../sim/types';
import { bootReplay } from '../replay/replay-boot';
import type { ReplayEngine } from '../replay/replay-engine';
import { createSimWorkload } from '../workload/sim-workload';
import type { WorkloadSource } from '../workload/source';
import type { LiveDeps } from './types';

export interface BootedCluster {
  mode: Mode;
  /** Why this mode, in plain words, for the presenter view. */
  modeReason: string;
  pdUrl: string;
  /** The other PD members, polled when pdUrl stops answering (a killed PD leader). */
  pdFallbacks: string[];
  /** The simulated cluster's time scale (1 in live mode). */
  timeScale: number;
  sim: SimCluster | null;
  driver: ChaosDriver | null;
  /** Why container states are unknown (no Docker, no project), or null. */
  containerNote: string | null;
  workload: WorkloadSource | null;
  /** Which cluster the ledger's records belong to: the compose project, or the sim's URL. */
  scope: string;
  /** Null when the ledger file cannot be opened: then no fault may be injected (see ledgerError). */
  ledger: Ledger | null;
  ledgerError: string | null;
  /** Replay mode: the recording standing in for the cluster (its engine feeds the poller stand-in). */
  replay?: ReplayEngine | null;
  close(): Promise<void>;
}

/** Which ledger file a mode writes. Pure. */
export function ledgerFile(dataDir: string, mode: Mode): string {
  return join(dataDir, mode === 'sim' ? 'sim-fault-ledger.jsonl' : 'fault-ledger.jsonl');
}

interface Probed {
  pdUrl: string;
  pdFallbacks: string[];
  docker: Probe | null;
  pd: Probe | null;
}

/** Probes Docker (and the project's published PD ports) and PD, unless the flags say sim. */
async function probe(config: AppConfig, live: LiveDeps | undefined): Promise<Probed> {
  const out: Probed = { pdUrl: config.pd ?? DEFAULT_PD, pdFallbacks: [], docker: null, pd: null };
  if (config.mode === 'sim') return out;
  if (!live) out.docker = { ok: false, detail: 'Docker support is not available in this build' };
  else {
    out.docker = await live.probeDocker();
    if (out.docker.ok && live.discoverPd) {
      const found = await live.discoverPd().catch(() => []);
      if (!config.pd && found[0]) out.pdUrl = found[0];
      out.pdFallbacks = found.filter((u) => u !== out.pdUrl);
    }
  }
  out.pd = await probePd(out.pdUrl);
  return out;
}

export async function bootCluster(
  config: AppConfig,
  live: LiveDeps | undefined,
  dataDir: string,
  log: (line: string) => void
): Promise<BootedCluster> {
  // --replay FILE: a recording instead of any cluster; nothing is probed, nothing dialled.
  if (config.replay) {
    const replay = bootReplay({ file: config.replay, upToDamage: config.replayPartial === true, dataDir, why: 'chosen with --replay' });
    log(`tikv-stage: mode replay: ${replay.modeReason}`);
    return replay;
  }
  const probed = await probe(config, live);
  const decision = decideMode(config.mode, probed.docker, probed.pd);
  log(`tikv-stage: mode ${decision.mode}: ${decision.reason}`);

  const path = ledgerFile(dataDir, decision.mode);
  if (decision.mode === 'sim') {
    // The simulated cluster is new on every run, so its faults cannot outlive it: they get a
    // ledger of their own, started afresh, and never mix with the real cluster's.
    const sim = await startSimCluster({ speed: config.simSpeed });
    const driver = createSimDriver(sim.control);
    const workload = createSimWorkload(sim.control);
    return {
      mode: 'sim',
      modeReason: decision.reason,
      pdUrl: sim.pdUrl,
      pdFallbacks: [],
      timeScale: config.simSpeed,
      sim,
      driver,
      containerNote: null,
      workload,
      scope: `sim:${sim.pdUrl}`,
      ...openFreshLedger(path),
      async close() {
        await workload.close();
        await driver.close();
        await sim.close();
      }
    };
  }

  let driver: ChaosDriver | null = null;
  let containerNote: string | null = null;
  if (live && probed.docker?.ok) {
    const d = await live.connectDocker();
    if (d.ok) driver = d.driver;
    else containerNote = d.error;
  } else {
    containerNote = probed.docker?.detail ?? 'no Docker engine';
  }
  const workload = live?.workload?.() ?? null;
  return {
    mode: 'live',
    modeReason: decision.reason,
    pdUrl: probed.pdUrl,
    pdFallbacks: probed.pdFallbacks,
    timeScale: 1,
    sim: null,
    driver,
    containerNote,
    workload,
    scope: config.project,
    ...openLedgerSafely(path, undefined, { compact: true }), // it outlives every run: compact it here only
    async close() {
      await workload?.close();
      await driver?.close();
    }
  };
}
