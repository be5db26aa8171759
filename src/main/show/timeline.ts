// The story's timeline, read from successive ClusterSnapshots: what Docker saw (container
// exited / started), what PD said (Disconnected, Down, Up), where the leaders went, and what
// the workload did. Pure: the tracker is plain data (JSON round-trips), passed in and returned.
//
// Times are measured from the fault when the runtime has recorded one (a fault-injected event),
// else from what Docker saw; a time that cannot be measured is not given.
import { formatDuration } from '../../shared/duration';
import type { ClusterSnapshot, ContainerState, PdState, TikvStoreRow, WorkloadSample } from '../../shared/cluster';
import { pdStateWord } from '../../shared/cluster';
import type { PlainTimelineKind, TimelineEvent } from '../../shared/show';
import { FAULT_WORDS } from '../../shared/vocabulary';

/** The workload is "dipping" below this share of its baseline... */
export const DIP_BELOW = 0.85;
/** ...and has recovered once it is back above this share for RECOVER_POINTS points in a row. */
export const RECOVER_ABOVE = 0.9;
export const RECOVER_POINTS = 2;
/** The baseline is the mean throughput over this window before the fault. */
export const BASELINE_MS = 20_000;
const MIN_BASELINE_POINTS = 3;

export interface StoreTrack {
  /** Last known PD state ('unknown' readings are skipped). */
  pdState: PdState | null;
  /** Last known container state ('unknown' readings are skipped). */
  container: ContainerState | null;
  partitioned: boolean;
  /** Unix ms of the last container exit / start seen. */
  exitedAt: number | null;
  startedAt: number | null;
  /** Unix ms PD last marked the store Up again after Disconnected/Down. */
  upAgainAt: number | null;
  /** Last leader count read while PD answered. */
  leaders: number | null;
  /** The leader count when the current decline began, and the others' counts then. */
  dropFrom: number | null;
  dropOthers: Record<string, number> | null;
  /** Set when the leaders have all moved off: when, and how many it had. */
  movedOffAt: number | null;
  movedFrom: number | null;
  /** After the leaders moved off: waiting for the first ones back, then for a fair share. */
  returning: 'first' | 'balanced' | null;
}

export interface WorkloadTrack {
  /** Time of the last history point looked at. */
  lastT: number;
  /** The fault whose dip is being measured. */
  faultAt: number | null;
  /** Mean ops/s over the BASELINE_MS before the fault; null until computed or when unknown. */
  baseline: number | null;
  /** True once the baseline was tried (and maybe found missing). */
  baselineTried: boolean;
  dipAt: number | null;
  minOps: number | null;
  errors: number;
  recoverAt: number | null;
  recoverStreak: number;
  recovered: boolean;
}

/** One signal of one node (its PD state, container, leaders, notes) and how often it changed. */
export interface FlapTrack {
  /** Whose signal it is: a node, or null for PD's leadership (the cluster's, whichever member a note names). */
  node: string | null;
  /** When the changes shown in the last FLAP_WINDOW_MS happened (at most FLAP_BURST). */
  recent: number[];
  /** Changes folded since it began flapping; 0 while it is not. */
  folded: number;
  /** When the folding began. */
  since: number;
  /** The last change folded: what the signal said last. */
  last: TimelineEvent | null;
  /** A fault or restore was recorded on the node: end the folding at the next snapshot. */
  closing: boolean;
}

export interface TimelineTracker {
  stores: Record<string, StoreTrack>;
  pds: Record<string, { container: ContainerState | null; health: boolean | null }>;
  pdLeader: string | null;
  /** Faults and restores the runtime recorded (fault-injected / restored events). */
  faults: { node: string; at: number; word: string }[];
  restores: { node: string | null; at: number }[];
  workload: WorkloadTrack;
  /** The cluster's clock against the wall (ClusterSnapshot.timeScale): durations are told in cluster time. */
  timeScale: number;
  /** Per `signal:node`, the recent changes, to fold a flapping one (see FLAP_BURST). */
  flaps: Record<string, FlapTrack>;
}

/**
 * A signal that changes more than FLAP_BURST times within FLAP_WINDOW_MS (a sick node, PD's
 * answer toggling every poll) is flapping: one note says so, the repeats are folded, and once
 * it has been quiet for FLAP_WINDOW_MS its last change is told with the count. A flap a second
 * would otherwise fill the timeline and push the injected fault out of it.
 */
