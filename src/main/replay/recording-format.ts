// The recording format: JSON Lines, one object per line, append-only. A header line, then
// timestamped lines: cluster snapshots (a full one first, then only what changed), container
// events, workload samples and the beats that fired. Pure: schemas, the snapshot's "core" (what
// the map draws, without the fields that change on every poll) and the delta between two cores.
import { z } from 'zod';
import { faultSpecSchema, type ChapterAction } from '../../shared/actions';
import { MAX_PLAUSIBLE_REPLICAS, type ClusterSnapshot, type ContainerState, type PdState } from '../../shared/cluster';

export const FORMAT_VERSION = 1;
export const RECORDINGS_DIR = 'recordings';

/**
 * A PD id as the snapshot carries it: decimal digits (PD's ids are uint64, parsed without loss),
 * or '' for a node PD does not know. Anything else would reach code that reads ids as numbers.
 */
const pdId = z.string().regex(/^\d*$/, 'a decimal id (digits only) or empty');
/** The last ms of the year 9999: no plausible recording is later (and past 8.64e15, Date cannot print it). */
export const MAX_RECORDED_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const pdState = z.enum(['up', 'disconnected', 'down', 'offline', 'tombstone', 'unknown']);
const containerState = z.enum(['running', 'exited', 'paused', 'missing', 'unknown']);
/** Modes a recording can be made in (a replayed show may be recorded too; it never counts as a source). */
export const recordedMode = z.enum(['sim', 'live', 'replay']);
export type RecordedMode = z.infer<typeof recordedMode>;

// --- the snapshot's core ------------------------------------------------------------------

const tikvCore = z.object({
  storeId: pdId,
  name: z.string(),
  address: z.string(),
  state: pdState,
  container: containerState,
  partitioned: z.boolean(),
  leaderCount: z.number(),
  regionCount: z.number(),
  /** Last heartbeat PD saw (recorded Unix ms). Volatile: never a reason to write a line. */
  hb: z.number().nullable()
});
const pdCore = z.object({
  memberId: pdId,
  name: z.string(),
  health: z.boolean().nullable(),
  isLeader: z.boolean(),
  container: containerState,
  partitioned: z.boolean()
});
const coreTop = z.object({
  pdUrl: z.string(),
  stale: z.boolean(),
  /** Last good PD poll (recorded Unix ms, 0 = never). Volatile. */
  takenAt: z.number(),
  pdError: z.string().nullable(),
  containerNote: z.string().nullable(),
  clusterId: z.string().nullable(),
  pdLeader: z.string().nullable(),
  regionCount: z.number().nullable(),
  /** PD's max-replicas (null = unknown); absent in recordings made before it was kept. */
  maxReplicas: z.number().int().min(1).max(MAX_PLAUSIBLE_REPLICAS).nullable().optional(),
  timeScale: z.number()
});
const coreSnapshot = coreTop.extend({ tikv: z.array(tikvCore), pd: z.array(pdCore) });

export type TikvCore = z.infer<typeof tikvCore>;
export type PdCore = z.infer<typeof pdCore>;
export type CoreTop = z.infer<typeof coreTop>;
export type CoreSnapshot = z.infer<typeof coreSnapshot>;

/** Fields that change on every poll: carried along when a line is written, never a reason to write one. */
const VOLATILE = new Set(['takenAt', 'hb']);

// --- lines --------------------------------------------------------------------------------

export const chapterActionSchema: z.ZodType<ChapterAction> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('fault'), fault: faultSpecSchema }),
  z.object({ type: z.literal('restore') }),
  z.object({ type: z.literal('restore-all') }),
  z.object({ type: z.literal('start-workload') }),
  z.object({ type: z.literal('stop-workload') })
]);

export const headerLine = z.object({
  k: z.literal('header'),
  format: z.number().int().positive(),
  app: z.string(),
  appVersion: z.string(),
  /** When the recording began (Unix ms, between 1970 and the year 9999). */
  t: z.number().min(0).max(MAX_RECORDED_MS),
  mode: recordedMode,
  modeReason: z.string(),
  deck: z.object({ file: z.string().nullable(), title: z.string(), slug: z.string() }),
  topology: z.object({ pd: z.array(z.string()), tikv: z.array(z.string()) }),
  timeScale: z.number(),
  workload: z.enum(['sim', 'ycsb']).nullable(),
  /** Set when this show was itself a replay: the recording it played. */
  replayOf: z.string().nullable().optional()
});
export const snapLine = z.object({ k: z.literal('snap'), t: z.number(), s: coreSnapshot });
export const deltaLine = z.object({
  k: z.literal('delta'),
  t: z.number(),
  top: coreTop.partial().optional(),
  /** By row key (see tikvKey); null = the row is gone. */
  tikv: z.record(z.string(), tikvCore.partial().nullable()).optional(),
  pd: z.record(z.string(), pdCore.partial().nullable()).optional()
});
export const containerLine = z.object({
  k: z.literal('container'),
  t: z.number(),
  name: z.string(),
  kind: z.enum(['pd', 'tikv']),
  state: containerState,
  partitioned: z.boolean()
});
export const loadLine = z.object({
  k: z.literal('load'),
  t: z.number(),
  run: z.boolean(),
  ops: z.number().optional(),
  err: z.number().optional(),
  p99: z.number().nullable().optional(),
  /** The latency figure the views showed, with what it is ("p99, last 1 s"). */
  lat: z.object({ ms: z.number(), label: z.string() }).nullable().optional(),
  /** ops/s per TiKV node name. */
  per: z.record(z.string(), z.number()).optional()
});
export const beatLine = z.object({
  k: z.literal('beat'),
  /** When the beat fired (its line is written once the action has finished). */
  t: z.number(),
  /** The chapter's id, or null for a presenter's button outside any chapter action. */
  chapter: z.string().nullable(),
  source: z.enum(['chapter', 'presenter']),
  action: chapterActionSchema,
  /** The node the fault hit (resolved from random-tikv, pd-leader), or null. */
  target: z.string().nullable(),
  outcome: z.enum(['ok', 'failed']),
  message: z.string()
});
export const endLine = z.object({ k: z.literal('end'), t: z.number(), reason: z.string() });

