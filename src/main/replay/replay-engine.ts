// The replay engine: the pure core (replay-core.ts) on a timer. It holds the recorded steady
// state until the show's first fault, plays the recording's segments as the show's beats fire,
// and publishes what a cluster would: PD views (about every second, like the poller), process
// changes (like Docker's events) and workload samples. It never touches Docker, PD or the network.
import type { ChapterAction, FaultKind } from '../../shared/actions';
import type { ClusterSnapshot, Mode, WorkloadSample } from '../../shared/cluster';
import type { NodeProcess } from '../chaos/driver';
import { buildSnapshot } from '../cluster/snapshot';
import type { PdView } from '../cluster/types';
import { pushPoint } from '../workload/history';
import type { WorkloadReading } from '../workload/source';
import {
  frameAt,
  identityOf,
  loadAt,
  pdViewOf,
  playFault,
  playRestore,
  positionAt,
  processesOf,
  sampleOf,
  startPlayback,
  type Identity,
  type Playback
} from './replay-core';
import { planReplay, type ReplayPlan } from './replay-plan';
import type { Damage, Recording } from './recording-reader';
import type { RecordedMode } from './recording-format';

/** What the presenter view says about the recording: a replay is never passed off as live. */
export interface ReplayInfo {
  file: string;
  /** When the recorded show began (Unix ms). */
  madeAt: number;
  madeIn: RecordedMode;
  madeWhy: string;
  deckTitle: string;
  deckFile: string | null;
  /** True when the recording was made with another deck: its beats map by action kind. */
  otherDeck: boolean;
  damage: Damage | null;
  /** The recorded workload's source, and the recorded cluster's time scale. */
  workload: 'sim' | 'ycsb' | null;
  timeScale: number;
}

export interface ReplayEngineOptions {
  recording: Recording;
  file: string;
  damage?: Damage | null;
  /** The deck the show runs, to tell when the recording was made with another one. */
  deck?: { file: string | null; title: string; slug: string };
  now?: () => number;
  /** How often the timer looks for a change to publish (default 250 ms). */
  tickMs?: number;
  /** How often PD's view is republished when nothing changed, like a poller's round (default 1000 ms). */
  pollMs?: number;
}

export interface ReplayEngine {
  readonly info: ReplayInfo;
  readonly plan: ReplayPlan;
  /** The PD URL the replay stands in for, as the views show it. */
  readonly pdUrl: string;
  /** Notes for the presenter (other deck, a segment played again, no recovery on record). */
  notes(): string[];
  /** The deck the show runs (known after boot): says so when the recording was made with another one. */
  setDeck(deck: { file: string | null; title: string; slug: string }): void;
  /** The show's fault fired on `node`; throws a sentence when the recording has nothing to match it. */
  fault(kind: FaultKind, node: string): void;
  /** The show restores; true when a recorded recovery (or the steady state) started. */
  restore(): boolean;
  /** Routes a chapter's action (the stage may call this directly instead of going through the driver). */
  beat(action: ChapterAction, target?: string | null): void;
  startLoad(): void;
  stopLoad(): void;
  pdView(): PdView;
  processes(): NodeProcess[];
  sample(): WorkloadReading;
  /** The cluster as the views would show it now, timed now. */
  snapshot(mode: Mode): ClusterSnapshot;
  onView(listener: (v: PdView) => void): () => void;
  onProcess(listener: (p: NodeProcess) => void): () => void;
  start(): void;
  stop(): void;
}

export type EngineResult = { ok: true; engine: ReplayEngine } | { ok: false; error: string };

/** What the presenter is told about the recording, and the notes that go with it. */
function describe(opts: ReplayEngineOptions): { info: ReplayInfo; notes: string[]; setDeck: ReplayEngine['setDeck'] } {
  const h = opts.recording.header;
  const isOther = (d: { title: string; slug: string }): boolean => d.slug !== h.deck.slug && d.title !== h.deck.title;
  const info: ReplayInfo = {
    file: opts.file,
    madeAt: h.t,
    madeIn: h.mode,
    madeWhy: h.modeReason,
    deckTitle: h.deck.title,
    deckFile: h.deck.file,
    otherDeck: !!opts.deck && isOther(opts.deck),
    damage: opts.damage ?? null,
    workload: h.workload,
    timeScale: h.timeScale
  };
  const notes: string[] = [];
  const otherDeckNote = `the recording was made with the deck "${h.deck.title}": its beats map to this deck's by action kind`;
  if (info.otherDeck) notes.push(otherDeckNote);
  if (info.damage) notes.push(`the recording is damaged at line ${info.damage.line} (${info.damage.why}): it plays up to there`);
  const setDeck = (deck: { title: string; slug: string }): void => {
    info.otherDeck = isOther(deck);
    const i = notes.indexOf(otherDeckNote);
    if (info.otherDeck && i < 0) notes.unshift(otherDeckNote);
    if (!info.otherDeck && i >= 0) notes.splice(i, 1);
  };
  return { info, notes, setDeck };
}

