// The app's services wired together, the same for Electron and browser mode: the cluster
// (simulated or live), the PD poller, chaos with its ledger, the workload and the show.
// The transports (IPC, WebSocket) only see `handlers`, `state()` and `subscribe()`.
import { rmSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import type { ChapterAction } from '../shared/actions';
import { describeFault } from '../shared/actions';
import { emptySnapshot, type ClusterSnapshot, type ContainerState, type Mode, type WorkloadPoint } from '../shared/cluster';
import type { AppState, EventName, EventPayloads } from '../shared/contract';
import type { PreflightReport } from '../shared/preflight';
import { defaultPresenterExtras, type ActionLogEntry, type PresenterExtras, type ShowState } from '../shared/show';
import { buildSnapshot } from './cluster/snapshot';
import { createPdPoller, initialPdView, type PdPoller } from './cluster/poller';
import type { PdView } from './cluster/types';
import type { ChaosDriver, NodeProcess } from './chaos/driver';
import { createFaultService, type FaultService } from './chaos/faults';
import { openLedger } from './chaos/ledger';
import { createSimDriver } from './chaos/sim-driver';
import { DEFAULT_PD, type AppConfig } from './config';
import { decideMode, probePd, type Probe } from './mode';
import { formatDeckError, loadDeck, type Deck } from './show/deck';
import { watchDeck, type DeckWatcher } from './show/deck-watch';
import { readRehearsals, rehearsalCues, writeRehearsal, type ChapterVisit } from './show/rehearsal';
import { timerCommand } from './show/talk-timer';
import { readKeymap, writeKeymap } from './keymap-store';
import { createShow, type ShowRuntime } from './show/runtime';
import { startSimCluster } from './sim';
import type { SimCluster } from './sim/types';
import type { Handlers } from './transport/dispatch';
import { pushPoint } from './workload/history';
import { createSimWorkload } from './workload/sim-workload';
import type { WorkloadSource } from './workload/source';

/** How the live mode reaches Docker; injected so that plain-Node tests can leave it out. */
export interface LiveDeps {
  probeDocker(): Promise<Probe>;
  /** A chaos driver for the configured compose project, or an error in plain words. */
  connectDocker(): Promise<{ ok: true; driver: ChaosDriver } | { ok: false; error: string }>;
  /** PD URLs published by the compose project's pd containers (running ones first). */
  discoverPd?(): Promise<string[]>;
  workload?(): WorkloadSource | null;
  /** The preflight board against the live cluster. */
  preflight?(pdUrl: string, openFaults: string[]): Promise<PreflightReport>;
}

export interface StageOptions {
  config: AppConfig;
  /** Where the ledger lives. */
  dataDir: string;
  /** The built-in deck, used when --deck is not given. */
  builtinDeck: string;
  live?: LiveDeps;
  /** The preflight board for this mode (live: Docker, images, PD...). */
  preflight?: () => Promise<PreflightReport>;
  /** What only the Electron shell can do. */
  shell?: { swapDisplays(): void };
  log?: (line: string) => void;
}

export interface Stage {
  mode: Mode;
  modeReason: string;
  pdUrl: string;
  handlers: Handlers;
  state(): AppState;
  /** The G-jump being typed, when the Electron shell tracks the keys. */
  setGotoTyping(digits: string | null): void;
  subscribe(listener: <E extends EventName>(event: E, payload: EventPayloads[E]) => void): () => void;
  close(): Promise<void>;
}

const LOG_LIMIT = 200;

export async function createStage(opts: StageOptions): Promise<Stage> {
  const { config } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const listeners = new Set<<E extends EventName>(event: E, payload: EventPayloads[E]) => void>();
  const emit = <E extends EventName>(event: E, payload: EventPayloads[E]): void => {
    for (const l of listeners) l(event, payload);
  };

  // --- choose the mode -------------------------------------------------------------
  let pdUrl = config.pd ?? DEFAULT_PD;
  /** The other PD members, polled when pdUrl stops answering (a killed PD leader). */
  let pdFallbacks: string[] = [];
  let dockerProbe: Probe | null = null;
  let pdProbe: Probe | null = null;
  if (config.mode !== 'sim') {
    if (opts.live) {
      dockerProbe = await opts.live.probeDocker();
      if (dockerProbe.ok && opts.live.discoverPd) {
        const found = await opts.live.discoverPd().catch(() => []);
        if (!config.pd && found[0]) pdUrl = found[0];
        pdFallbacks = found.filter((u) => u !== pdUrl);
      }
    } else {
      dockerProbe = { ok: false, detail: 'Docker support is not available in this build' };
    }
    pdProbe = await probePd(pdUrl);
  }
  const decision = decideMode(config.mode, dockerProbe, pdProbe);
  log(`tikv-stage: mode ${decision.mode}: ${decision.reason}`);

  // --- the cluster and its chaos driver ----------------------------------------------
  let sim: SimCluster | null = null;
  let driver: ChaosDriver | null = null;
  let containerNote: string | null = null;
  let workload: WorkloadSource | null = null;
  let scope: string;
  if (decision.mode === 'sim') {
    sim = await startSimCluster({ speed: config.simSpeed });
    pdUrl = sim.pdUrl;
    driver = createSimDriver(sim.control);
    workload = createSimWorkload(sim.control);
    scope = `sim:${sim.pdUrl}`;
  } else {
    scope = config.project;
    if (opts.live && dockerProbe?.ok) {
      const d = await opts.live.connectDocker();
      if (d.ok) driver = d.driver;
      else containerNote = d.error;
    } else {
      containerNote = dockerProbe?.detail ?? 'no Docker engine';
    }
    workload = opts.live?.workload?.() ?? null;
  }

  // The simulated cluster is new on every run, so its faults cannot outlive it: they get a
  // ledger of their own, started afresh, and never mix with the real cluster's.
  const ledgerPath = join(opts.dataDir, decision.mode === 'sim' ? 'sim-fault-ledger.jsonl' : 'fault-ledger.jsonl');
  if (decision.mode === 'sim') rmSync(ledgerPath, { force: true });
  const ledger = openLedger(ledgerPath);
  let pdView: PdView | null = null;
  let processes = new Map<string, NodeProcess>();
  let workloadHistory: WorkloadPoint[] = [];
  let perStoreOps: Record<string, number> = {};
  let logEntries: ActionLogEntry[] = [];
  let seq = 0;
  const notices: string[] = [];
  if (containerNote && decision.mode === 'live') notices.push(`Container states unknown: ${containerNote}`);

  const addLog = (what: string, outcome: ActionLogEntry['outcome'], detail: string | null = null): void => {
    logEntries = [...logEntries, { seq: ++seq, at: Date.now(), what, outcome, detail }].slice(-LOG_LIMIT);
    emit('log', logEntries);
  };
  const addNotice = (text: string): void => {
    notices.push(text);
    if (notices.length > 20) notices.shift();
  };

  const faults: FaultService | null = driver
    ? createFaultService({
        driver,
        ledger,
        scope,
        pdLeader: () => pdView?.leader ?? null,
        onChange: () => publishShow()
      })
    : null;

  // --- the cluster snapshot --------------------------------------------------------
  const snapshot = (): ClusterSnapshot => {
    const now = Date.now();
    if (!pdView && processes.size === 0)
      return { ...emptySnapshot(decision.mode, pdUrl, now), containerNote, timeScale: decision.mode === 'sim' ? config.simSpeed : 1 };
    const containers = driver
      ? new Map<string, { state: ContainerState; partitioned: boolean }>(
          [...processes.values()].map((p) => [p.name, { state: p.state, partitioned: p.partitioned }])
        )
      : null;
    const w = workload?.sample();
    return buildSnapshot({
      mode: decision.mode,
      pd: pdView ?? initialPdView(pdUrl),
      containers,
      containerNote,
      workload: workload
        ? { running: w?.running ?? false, source: workload.kind, current: w?.current ?? null, history: workloadHistory }
        : null,
      perStoreOps,
      now,
      timeScale: decision.mode === 'sim' ? config.simSpeed : 1
    });
  };

  let lastCluster: ClusterSnapshot = snapshot();
  let clusterTimer: NodeJS.Timeout | null = null;
  // Coalesce bursts (a poll and a Docker event in the same tick) into one publish.
  const publishCluster = (): void => {
    if (clusterTimer) return;
    clusterTimer = setTimeout(() => {
      clusterTimer = null;
      lastCluster = snapshot();
      show.observeCluster(lastCluster);
      emit('cluster', lastCluster);
    }, 50);
  };

  // --- the show --------------------------------------------------------------------
  const executor = {
    async run(action: ChapterAction): Promise<{ ok: boolean; message: string }> {
      // The show's runtime reports a failed chapter action itself: no second notice here.
      return runAction(action, false);
    }
  };

  async function runAction(action: ChapterAction, notify = true): Promise<{ ok: boolean; message: string }> {
    const notice = (text: string): void => {
      if (notify) addNotice(text);
    };
    switch (action.type) {
      case 'fault': {
        const what = describeFault(action.fault);
        if (!faults) {
          const message = `cannot ${what}: ${containerNote ?? 'no chaos driver'}`;
          addLog(what, 'failed', message);
          notice(message);
          return { ok: false, message };
        }
        try {
          const r = await faults.inject(action.fault);
          const message = `${pastTense(r.spec.kind)} ${r.node}`;
          show.recordEvent({ at: r.injectedAt, kind: 'fault-injected', node: r.node, text: message });
          addLog(what, 'ok', message);
          return { ok: true, message };
        } catch (e) {
          const message = (e as Error).message;
          addLog(what, 'failed', message);
          notice(message);
          return { ok: false, message };
        }
      }
      case 'restore':
      case 'restore-all': {
        if (!faults) return { ok: true, message: 'nothing to restore' };
        const res = await faults.restoreAll();
        for (const r of res.restored)
          show.recordEvent({ at: Date.now(), kind: 'restored', node: r.node, text: `restarted ${r.node}` });
        for (const f of res.failed) notice(f.error);
        const message = res.restored.length
          ? `restored ${res.restored.map((r) => r.node).join(', ')}`
          : res.failed.length
            ? 'restore failed'
            : 'nothing to restore';
        addLog(action.type === 'restore' ? 'restore' : 'restore all', res.failed.length ? 'failed' : 'ok', [message, ...res.failed.map((f) => f.error)].join('; '));
        return { ok: res.failed.length === 0, message };
      }
      case 'start-workload':
      case 'stop-workload': {
        if (!workload) return { ok: false, message: 'no workload is available in this mode' };
        try {
          await (action.type === 'start-workload' ? workload.start() : workload.stop());
          addLog(action.type, 'ok');
          return { ok: true, message: action.type === 'start-workload' ? 'workload running' : 'workload stopped' };
        } catch (e) {
          const message = (e as Error).message;
          addLog(action.type, 'failed', message);
          notice(message);
          return { ok: false, message };
        }
      }
    }
  }

  const deckFile = config.deck ?? opts.builtinDeck;
  const deck = await loadDeck(deckFile);
  if (!deck.ok) throw new Error(deck.errors.map(formatDeckError).join('\n'));

  const show: ShowRuntime = createShow({
    deck: deck.deck,
    executor,
    extras: () => ({
      mode: decision.mode,
      modeReason: decision.reason,
      faults: faults?.all() ?? [],
      notices: [...notices, ...(lastCluster.pdError ? [`PD: ${lastCluster.pdError}`] : [])],
      presenter: {
        ...presenter,
        rehearsal: { ...presenter.rehearsal, cues: rehearsals[currentDeckFile]?.cues ?? {} }
      }
    }),
    onChange: () => publishShow(),
    onLog: (e) => addLog(e.what, e.outcome, e.detail)
  });

  // --- the presenter's side: timer, freeze, deck reloads, rehearsal, key bindings ----------
  let currentDeckFile = deck.deck.file;
  const presenter: PresenterExtras = {
    ...defaultPresenterExtras(),
    keymap: readKeymap(join(opts.dataDir, 'keymap.json')),
    timer: { running: false, elapsedMs: 0, since: null, targetMs: deckTargetMs(deck.deck) }
  };
  const rehearsalPath = join(opts.dataDir, 'rehearsals.json');
  let rehearsals = readRehearsals(rehearsalPath);
  presenter.rehearsal.recordedAt = rehearsals[currentDeckFile]?.recordedAt ?? null;
  let visits: ChapterVisit[] = [];
  let rehearsalStart = 0;
  let lastIndex = show.director().index;

  function publishShow(): ShowState {
    const dir = show.director();
    if (dir.index !== lastIndex) {
      // The talk timer starts when the presenter first moves on from the opening chapter.
      if (lastIndex === 0 && dir.index > 0 && !presenter.timer.running && presenter.timer.elapsedMs === 0)
        presenter.timer = timerCommand(presenter.timer, 'start', Date.now());
      lastIndex = dir.index;
      const id = dir.chapters[dir.index]?.id;
      if (presenter.rehearsal.recording && id) visits.push({ chapterId: id, at: Date.now() });
    }
    const s = show.state();
    emit('show', s);
    return s;
  }

  function applyDeck(next: Deck): void {
    presenter.deckErrors = [];
    if (next.file !== currentDeckFile) {
      currentDeckFile = next.file;
      presenter.rehearsal.recordedAt = rehearsals[currentDeckFile]?.recordedAt ?? null;
    }
    presenter.timer = { ...presenter.timer, targetMs: deckTargetMs(next) };
    show.replaceDeck(next);
    publishShow();
  }
  function deckErrors(lines: string[]): void {
    presenter.deckErrors = lines;
    for (const l of lines) console.error(`tikv-stage: deck error: ${l}`);
    addLog('deck not reloaded', 'failed', lines.join('; '));
    publishShow();
  }
  let deckWatcher: DeckWatcher = watchDeck(currentDeckFile, { deck: applyDeck, errors: deckErrors });

  // --- wire the sources ----------------------------------------------------------------
  const poller: PdPoller = createPdPoller({
    pdUrl,
    fallbackUrls: decision.mode === 'live' ? pdFallbacks : [],
    onView: (v) => {
      pdView = v;
      publishCluster();
    }
  });
  poller.start();

  let unwatch: (() => void) | null = null;
  if (driver) {
    unwatch = driver.watch((p) => {
      processes = new Map(processes).set(p.name, p);
      publishCluster();
    });
    try {
      processes = new Map((await driver.list()).map((p) => [p.name, p]));
    } catch (e) {
      addNotice(`could not list the cluster's containers: ${(e as Error).message}`);
    }
  }

  const workloadTimer = setInterval(() => {
    if (!workload) return;
    const w = workload.sample();
    perStoreOps = w.perStoreOps;
    if (w.current) workloadHistory = pushPoint(workloadHistory, w.current);
    publishCluster();
  }, 1000);

  // Open faults from an earlier run (a crash, a quit mid-show): restore them now.
  if (faults && decision.mode === 'live') {
    const open = faults.unresolved();
    if (open.length) {
      const res = await faults.restoreAll();
      const names = res.restored.map((r) => r.node).join(', ');
      if (res.restored.length) {
        addLog('restore faults left open by the last run', 'ok', names);
        log(`tikv-stage: restored faults left open by the last run: ${names}`);
      }
      for (const f of res.failed) addNotice(`a fault left open by the last run could not be undone: ${f.error}`);
    }
  }

  const handlers: Handlers = {
    getState: async () => state(),
    next: async () => (show.next(), publishShow()),
    prev: async () => (show.prev(), publishShow()),
    first: async () => (show.first(), publishShow()),
    last: async () => (show.last(), publishShow()),
    goTo: async (i) => (show.goTo(i), publishShow()),
    blackout: async (on) => (show.blackout(on), publishShow()),
    injectFault: async (spec) => {
      const r = await runAction({ type: 'fault', fault: spec });
      if (!r.ok) throw new Error(r.message);
      return publishShow();
    },
    restoreFault: async (id) => {
      if (!faults) throw new Error('no chaos driver in this mode');
      const r = await faults.restore(id);
      show.recordEvent({ at: Date.now(), kind: 'restored', node: r.node, text: `restored ${r.node}` });
      addLog(`restore ${r.node}`, 'ok');
      return publishShow();
    },
    restoreAll: async () => {
      await runAction({ type: 'restore-all' });
      return publishShow();
    },
    panic: async () => {
      // Black the audience first (instant), then bring every node back.
      show.blackout(true);
      publishShow();
      addLog('panic', 'info', 'audience blacked out; restoring every open fault');
      await runAction({ type: 'restore-all' });
      return publishShow();
    },
    freeze: async (on) => {
      presenter.frozen = on ?? !presenter.frozen;
      return publishShow();
    },
    timer: async (cmd) => {
      presenter.timer = timerCommand(presenter.timer, cmd, Date.now());
      return publishShow();
    },
    openDeck: async (path) => {
      const r = await loadDeck(resolvePath(path));
      if (!r.ok) {
        const lines = r.errors.map(formatDeckError);
        deckErrors(lines);
        throw new Error(lines.join('\n'));
      }
      await deckWatcher.close();
      deckWatcher = watchDeck(r.deck.file, { deck: applyDeck, errors: deckErrors });
      applyDeck(r.deck);
      addLog('deck opened', 'ok', r.deck.file);
      return publishShow();
    },
    setKeyBinding: async (key, action) => {
      const next = { ...presenter.keymap };
      if (action === null) delete next[key];
      else next[key] = action;
      presenter.keymap = next;
      writeKeymap(join(opts.dataDir, 'keymap.json'), next);
      return publishShow();
    },
    rehearsal: async (on) => {
      const now = Date.now();
      if (on && !presenter.rehearsal.recording) {
        presenter.rehearsal = { ...presenter.rehearsal, recording: true };
        rehearsalStart = now;
        visits = [{ chapterId: show.state().chapter.id, at: now }];
        addLog('rehearsal recording', 'info');
      } else if (!on && presenter.rehearsal.recording) {
        const timeline = show.timeline().filter((e) => e.at >= rehearsalStart);
        const cues = rehearsalCues(visits, timeline, now);
        writeRehearsal(rehearsalPath, currentDeckFile, now, cues);
        rehearsals = readRehearsals(rehearsalPath);
        presenter.rehearsal = { recording: false, recordedAt: now, cues };
        addLog('rehearsal saved', 'ok', `${Object.keys(cues).length} chapters`);
      }
      return publishShow();
    },
    preflight: async () => {
      if (opts.preflight) return opts.preflight();
      if (decision.mode === 'live' && opts.live?.preflight)
        return opts.live.preflight(
          lastCluster.pdUrl,
          ledger.unresolved(scope).map((r) => `${r.spec.kind} ${r.node}`)
        );
      return preflightUnavailable(decision.mode);
    },
    keyMode: async (mode) => {
      presenter.keyMode = mode;
      return publishShow();
    },
    swapDisplays: async () => {
      if (!opts.shell) throw new Error('swapping displays is only possible in the desktop app (npm start)');
      opts.shell.swapDisplays();
      return publishShow();
    }
  };

  function state(): AppState {
    return { show: show.state(), cluster: lastCluster, log: logEntries };
  }

  return {
    mode: decision.mode,
    modeReason: decision.reason,
    pdUrl,
    handlers,
    state,
    setGotoTyping(digits) {
      if (presenter.gotoTyping === digits) return;
      presenter.gotoTyping = digits;
      publishShow();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {
      await deckWatcher.close();
      clearInterval(workloadTimer);
      if (clusterTimer) clearTimeout(clusterTimer);
      unwatch?.();
      show.dispose();
      await poller.stop();
      await workload?.close();
      await driver?.close();
      await sim?.close();
    }
  };
}

function pastTense(kind: string): string {
  return { kill: 'killed', stop: 'stopped', pause: 'paused', partition: 'cut off' }[kind] ?? kind;
}

/** The talk's target: the sum of the chapters' planned durations, when the deck gives them. */
function deckTargetMs(deck: Deck): number | null {
  const d = deck.chapters.map((c) => c.duration).filter((x): x is number => x !== null);
  return d.length ? d.reduce((a, b) => a + b, 0) * 1000 : null;
}

function preflightUnavailable(mode: Mode): PreflightReport {
  const sim = mode === 'sim';
  return {
    at: Date.now(),
    ok: sim,
    lines: [
      {
        id: 'docker',
        ok: sim,
        title: sim ? 'Simulated cluster: nothing to check' : 'Preflight not available',
        detail: sim ? 'the show runs on the built-in simulated cluster' : 'this build has no preflight for live mode',
        fix: sim ? null : 'run npm run preflight'
      }
    ]
  };
}
