// A booted cluster that can be swapped for a recording mid-show, without rebuilding the stage:
// its chaos driver, workload, fault ledger and PD poller are thin stand-ins that pass every call
// to the cluster in use, and its mode fields are read afresh by every part on every snapshot.
// Switching (live or sim -> replay) stops the old cluster's feeds, points the stand-ins at the
// recording, and closes the old cluster's connections. It never touches the old cluster's
// nodes: a fault still open there stays on its own ledger, for the next live start to restore.
import type { FaultKind } from '../../shared/actions';
import type { ChaosDriver, NodeProcess } from '../chaos/driver';
import type { Ledger } from '../chaos/ledger';
import { createPdPoller, type PdPoller } from '../cluster/poller';
import type { PdView } from '../cluster/types';
import type { BootedCluster } from '../stage/boot';
import type { WorkloadSource } from '../workload/source';
import { bootReplay, type ReplayCluster } from './replay-boot';
import { createReplayPoller } from './replay-poller';

export interface SwitchableCluster extends BootedCluster {
  /** The cluster feed's poller factory: PD's real poller, or the recording's stand-in. */
  poller(onView: (v: PdView) => void): PdPoller;
  /** Points every part at the recording; the show goes on at the current beat. */
  switchTo(next: ReplayCluster): Promise<void>;
}

function switchableDriver(get: () => ChaosDriver): { driver: ChaosDriver; rewatch(): void } {
  const listeners = new Set<(p: NodeProcess) => void>();
  let off: (() => void) | null = null;
  const subscribe = (): void => {
    off?.();
    off = listeners.size ? get().watch((p) => listeners.forEach((l) => l(p))) : null;
  };
  const driver: ChaosDriver = {
    get label() {
      return get().label;
    },
    list: () => get().list(),
    apply: (kind, name) => get().apply(kind, name),
    undo: (kind, name) => get().undo(kind, name),
    reviveAll: () => get().reviveAll(),
    watch(listener) {
      listeners.add(listener);
      subscribe();
      return () => {
        listeners.delete(listener);
        subscribe();
      };
    },
    close: () => get().close()
  };
  return { driver, rewatch: subscribe };
}

function switchableWorkload(get: () => WorkloadSource): WorkloadSource {
  return {
    get kind() {
      return get().kind;
    },
    start: () => get().start(),
    stop: () => get().stop(),
    sample: () => get().sample(),
    close: () => get().close()
  };
}

function switchableLedger(get: () => Ledger): Ledger {
  return {
    get path() {
      return get().path;
    },
    append: (e) => get().append(e),
    records: () => get().records(),
    unresolved: (scope) => get().unresolved(scope),
    damage: () => get().damage()
  };
}

/** Wraps a booted cluster so that it can become a replay mid-show. */
export function makeSwitchable(booted: BootedCluster): SwitchableCluster {
  let current: BootedCluster = booted;
  const d = booted.driver ? switchableDriver(() => current.driver!) : null;
  const workload = booted.workload ? switchableWorkload(() => current.workload!) : null;
  const ledger = booted.ledger ? switchableLedger(() => current.ledger!) : null;
  let pollers: { onView: (v: PdView) => void; inner: PdPoller; running: boolean }[] = [];

  const pollerFor = (c: BootedCluster, onView: (v: PdView) => void): PdPoller =>
    c.replay
      ? createReplayPoller(c.replay, onView)
      : createPdPoller({ pdUrl: c.pdUrl, fallbackUrls: c.mode === 'live' ? c.pdFallbacks : [], onView });

  const self: SwitchableCluster = {
    ...booted,
    driver: d?.driver ?? null,
    workload,
    ledger,
    poller(onView) {
      const entry = { onView, inner: pollerFor(current, onView), running: false };
      pollers.push(entry);
      return {
        start() {
          entry.running = true;
          entry.inner.start();
        },
        async stop() {
          entry.running = false;
          await entry.inner.stop();
          pollers = pollers.filter((p) => p !== entry);
        },
        current: () => entry.inner.current()
      };
    },
    async switchTo(next) {
      // The fault service keeps writing through the ledger stand-in: the replay needs one of its own.
      if (ledger && !next.ledger) throw new Error(next.ledgerError ?? 'the replay has no fault ledger');
      const old = current;
      const wasRunning = old.workload?.sample().running ?? false;
      for (const p of pollers) await p.inner.stop();
      current = next;
      Object.assign(self, {
        mode: next.mode,
        modeReason: next.modeReason,
        pdUrl: next.pdUrl,
        pdFallbacks: [],
        timeScale: next.timeScale,
        sim: null,
        containerNote: null,
        replay: next.replay,
        ledgerError: next.ledgerError
      });
      d?.rewatch();
      for (const p of pollers) {
        p.inner = pollerFor(next, p.onView);
        if (p.running) p.inner.start();
      }
      if (wasRunning) await next.workload.start();
      await old.close().catch(() => undefined);
    },
    close: () => current.close()
  };
  return self;
}

export interface SwitchRequest {
  cluster: SwitchableCluster;
  /** The recording to play. */
  file: string;
  upToDamage: boolean;
  dataDir: string;
  /** 1-based chapter the show is at, for the mode's reason. */
  chapter: number;
  deck: { file: string | null; title: string; slug: string };
  /** Faults open on the old cluster: their recorded segments play, so the map stays at this beat. */
  openFaults: { kind: FaultKind; node: string }[];
  /** Ends the old cluster's recording (a replay is not recorded). */
  endRecording(reason: string): void;
}

/** Switches the show to a recording at the current beat; resolves with what to tell the presenter. */
export async function switchToRecording(r: SwitchRequest): Promise<string> {
  const from = r.cluster.mode;
  if (from === 'replay' && r.cluster.replay?.info.file === r.file) return 'already playing that recording';
  const next = bootReplay({ file: r.file, upToDamage: r.upToDamage, dataDir: r.dataDir, why: `switched from ${from} at chapter ${r.chapter}` });
  next.replay.setDeck(r.deck);
  // Refuse before ending anything: a switch that cannot happen must leave the live show recorded.
  if (r.cluster.ledger && !next.ledger) throw new Error(next.ledgerError ?? 'the replay has no fault ledger');
  r.endRecording(`switched to replay of ${r.file}`);
  await r.cluster.switchTo(next);
  const notes: string[] = [];
  for (const f of r.openFaults) {
    try {
      next.replay.fault(f.kind, f.node);
    } catch (e) {
      notes.push(`${f.kind} ${f.node} cannot be shown from the recording: ${(e as Error).message}`);
    }
  }
  const left = from === 'live' && r.openFaults.length ? `; on the real cluster ${r.openFaults.map((f) => `${f.kind} ${f.node}`).join(', ')} stays until the app next starts live (it restores it then)` : '';
  return [`now playing ${next.modeReason}${left}`, ...notes].join('; ');
}