export function createReplayEngine(opts: ReplayEngineOptions): EngineResult {
  const rec = opts.recording;
  const planned = planReplay(rec);
  if (!planned.ok) return planned;
  const plan = planned.plan;
  const now = opts.now ?? Date.now;
  const h = rec.header;
  const { info, notes, setDeck } = describe(opts);
  const pdUrl = `replay of ${opts.file.replace(/^.*[\\/]/, '')}`;

  let pb: Playback = startPlayback(rec, plan, now());
  const identity: Identity = identityOf(frameAt(rec, plan.steadyAt).core);
  let loadOn = false;
  let history: WorkloadSample[] = [];
  const viewers = new Set<(v: PdView) => void>();
  const watchers = new Set<(p: NodeProcess) => void>();
  let timer: NodeJS.Timeout | null = null;
  let lastKey = '';
  let lastViewAt = 0;
  let lastProcs = new Map<string, NodeProcess>();

  const current = (): { frame: ReturnType<typeof frameAt>; pos: ReturnType<typeof positionAt>; wall: number } => {
    const wall = now();
    const pos = positionAt(pb, rec, wall);
    return { frame: frameAt(rec, pos.at), pos, wall };
  };
  const pdView = (): PdView => {
    const { frame, pos, wall } = current();
    return pdViewOf(frame, pb.perm, identity, pos, wall, pdUrl);
  };
  const processes = (): NodeProcess[] => processesOf(current().frame, pb.perm);
  const sample = (): WorkloadReading => {
    const { pos, wall } = current();
    return sampleOf(loadAt(rec, pos.loadAt), pb.perm, loadOn, wall);
  };

  /** Publishes what changed: PD's view on a change or once a poll interval, each process that moved. */
  const tick = (force = false): void => {
    const { frame, wall } = current();
    const key = `${pb.version}:${frame.key}`;
    if (force || key !== lastKey || wall - lastViewAt >= (opts.pollMs ?? 1000)) {
      const changed = key !== lastKey;
      lastKey = key;
      lastViewAt = wall;
      const v = pdView();
      viewers.forEach((l) => l(v));
      if (changed || force) {
        const procs = processesOf(frame, pb.perm);
        for (const p of procs) {
          const was = lastProcs.get(p.name);
          if (!was || was.state !== p.state || was.partitioned !== p.partitioned) watchers.forEach((l) => l(p));
        }
        lastProcs = new Map(procs.map((p) => [p.name, p]));
      }
      const s = sample();
      if (s.current) history = pushPoint(history, s.current);
    }
  };

  const engine: ReplayEngine = {
    info,
    plan,
    pdUrl,
    notes: () => [...notes],
    setDeck,
    fault(kind, node) {
      const r = playFault(pb, plan, kind, node, now());
      if (!r.ok) throw new Error(r.error);
      pb = r.pb;
      if (r.note) notes.push(r.note);
      if (timer) tick(true);
    },
    restore() {
      const before = pb.version;
      const r = playRestore(pb, rec, plan, now());
      pb = r.pb;
      if (r.note) notes.push(r.note);
      if (timer && pb.version !== before) tick(true);
      return pb.version !== before;
    },
    beat(action, target) {
      if (action.type === 'fault') {
        if (!target) throw new Error('a replayed fault needs the node it hit');
        engine.fault(action.fault.kind, target);
      } else if (action.type === 'restore' || action.type === 'restore-all') engine.restore();
      else if (action.type === 'start-workload') engine.startLoad();
      else engine.stopLoad();
    },
    startLoad: () => void (loadOn = true),
    stopLoad: () => void (loadOn = false),
    pdView,
    processes,
    sample,
    snapshot(mode) {
      const { frame, pos, wall } = current();
      const s = sampleOf(loadAt(rec, pos.loadAt), pb.perm, loadOn, wall);
      return buildSnapshot({
        mode,
        pd: pdViewOf(frame, pb.perm, identity, pos, wall, pdUrl),
        containers: new Map(processesOf(frame, pb.perm).map((p) => [p.name, { state: p.state, partitioned: p.partitioned }])),
        containerNote: frame.core?.containerNote ?? null,
        workload: h.workload ? { running: s.running, source: h.workload, current: s.current, history } : null,
        perStoreOps: s.perStoreOps,
        now: wall,
        timeScale: frame.core?.timeScale ?? h.timeScale
      });
    },
    onView(l) {
      viewers.add(l);
      return () => viewers.delete(l);
    },
    onProcess(l) {
      watchers.add(l);
      return () => watchers.delete(l);
    },
    start() {
      if (timer) return;
      // The hold starts counting when the show does, not when the file was read.
      if (pb.version === 0) pb = startPlayback(rec, plan, now());
      timer = setInterval(() => tick(), opts.tickMs ?? 250);
      tick(true);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    }
  };
  return { ok: true, engine };
}
