// The replay's pure core: where in the recording the show is (a steady hold, or a segment
// playing from the moment its beat fired), what the recording says at that point, and the same
// in the shapes the stage's feed reads: PD's view, the processes, the workload sample. Every time
// it hands out is fresh (the wall clock now), with the recorded gaps kept.
import type { FaultKind } from '../../shared/actions';
import type { ContainerState } from '../../shared/cluster';
import { nodeRole } from '../../shared/vocabulary';
import type { NodeProcess } from '../chaos/driver';
import type { PdView } from '../cluster/types';
import type { WorkloadReading } from '../workload/source';
import type { CoreSnapshot, LoadLine } from './recording-format';
import type { Recording } from './recording-reader';
import { pickFault, pickRestore, type ReplayPlan, type Segment } from './replay-plan';

/** How much of the recorded workload loops while the show holds between beats. */
export const HOLD_WINDOW_MS = 30_000;
/** A TiKV store that is up heartbeats at least this often (PD's store heartbeat is 10 s). */
const HEARTBEAT_MS = 10_000;

export type Cue =
  | { kind: 'hold'; at: number; since: number; window: [number, number] }
  | { kind: 'segment'; seg: Segment; wallStart: number };

export interface Playback {
  cue: Cue;
  /** Recorded node name -> the name it is shown under (the show's fault may pick another node). */
  perm: Record<string, string>;
  /** How many faults of each kind:role the show has fired. */
  used: Record<string, number>;
  /** The fault segment last played, until a restore plays. */
  openFault: Segment | null;
  /** Bumped on every beat, so a listener can tell a jump from a tick. */
  version: number;
}

export interface Position {
  /** Recorded time the map shows. */
  at: number;
  /** Recorded time of the workload figure (it loops through a window while holding). */
  loadAt: number;
  /** wall = recorded + offset, for the recorded times the views carry. */
  offset: number;
}

export interface Frame {
  core: CoreSnapshot | null;
  /** Recorded time of the snapshot line the core comes from. */
  t: number;
  /** Changes whenever what the map shows changes. */
  key: string;
}

// --- playback -----------------------------------------------------------------------------

function lastIndexAtOrBefore<T extends { t: number }>(xs: readonly T[], at: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]!.t <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The stretch of workload samples that loops while holding at `at` (never where it was not running). */
export function holdWindow(rec: Recording, at: number, notBefore: number): [number, number] {
  let from = Math.max(notBefore, at - HOLD_WINDOW_MS);
  for (let i = lastIndexAtOrBefore(rec.loads, at); i >= 0; i--) {
    const l = rec.loads[i]!;
    if (l.t < from) break;
    if (!l.run || l.ops === undefined) {
      from = l.t + 1;
      break;
    }
  }
  return [Math.min(from, at), at];
}

export function startPlayback(rec: Recording, plan: ReplayPlan, wall: number): Playback {
  const first = rec.snaps[0]?.t ?? plan.steadyAt;
  return {
    cue: { kind: 'hold', at: plan.steadyAt, since: wall, window: holdWindow(rec, plan.steadyAt, first) },
    perm: {},
    used: {},
    openFault: null,
    version: 0
  };
}

const loop = ([a, b]: [number, number], elapsed: number): number => (b - a < 1000 ? b : a + (Math.max(0, elapsed) % (b - a)));

export function positionAt(pb: Playback, rec: Recording, wall: number): Position {
  const c = pb.cue;
  if (c.kind === 'hold') return { at: c.at, loadAt: loop(c.window, wall - c.since), offset: c.since - c.at };
  const offset = c.wallStart - c.seg.start;
  const p = wall - offset;
  if (p < c.seg.end) return { at: p, loadAt: p, offset };
  // The segment has played out: hold its last state, looping its last stretch of workload.
  const window = holdWindow(rec, c.seg.end, c.seg.start);
  return { at: c.seg.end, loadAt: loop(window, p - c.seg.end), offset };
}

/** Shows `recorded` under the name `shown` from now on (swapping with whoever had that name). */
export function remap(perm: Record<string, string>, recorded: string, shown: string): Record<string, string> {
  const shownOf = (n: string): string => perm[n] ?? n;
  const current = shownOf(recorded);
  if (current === shown) return perm;
  const names = new Set([...Object.keys(perm), ...Object.values(perm), recorded, shown]);
  const other = [...names].find((n) => shownOf(n) === shown) ?? shown;
  return { ...perm, [recorded]: shown, [other]: current };
}

export type BeatResult = { ok: true; pb: Playback; note: string | null } | { ok: false; error: string };

/** The show's fault fired on `node`: play the recording's matching fault from its own beat. */
export function playFault(pb: Playback, plan: ReplayPlan, kind: FaultKind, node: string, wall: number): BeatResult {
  const role = nodeRole(node);
  const key = `${kind}:${role ?? 'any'}`;
  const n = pb.used[key] ?? 0;
  const pick = pickFault(plan, kind, role, n);
  if (!pick.ok) return pick;
  const seg = pick.segment;
  const perm = seg.beat.target && nodeRole(seg.beat.target) === role ? remap(pb.perm, seg.beat.target, node) : pb.perm;
  return {
    ok: true,
    note: pick.note,
    pb: { cue: { kind: 'segment', seg, wallStart: wall }, perm, used: { ...pb.used, [key]: n + 1 }, openFault: seg, version: pb.version + 1 }
  };
}

/**
 * The show restores: play the recorded recovery that followed the fault now showing. Nothing
 * happens when no fault is open (a second undo of the same restore). With no recovery on record,
 * the map goes back to the recorded steady state, and says so.
 */