export const recordingLine = z.discriminatedUnion('k', [snapLine, deltaLine, containerLine, loadLine, beatLine, endLine]);

export type HeaderLine = z.infer<typeof headerLine>;
export type SnapLine = z.infer<typeof snapLine>;
export type DeltaLine = z.infer<typeof deltaLine>;
export type ContainerLine = z.infer<typeof containerLine>;
export type LoadLine = z.infer<typeof loadLine>;
export type BeatLine = z.infer<typeof beatLine>;
export type EndLine = z.infer<typeof endLine>;
export type RecordingLine = z.infer<typeof recordingLine>;

/** "2026-11-30 09:00" (UTC) for a recorded Unix ms time; null when it is no printable date. Pure, never throws. */
export function utcMinute(t: number): string | null {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('T', ' ').slice(0, 16);
}

// --- snapshot -> core, and deltas ---------------------------------------------------------

export function tikvKey(r: Pick<TikvCore, 'name' | 'storeId'>): string {
  return r.storeId === '' ? `@${r.name}` : `${r.name}#${r.storeId}`;
}

/** What the map draws, without the workload and per-poll ages. Pure. */
export function coreOf(s: ClusterSnapshot): CoreSnapshot {
  return {
    pdUrl: s.pdUrl,
    stale: s.stale,
    takenAt: s.takenAt,
    pdError: s.pdError,
    containerNote: s.containerNote,
    clusterId: s.clusterId,
    pdLeader: s.pdLeader,
    regionCount: s.regionCount,
    maxReplicas: s.maxReplicas ?? null,
    timeScale: s.timeScale,
    tikv: s.tikv.map((n) => ({
      storeId: n.storeId,
      name: n.name,
      address: n.address,
      state: n.state as PdState,
      container: n.container as ContainerState,
      partitioned: n.partitioned,
      leaderCount: n.leaderCount,
      regionCount: n.regionCount,
      hb: n.lastHeartbeatMs
    })),
    pd: s.pd.map((p) => ({
      memberId: p.memberId,
      name: p.name,
      health: p.health,
      isLeader: p.isLeader,
      container: p.container,
      partitioned: p.partitioned
    }))
  };
}

type Row = Record<string, unknown>;

interface Patch {
  patch: Row | null;
  /** True when a non-volatile field changed. */
  real: boolean;
}

/** The changed fields of one row (null when none), and whether any of them is a real change. */
function rowPatch(prev: Row, next: Row): Patch {
  const patch: Row = {};
  let any = false;
  let real = false;
  for (const [k, v] of Object.entries(next)) {
    if (prev[k] === v) continue;
    patch[k] = v;
    any = true;
    if (!VOLATILE.has(k)) real = true;
  }
  return { patch: any ? patch : null, real };
}

function rowsPatch<T extends Row>(prev: T[], next: T[], key: (r: T) => string): { rows: Record<string, Partial<T> | null> | null; real: boolean } {
  const before = new Map(prev.map((r) => [key(r), r]));
  const out: Record<string, Partial<T> | null> = {};
  let any = false;
  let real = false;
  for (const r of next) {
    const k = key(r);
    const old = before.get(k);
    before.delete(k);
    const p = old ? rowPatch(old, r) : { patch: { ...r }, real: true };
    if (p.patch) {
      out[k] = p.patch as Partial<T>;
      any = true;
      real ||= p.real;
    }
  }
  for (const k of before.keys()) {
    out[k] = null;
    any = real = true;
  }
  return { rows: any ? out : null, real };
}

/**
 * What changed from `prev` to `next`, ignoring the volatile fields: null when only they moved.
 * A line that is written carries every field that moved, volatile ones included, so the reader
 * rebuilds exactly what the views were shown. Pure.
 */