export const FLAP_BURST = 4;
export const FLAP_WINDOW_MS = 60_000;
/** The recorded faults and restores the tracker remembers (a flood of them cannot grow it). */
export const FAULT_MEMORY = 64;
/** The timeline's length: the runtime keeps no more events than this... */
export const TIMELINE_LIMIT = 500;
/** ...of which up to this many are the faults' own (fault-injected, restored), kept apart... */
export const FAULT_EVENTS_KEPT = 100;
/** ...and up to this many what the diagnosis reads of them: the faulted nodes' changes, the dip. */
export const FAULT_NEWS_KEPT = 150;

export function createTracker(): TimelineTracker {
  return { stores: {}, pds: {}, pdLeader: null, faults: [], restores: [], workload: idleWorkload(0), timeScale: 1, flaps: {} };
}

const isFaultEvent = (e: TimelineEvent): boolean => e.kind === 'fault-injected' || e.kind === 'restored';
const newest = <T>(xs: readonly T[], n: number): T[] => xs.slice(Math.max(0, xs.length - n));

/**
 * The timeline with `added`, in time order, at most TIMELINE_LIMIT long. State changes cannot
 * push out what the diagnosis tells: the newest FAULT_EVENTS_KEPT of the faults' own events, and
 * the newest FAULT_NEWS_KEPT of the faulted nodes' changes and the workload's dips. The other
 * events (a PD hiccup over 400 stores is 800) share the rest, newest kept. Pure.
 */
export function appendTimeline(events: readonly TimelineEvent[], added: readonly TimelineEvent[]): TimelineEvent[] {
  if (added.length === 0) return events as TimelineEvent[];
  // Explicit events may arrive late (a fault's injectedAt precedes its promise resolving).
  const all = [...events, ...added].sort((a, b) => a.at - b.at);
  if (all.length <= TIMELINE_LIMIT) return all;
  const faults = newest(all.filter(isFaultEvent), FAULT_EVENTS_KEPT);
  const faulted = new Set(faults.map((e) => e.node));
  const isNews = (e: TimelineEvent): boolean => !isFaultEvent(e) && (e.kind.startsWith('workload-') || (e.node !== null && faulted.has(e.node)));
  const news = newest(all.filter(isNews), FAULT_NEWS_KEPT);
  const keep = new Set<TimelineEvent>([...faults, ...news]);
  const routine = all.filter((e) => !keep.has(e) && !isFaultEvent(e));
  for (const e of newest(routine, TIMELINE_LIMIT - keep.size)) keep.add(e);
  return all.filter((e) => keep.has(e));
}

/** A wall-clock span told in cluster time. */
function dur(t: Pick<TimelineTracker, 'timeScale'>, ms: number): string {
  return formatDuration(ms * (t.timeScale || 1));
}

function idleWorkload(lastT: number): WorkloadTrack {
  return {
    lastT,
    faultAt: null,
    baseline: null,
    baselineTried: false,
    dipAt: null,
    minOps: null,
    errors: 0,
    recoverAt: null,
    recoverStreak: 0,
    recovered: false
  };
}

function newStore(): StoreTrack {
  return {
    pdState: null,
    container: null,
    partitioned: false,
    exitedAt: null,
    startedAt: null,
    upAgainAt: null,
    leaders: null,
    dropFrom: null,
    dropOthers: null,
    movedOffAt: null,
    movedFrom: null,
    returning: null
  };
}

const clone = <T>(x: T): T => structuredClone(x);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Feeds an explicit event (fault-injected, restored) the runtime recorded into the tracker, so
 * that later measurements count from it. Returns the new tracker.
 */
export function noteEvent(tracker: TimelineTracker, ev: TimelineEvent): TimelineTracker {
  const t = clone(tracker);
  if (ev.kind === 'fault-injected' && ev.node) {
    // (`fault` is required by the type; a sender built before it existed still gets a word.)
    const word = ev.fault in FAULT_WORDS ? FAULT_WORDS[ev.fault].noun : 'fault';
    t.faults.push({ node: ev.node, at: ev.at, word });
    t.faults = t.faults.slice(-FAULT_MEMORY);
    closeFlaps(t, ev.node);
    // Measure the workload against this fault (a dip already being measured is replaced). The
    // event may be recorded after snapshots past its time were seen: look at those points again.
    t.workload = { ...idleWorkload(Math.min(t.workload.lastT, ev.at - 1)), faultAt: ev.at };
  } else if (ev.kind === 'restored') {
    t.restores.push({ node: ev.node, at: ev.at });
    t.restores = t.restores.slice(-FAULT_MEMORY);
    closeFlaps(t, ev.node);
  }
  return t;
}