export function playRestore(pb: Playback, rec: Recording, plan: ReplayPlan, wall: number): { pb: Playback; note: string | null } {
  if (!pb.openFault) return { pb, note: null };
  const seg = pickRestore(plan, pb.openFault);
  const base = { perm: pb.perm, used: pb.used, openFault: null, version: pb.version + 1 };
  if (seg) return { pb: { ...base, cue: { kind: 'segment', seg, wallStart: wall } }, note: null };
  const first = rec.snaps[0]?.t ?? plan.steadyAt;
  return {
    pb: { ...base, cue: { kind: 'hold', at: plan.steadyAt, since: wall, window: holdWindow(rec, plan.steadyAt, first) } },
    note: 'the recording has no recovery after this fault: the map goes back to its steady state'
  };
}

// --- what the recording says at a point -----------------------------------------------------

/** The recorded cluster at `at`: the last snapshot, with later container events laid over it. */
export function frameAt(rec: Recording, at: number): Frame {
  const i = lastIndexAtOrBefore(rec.snaps, at);
  if (i < 0) return { core: null, t: 0, key: 'none' };
  const snap = rec.snaps[i]!;
  let core = snap.core;
  const j = lastIndexAtOrBefore(rec.containers, at);
  let k = j;
  while (k >= 0 && rec.containers[k]!.t > snap.t) k--;
  // Container events newer than the snapshot (Docker is quicker than PD's next poll).
  for (let x = k + 1; x <= j; x++) {
    const e = rec.containers[x]!;
    const set = <R extends { name: string; container: ContainerState; partitioned: boolean }>(r: R): R =>
      r.name === e.name ? { ...r, container: e.state, partitioned: e.partitioned } : r;
    core = { ...core, tikv: core.tikv.map(set), pd: core.pd.map(set) };
  }
  return { core, t: snap.t, key: `${i}:${j}` };
}

export function loadAt(rec: Recording, at: number): LoadLine | null {
  const i = lastIndexAtOrBefore(rec.loads, at);
  return i < 0 ? null : rec.loads[i]!;
}

// --- the views, under the show's names and times --------------------------------------------

export interface Identity {
  tikv: Record<string, { storeId: string; address: string }>;
  pd: Record<string, { memberId: string }>;
}

/** Who each node is (ids, addresses) in the steady state: a renamed row takes its new name's ids. */
export function identityOf(core: CoreSnapshot | null): Identity {
  const id: Identity = { tikv: {}, pd: {} };
  for (const n of core?.tikv ?? []) id.tikv[n.name] ??= { storeId: n.storeId, address: n.address };
  for (const p of core?.pd ?? []) id.pd[p.name] ??= { memberId: p.memberId };
  return id;
}

const shown = (perm: Record<string, string>, name: string): string => perm[name] ?? name;

/** PD's view as a poller would have published it now. */
export function pdViewOf(frame: Frame, perm: Record<string, string>, id: Identity, pos: Position, wall: number, pdUrl: string): PdView {
  const c = frame.core;
  if (!c) return { pdUrl, takenAt: 0, stale: true, error: null, clusterId: null, leader: null, regionCount: null, maxReplicas: null, maxReplicasError: null, stores: [], members: [] };
  const mapT = (t: number): number => Math.min(wall, t + pos.offset);
  return {
    pdUrl,
    takenAt: c.takenAt === 0 ? 0 : c.stale ? mapT(c.takenAt) : wall,
    stale: c.stale,
    error: c.pdError,
    clusterId: c.clusterId,
    leader: c.pdLeader === null ? null : shown(perm, c.pdLeader),
    regionCount: c.regionCount,
    maxReplicas: c.maxReplicas ?? null,
    maxReplicasError: null,
    stores: c.tikv
      .filter((n) => n.storeId !== '')
      .map((n) => {
        const name = shown(perm, n.name);
        const who = name === n.name ? n : { ...n, ...(id.tikv[name] ?? {}) };
        const hb = n.hb === null ? null : n.state === 'up' ? wall - Math.min(HEARTBEAT_MS, Math.max(0, frame.t - n.hb)) : mapT(n.hb);
        return {
          storeId: who.storeId,
          name,
          address: who.address,
          state: n.state,
          leaderCount: n.leaderCount,
          regionCount: n.regionCount,
          lastHeartbeatMs: hb
        };
      }),
    members: c.pd
      .filter((p) => p.memberId !== '')
      .map((p) => {
        const name = shown(perm, p.name);
        return { memberId: id.pd[name]?.memberId ?? p.memberId, name, health: p.health, isLeader: p.isLeader };
      })
  };
}

/** The processes as Docker would list them now. */
export function processesOf(frame: Frame, perm: Record<string, string>): NodeProcess[] {
  const c = frame.core;
  if (!c) return [];
  return [...c.pd, ...c.tikv].map((r) => {
    const name = shown(perm, r.name);
    return { name, kind: nodeRole(name) ?? ('storeId' in r ? 'tikv' : 'pd'), state: r.container, partitioned: r.partitioned };
  });
}

/** The workload figure now: the recorded one, timed now; nothing until the show starts the load. */
export function sampleOf(load: LoadLine | null, perm: Record<string, string>, started: boolean, wall: number): WorkloadReading {
  if (!started || !load) return { running: started, current: null, perStoreOps: {} };
  const perStoreOps: Record<string, number> = {};
  for (const [name, ops] of Object.entries(load.per ?? {})) perStoreOps[shown(perm, name)] = ops;
  return {
    running: load.run,
    current:
      load.ops === undefined ? null : { t: wall, ops: load.ops, errors: load.err ?? 0, p99Ms: load.p99 ?? null, ...(load.lat ? { latency: load.lat } : {}) },
    perStoreOps
  };
}