export function diffCore(prev: CoreSnapshot, next: CoreSnapshot): Omit<DeltaLine, 'k' | 't'> | null {
  const { tikv: pt, pd: pp, ...ptop } = prev;
  const { tikv: nt, pd: np, ...ntop } = next;
  const tikv = rowsPatch<TikvCore>(pt, nt, tikvKey);
  const pd = rowsPatch<PdCore>(pp, np, (r) => r.name);
  const top = rowPatch(ptop, ntop);
  if (!tikv.real && !pd.real && !top.real) return null;
  const out: Omit<DeltaLine, 'k' | 't'> = {};
  if (top.patch) out.top = top.patch as Partial<CoreTop>;
  if (tikv.rows) out.tikv = tikv.rows;
  if (pd.rows) out.pd = pd.rows;
  return out;
}

/**
 * The first row a delta adds (a key the core has not) without every field, or null. The recorder
 * writes a new row whole; a partial one (a damaged recording) would reach the map without a
 * name, state or id. Pure.
 */
export function incompleteRow(core: CoreSnapshot, d: Pick<DeltaLine, 'tikv' | 'pd'>): string | null {
  const tikvKeys = new Set(core.tikv.map(tikvKey));
  for (const [k, p] of Object.entries(d.tikv ?? {})) if (p && !tikvKeys.has(k) && !tikvCore.safeParse(p).success) return `TiKV row "${k.slice(0, 40)}"`;
  const pdNames = new Set(core.pd.map((r) => r.name));
  for (const [k, p] of Object.entries(d.pd ?? {})) if (p && !pdNames.has(k) && !pdCore.safeParse(p).success) return `PD row "${k.slice(0, 40)}"`;
  return null;
}

const collator = new Intl.Collator('en', { numeric: true });
const byId = (a: string, b: string): number => (a === b ? 0 : a === '' ? 1 : b === '' ? -1 : a.length - b.length || (a < b ? -1 : 1));

function applyRows<T extends Row>(rows: T[], patch: Record<string, Partial<T> | null> | undefined, key: (r: T) => string): T[] {
  if (!patch) return rows;
  const byKey = new Map(rows.map((r) => [key(r), r]));
  for (const [k, p] of Object.entries(patch)) {
    if (p === null) byKey.delete(k);
    else byKey.set(k, { ...(byKey.get(k) ?? ({} as T)), ...p } as T);
  }
  return [...byKey.values()];
}

/** The core after a delta; rows in the map's order (name, then store id). Pure. */
export function applyDelta(core: CoreSnapshot, d: Pick<DeltaLine, 'top' | 'tikv' | 'pd'>): CoreSnapshot {
  const tikv = applyRows<TikvCore>(core.tikv, d.tikv as Record<string, Partial<TikvCore> | null> | undefined, tikvKey);
  const pd = applyRows<PdCore>(core.pd, d.pd as Record<string, Partial<PdCore> | null> | undefined, (r) => r.name);
  tikv.sort((a, b) => collator.compare(a.name, b.name) || byId(a.storeId, b.storeId));
  pd.sort((a, b) => collator.compare(a.name, b.name));
  return { ...core, ...(d.top ?? {}), tikv, pd };
}

// --- workload samples ---------------------------------------------------------------------

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** The workload sample a snapshot carries, as a line body; null when it has none. Pure. */
export function loadOf(s: ClusterSnapshot): Omit<LoadLine, 'k' | 't'> | null {
  const w = s.workload;
  if (!w) return null;
  const per: Record<string, number> = {};
  for (const n of s.tikv) if (n.opsPerSec !== null && Number.isFinite(n.opsPerSec)) per[n.name] = round1(n.opsPerSec);
  if (!w.current) return { run: w.running };
  return {
    run: w.running,
    ops: round1(w.current.ops),
    err: round1(w.current.errors),
    p99: w.current.p99Ms === null ? null : round1(w.current.p99Ms),
    ...(w.current.latency ? { lat: { ms: round1(w.current.latency.ms), label: w.current.latency.label } } : {}),
    ...(Object.keys(per).length ? { per } : {})
  };
}

// --- file names ---------------------------------------------------------------------------

/** "tikv-resilience" from a deck's file (or its title when it has no file). Pure. */
export function deckSlug(fileOrTitle: string): string {
  const base = fileOrTitle.replace(/^.*[\\/]/, '').replace(/\.[a-z0-9]+$/i, '');
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'deck';
}

/** `<deck-slug>--<mode>--<ISO time>.jsonl`, legal on every file system and sortable by time. Pure. */
export function recordingFileName(slug: string, mode: RecordedMode, at: Date): string {
  return `${slug}--${mode}--${at.toISOString().replace(/[:.]/g, '-')}.jsonl`;
}

const NAME_RE = /^(.+)--(sim|live|replay)--(\d{4}-\d\d-\d\dT[\d-]+Z)(?:-\d+)?\.jsonl$/;

/** The parts of a recording's file name, or null when it is not one. Pure. */
export function parseRecordingFileName(name: string): { slug: string; mode: RecordedMode; stamp: string } | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  return { slug: m[1]!, mode: m[2] as RecordedMode, stamp: m[3]! };
}