/** A fault or restore on `node` (null: every node) ends its folding: what follows is news. */
function closeFlaps(t: TimelineTracker, node: string | null): void {
  for (const f of Object.values(t.flaps)) if (node === null || f.node === node || (f.node === null && node.startsWith('pd'))) f.closing = true;
}

/** The most recent recorded fault on `node` at or before `at`. */
function faultOn(t: TimelineTracker, node: string, at: number): { at: number; word: string } | null {
  for (let i = t.faults.length - 1; i >= 0; i--) {
    const f = t.faults[i];
    if (f && f.node === node && f.at <= at) return f;
  }
  return null;
}

/** "14 s after the kill", "25 s after its container exited", or null when nothing to measure from. */
function sinceFault(t: TimelineTracker, st: StoreTrack, node: string, at: number): string | null {
  const f = faultOn(t, node, at);
  if (f) return `${dur(t, at - f.at)} after the ${f.word}`;
  if (st.exitedAt !== null && st.exitedAt <= at) return `${dur(t, at - st.exitedAt)} after its container exited`;
  return null;
}

/** Compares the next snapshot with what the tracker knows; returns the events and the new tracker. */
export function observe(
  prev: ClusterSnapshot | null,
  next: ClusterSnapshot,
  tracker: TimelineTracker
): { events: TimelineEvent[]; tracker: TimelineTracker } {
  const t = clone(tracker);
  t.timeScale = next.timeScale || 1;
  const events: TimelineEvent[] = [];
  const add: Add = (at, kind, node, text) => {
    events.push({ at, kind, node, text });
  };
  const push: Push = (e) => {
    events.push(e);
  };
  const now = next.now;
  // PD's view is as old as its last good poll.
  const pdAt = next.takenAt > 0 ? next.takenAt : next.now;
  const pdFresh = !next.stale && next.takenAt > 0;

  // Leader counts as they were, before this snapshot updates any of them.
  const before: Record<string, number> = {};
  for (const [name, st] of Object.entries(t.stores)) if (st.leaders !== null) before[name] = st.leaders;
  // A first snapshot (prev null) only seeds what we know; nothing "changed".
  const seeding = prev === null;

  for (const n of next.tikv) {
    const known = t.stores[n.name];
    const st = known ?? newStore();
    t.stores[n.name] = st;
    const quiet = seeding || !known;
    containerChange(st, n, now, quiet, add);
    if (n.partitioned !== st.partitioned) {
      if (!quiet) add(now, 'note', n.name, n.partitioned ? `${n.name} is cut off the network` : `${n.name} is back on the network`);
      st.partitioned = n.partitioned;
    }
    if (pdFresh && n.state !== 'unknown') {
      pdChange(t, st, n, pdAt, quiet, add);
      leaderChange(t, st, n, next, before, pdAt, quiet, push);
    }
  }

  for (const p of next.pd) {
    const known = t.pds[p.name];
    const pt = known ?? { container: null, health: null };
    t.pds[p.name] = pt;
    const quiet = seeding || !known;
    if (p.container !== 'unknown' && p.container !== pt.container) {
      if (!quiet && pt.container !== null) {
        if (p.container === 'exited') add(now, 'container-exited', p.name, `${p.name} container exited (Docker)`);
        else if (p.container === 'running' && pt.container !== 'paused')
          add(now, 'container-started', p.name, `${p.name} container running again (Docker)`);
        else if (p.container === 'paused') add(now, 'note', p.name, `${p.name} paused (Docker)`);
        else if (p.container === 'running') add(now, 'note', p.name, `${p.name} unpaused (Docker)`);
      }
      pt.container = p.container;
    }
    if (p.health !== null && p.health !== pt.health) {
      if (!quiet && pt.health !== null)
        add(now, 'note', p.name, p.health ? `${p.name} answers PD's health check again` : `${p.name} fails PD's health check`);
      pt.health = p.health;
    }
  }
  if (pdFresh && next.pdLeader !== null && next.pdLeader !== t.pdLeader) {
    if (!seeding && t.pdLeader !== null) add(pdAt, 'note', next.pdLeader, `${PD_LEADER_NOTE}${next.pdLeader} (was ${t.pdLeader})`);
    t.pdLeader = next.pdLeader;
  }

  workloadChange(t, next, push);
  events.sort((a, b) => a.at - b.at);
  const shown = fold(t, events, now);
  shown.sort((a, b) => a.at - b.at);
  return { events: shown, tracker: t };
}

