// The simulated cluster as the app uses it: a SimEngine driven by a steady clock, a PD API
// server over it, and the SimControl side door that plays Docker's role.
import { SimEngine } from '../core/engine';
import { formatYcsbLines } from '../core/workload';
import { startPdServer } from '../pd-api/server';
import type { SimCluster, SimControl, SimOptions, SimProcess } from '../types';
import { steadyClock } from './steady-clock';

export interface SimClusterHandle extends SimCluster {
  /** The engine behind the server (read-only use: tests, diagnostics). */
  engine: SimEngine;
  /** The workload's cumulative figures as go-ycsb status lines (empty before any op). */
  ycsbLines(): string[];
}

export interface SimClusterExtras {
  /** The engine's clock (ms). Default: steady (steady-clock.ts), so a stepped wall clock neither stalls nor replays the cluster. */
  clock?: () => number;
  /** The wall clock (ms) for the stamps PD answers with. Default: `clock` when given, else Date.now. */
  wall?: () => number;
  /** Cap on the scaled 3 s PD waits, wall ms (default none: PD's 3 s, scaled by speed). */
  maxWaitMs?: number;
  /** Add a Tombstone store (id 2) that only ?state=2 shows. */
  tombstoneStore?: boolean;
}

export async function startSimCluster(opts: SimOptions & SimClusterExtras): Promise<SimClusterHandle> {
  const wall = opts.wall ?? opts.clock ?? Date.now;
  const clock = opts.clock ?? steadyClock(wall);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const engine = new SimEngine({
    speed: opts.speed,
    now: clock(),
    seed,
    tombstoneStore: opts.tombstoneStore
  });
  const server = await startPdServer(engine, {
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    clock,
    wall,
    seed,
    maxWaitMs: opts.maxWaitMs
  });
  const sync = (): void => engine.advance(clock(), wall());

  // Elections, heartbeats and process exits happen on the engine's schedule; a timer moves it
  // along so callbacks fire even when nobody polls.
  const periodMs = Math.min(100, Math.max(10, 250 / opts.speed));
  const timer = setInterval(sync, periodMs);
  timer.unref();

  const pendingStops = new Set<() => void>();
  if (opts.workload) engine.startWorkload();

  const act =
    (fn: (name: string) => void) =>
    (name: string): void => {
      sync();
      fn(name);
    };

  const control: SimControl = {
    kill: act((n) => engine.kill(n)),
    pause: act((n) => engine.pause(n)),
    unpause: act((n) => engine.unpause(n)),
    start: act((n) => engine.start(n)),
    partition: act((n) => engine.partition(n)),
    heal: act((n) => engine.heal(n)),
    stop: (name) => {
      sync();
      if (engine.describe(name).state === 'exited') return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          pendingStops.delete(done);
          off();
          resolve();
        };
        const off = engine.onProcessChange((p) => {
          if (p.name === name && p.state === 'exited') done();
        });
        pendingStops.add(done);
        engine.stop(name);
      });
    },
    processes: () => {
      sync();
      return engine.processes();
    },
    onProcessChange: (listener: (p: SimProcess) => void) => engine.onProcessChange(listener),
    startWorkload: () => {
      sync();
      engine.startWorkload();
    },
    stopWorkload: () => {
      sync();
      engine.stopWorkload();
    },
    workload: () => {
      sync();
      const w = engine.workload;
      // The sample's time as the wall clock reads it, like every stamp the app gets (wallOffsetMs).
      const current = w.current && { ...w.current, t: Math.round(w.current.t + engine.wallOffsetMs) };
      return { running: w.running, current, perStoreOps: { ...w.perStoreOps } };
    }
  };

  let closing: Promise<void> | null = null;
  return {
    pdUrl: server.url,
    control,
    engine,
    ycsbLines: () => {
      sync();
      return formatYcsbLines(engine.ycsbTotals());
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(timer);
        engine.stopWorkload();
        for (const done of [...pendingStops]) done();
        await server.close();
      })();
      return closing;
    }
  };
}