const PD_LEADER_NOTE = 'PD leader is now ';
/** PD's leadership is one signal of the cluster's, whichever member the note names. */
const LEADERSHIP = 'leadership:PD';

/** Which signal an event is a change of; null for what is never folded (faults, workload). */
function signalOf(e: TimelineEvent): string | null {
  switch (e.kind) {
    case 'pd-disconnected':
    case 'pd-down':
    case 'pd-up':
      return 'pd';
    case 'container-exited':
    case 'container-started':
      return 'container';
    case 'leaders-moved':
    case 'leaders-returned':
      return 'leaders';
    case 'note':
      return 'note';
    default:
      return null;
  }
}

/** The folded signal's last change, told with how many were folded (before a fault, if one ended it). */
function settled(t: TimelineTracker, f: FlapTrack, last: TimelineEvent, byFault: boolean): TimelineEvent {
  const n = f.folded;
  const changes = `${n} change${n === 1 ? '' : 's'} folded over ${dur(t, last.at - f.since)}`;
  return { ...last, text: `${last.text} (${byFault ? `the last of ${changes}` : `settled after ${changes}`})` };
}

/** The events (in time order) as shown: a flapping signal's repeats folded (see FLAP_BURST). */
function fold(t: TimelineTracker, events: TimelineEvent[], now: number): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  // A fault or restore was recorded since: close what was folding before it.
  for (const [key, f] of Object.entries(t.flaps)) {
    if (!f.closing) continue;
    if (f.folded > 0 && f.last) out.push(settled(t, f, f.last, true));
    delete t.flaps[key];
  }
  for (const e of events) {
    const sig = signalOf(e);
    if (sig === null || e.node === null) {
      out.push(e);
      continue;
    }
    const leadership = e.kind === 'note' && e.text.startsWith(PD_LEADER_NOTE);
    const key = leadership ? LEADERSHIP : `${sig}:${e.node}`;
    const f = (t.flaps[key] ??= { node: leadership ? null : e.node, recent: [], folded: 0, since: e.at, last: null, closing: false });
    if (f.folded > 0) {
      f.folded++;
      f.last = e;
      continue;
    }
    f.recent = f.recent.filter((x) => e.at - x < FLAP_WINDOW_MS);
    if (f.recent.length < FLAP_BURST) {
      f.recent.push(e.at);
      out.push(e);
      continue;
    }
    const span = dur(t, e.at - (f.recent[0] ?? e.at));
    const who = f.node ?? "PD's leadership";
    out.push({ at: e.at, kind: 'note', node: e.node, text: `${who} is flapping (${FLAP_BURST + 1} changes in ${span}); repeats are folded until it settles` });
    Object.assign(f, { recent: [], folded: 1, since: e.at, last: e });
  }
  // Quiet for a window: a folded signal has settled; an idle one is forgotten.
  for (const [key, f] of Object.entries(t.flaps)) {
    if (f.folded > 0 && f.last && now - f.last.at >= FLAP_WINDOW_MS) {
      out.push(settled(t, f, f.last, false));
      delete t.flaps[key];
    } else if (f.folded === 0 && f.recent.every((x) => now - x >= FLAP_WINDOW_MS)) delete t.flaps[key];
  }
  return out;
}

type Add = (at: number, kind: PlainTimelineKind, node: string | null, text: string) => void;
type Push = (e: TimelineEvent) => void;

function containerChange(st: StoreTrack, n: TikvStoreRow, now: number, quiet: boolean, add: Add): void {
  const c = n.container;
  if (c === 'unknown' || c === st.container) return;
  const was = st.container;
  st.container = c;
  if (c === 'exited') st.exitedAt = now;
  if (c === 'running' && (was === 'exited' || was === 'missing')) st.startedAt = now;
  if (quiet || was === null) return;
  if (c === 'exited') add(now, 'container-exited', n.name, `${n.name} container exited (Docker)`);
  else if (c === 'running' && (was === 'exited' || was === 'missing'))
    add(now, 'container-started', n.name, `${n.name} container running again (Docker)`);
  else if (c === 'paused') add(now, 'note', n.name, `${n.name} paused (Docker)`);
  else if (c === 'running' && was === 'paused') add(now, 'note', n.name, `${n.name} unpaused (Docker)`);
  else if (c === 'missing') add(now, 'note', n.name, `${n.name} container is gone (Docker)`);
}

function pdChange(t: TimelineTracker, st: StoreTrack, n: TikvStoreRow, at: number, quiet: boolean, add: Add): void {
  const was = st.pdState;
  const s = n.state;
  if (s === was) return;
  st.pdState = s;
  if (quiet || was === null) return;
  const since = sinceFault(t, st, n.name, at);
  if (s === 'disconnected') {
    add(at, 'pd-disconnected', n.name, `PD marks ${n.name} Disconnected${since ? `, ${since}` : ''} (no heartbeat for 20 s)`);
  } else if (s === 'down') {
    add(at, 'pd-down', n.name, `PD marks ${n.name} Down${since ? `, ${since}` : ''} (max-store-down-time without a heartbeat)`);
  } else if (s === 'up' && (was === 'disconnected' || was === 'down')) {
    st.upAgainAt = at;
    const back = st.startedAt !== null && st.startedAt <= at ? `, ${dur(t, at - st.startedAt)} after its container started` : '';
    add(at, 'pd-up', n.name, `PD marks ${n.name} Up again${back}`);
  } else {
    add(at, 'note', n.name, `PD marks ${n.name} ${pdStateWord(s)} (was ${pdStateWord(was)})`);
  }
}

function leaderChange(
  t: TimelineTracker,
  st: StoreTrack,
  n: TikvStoreRow,
  snap: ClusterSnapshot,
  before: Record<string, number>,
  at: number,
  quiet: boolean,
  push: Push
): void {
  const was = st.leaders;
  const count = n.leaderCount;
  st.leaders = count;
  if (quiet || was === null || count === was) return;

  if (count < was) {
    if (st.dropFrom === null) {
      st.dropFrom = was;
      st.dropOthers = Object.fromEntries(Object.entries(before).filter(([k]) => k !== n.name));
    }
    if (count === 0 && isHit(t, st, n, at)) {
      const gains = snap.tikv
        .filter((o) => o.name !== n.name && o.state !== 'unknown')
        .map((o) => ({ node: o.name, gain: o.leaderCount - (st.dropOthers?.[o.name] ?? o.leaderCount) }))
        .filter((g) => g.gain > 0);
      const from = st.dropFrom;
      const when = faultOn(t, n.name, at);
      const measured = when
        ? ` in ${dur(t, at - when.at)}`
        : st.exitedAt !== null && st.exitedAt <= at
          ? `, ${dur(t, at - st.exitedAt)} after its container exited`
          : '';
      const gained = gains.map((g) => `${g.node} +${g.gain}`).join(', ');
      push({ at, kind: 'leaders-moved', node: n.name, from, gains, text: `leaders moved off ${n.name}: ${from} → 0${measured}${gained ? ` (${gained})` : ''}` });
      st.movedOffAt = at;
      st.movedFrom = st.dropFrom;
      st.dropFrom = null;
      st.dropOthers = null;
      st.returning = 'first';
    }
    return;
  }

  // count > was: a decline (if any) is over; leaders may be coming back.
  st.dropFrom = null;
  st.dropOthers = null;
  if (st.movedOffAt === null) return;
  const cameBack = [st.startedAt, st.upAgainAt].filter((x): x is number => x !== null && x >= (st.movedOffAt ?? 0));
  const backAt = cameBack.length ? Math.min(...cameBack) : null;
  const after = backAt !== null ? `, ${dur(t, at - backAt)} after it came back` : '';
  const target = fairShare(snap, st.movedFrom);
  const balanced = count >= target - Math.max(1, Math.round(target * 0.1));
  if (was === 0 && st.returning === 'first') {
    push({ at, kind: 'leaders-returned', node: n.name, count, balanced, text: `leaders returning to ${n.name}: 0 → ${count}${after}${balanced ? ' (balanced)' : ''}` });
    st.returning = balanced ? null : 'balanced';
    if (balanced) st.movedOffAt = null;
    return;
  }
  if (st.returning === 'balanced' && balanced) {
    push({ at, kind: 'leaders-returned', node: n.name, count, balanced: true, text: `${n.name} leads ${count} again, a fair share${after}` });
    st.returning = null;
    st.movedOffAt = null;
  }
}

/** The store is out (Docker or PD says so), or a recorded fault on it has not been restored. */
function isHit(t: TimelineTracker, st: StoreTrack, n: TikvStoreRow, at: number): boolean {
  if (n.container === 'exited' || n.container === 'paused' || n.container === 'missing' || n.partitioned) return true;
  if (st.pdState === 'disconnected' || st.pdState === 'down') return true;
  const f = faultOn(t, n.name, at);
  if (!f) return false;
  return !t.restores.some((r) => (r.node === null || r.node === n.name) && r.at >= f.at && r.at <= at);
}

/** A store's fair share of leaders: total leaders over the stores that are Up and running, capped by what it had. */
function fairShare(snap: ClusterSnapshot, had: number | null): number {
  const known = snap.tikv.filter((o) => o.state !== 'unknown');
  const total = known.reduce((sum, o) => sum + o.leaderCount, 0);
  const up = known.filter((o) => o.state === 'up' && o.container !== 'exited' && o.container !== 'paused').length;
  const share = up > 0 ? Math.floor(total / up) : total;
  return Math.max(1, had !== null ? Math.min(had, share) : share);
}

function workloadChange(t: TimelineTracker, snap: ClusterSnapshot, push: Push): void {
  const view = snap.workload;
  if (!view) return;
  const w = t.workload;
  const points = [...view.history].sort((a, b) => a.t - b.t);
  if (w.faultAt !== null && !w.baselineTried && snap.now >= w.faultAt) {
    const from = w.faultAt - BASELINE_MS;
    const window = points.filter((p) => p.t >= from && p.t < (w.faultAt ?? 0));
    w.baselineTried = true;
    const mean = window.length >= MIN_BASELINE_POINTS ? window.reduce((s, p) => s + p.ops, 0) / window.length : 0;
    w.baseline = mean > 0 ? mean : null;
  }
  let prevT: number | null = null;
  for (const p of points) {
    if (p.t <= w.lastT) {
      prevT = p.t;
      continue;
    }
    dipStep(w, p, prevT, push, t);
    prevT = p.t;
    w.lastT = p.t;
  }
}

function dipStep(w: WorkloadTrack, p: WorkloadSample, prevT: number | null, push: Push, t: Pick<TimelineTracker, 'timeScale'>): void {
  if (w.faultAt === null || w.baseline === null || w.recovered || p.t < w.faultAt) return;
  const base = w.baseline;
  const dt = prevT !== null ? Math.min(5, Math.max(0, (p.t - prevT) / 1000)) : 1;
  if (w.dipAt === null) {
    if (p.ops < base * DIP_BELOW) {
      w.dipAt = p.t;
      w.minOps = p.ops;
      w.errors = p.errors * dt;
      const drop = Math.round((1 - p.ops / base) * 100);
      push({ at: p.t, kind: 'workload-dip', node: null, baselineOps: base, ops: p.ops, text: `throughput dipping: ${int(base)} → ${int(p.ops)} ops/s (−${drop} %)` });
    }
    return;
  }
  w.minOps = Math.min(w.minOps ?? p.ops, p.ops);
  w.errors += p.errors * dt;
  if (p.ops >= base * RECOVER_ABOVE) {
    if (w.recoverStreak === 0) w.recoverAt = p.t;
    w.recoverStreak++;
    if (w.recoverStreak >= RECOVER_POINTS && w.recoverAt !== null) {
      w.recovered = true;
      const drop = Math.round((1 - (w.minOps ?? base) / base) * 100);
      const errors = Math.round(w.errors);
      const span = w.recoverAt - (w.dipAt ?? w.recoverAt);
      push({
        at: w.recoverAt,
        kind: 'workload-recovered',
        node: null,
        dropPct: drop,
        durationMs: span * (t.timeScale || 1),
        errors,
        text: `throughput fell ${drop} % for ${dur(t, span)}, ${int(errors)} error${errors === 1 ? '' : 's'}`
      });
    }
  } else {
    w.recoverStreak = 0;
    w.recoverAt = null;
  }
}
