// The cluster map's model: what each node card says and how it looks, computed from a
// ClusterSnapshot without any DOM. Positions are stable: nodes are sorted by name.
import type { ClusterSnapshot, ContainerState, PdMemberRow, PdState, TikvStoreRow } from '../../../shared/cluster';
import { pdStateWord, storeHeadline } from '../../../shared/cluster';
import { intText } from './format';

/** How a node looks: one colour + icon + word each (never colour alone). */
export type Visual =
  | 'up'
  | 'disconnected'
  | 'down'
  | 'offline'
  | 'tombstone'
  | 'unknown'
  | 'killed'
  | 'paused'
  | 'cutoff'
  | 'missing'
  /** Timeline only: leaders moved; the workload dipped. */
  | 'moved'
  | 'dip';

export type IconName = 'check' | 'question' | 'cross' | 'pause' | 'cut' | 'dash' | 'arrow-down' | 'arrow-right' | 'stone';

export const VISUAL_ICON: Record<Visual, IconName> = {
  up: 'check',
  disconnected: 'question',
  down: 'cross',
  offline: 'arrow-down',
  tombstone: 'stone',
  unknown: 'dash',
  killed: 'cross',
  paused: 'pause',
  cutoff: 'cut',
  missing: 'dash',
  moved: 'arrow-right',
  dip: 'arrow-down'
};

export interface NodeView {
  kind: 'pd' | 'tikv';
  /** Stable React key and map position key. */
  key: string;
  name: string;
  visual: Visual;
  /** The word the audience reads ("killed", "Up", "Disconnected"). */
  word: string;
  /** PD's own view, for data-state. */
  pdState: PdState;
  container: ContainerState;
  /** PD's view beside Docker's when they disagree: "PD still says Up". */
  gap: string | null;
  /** Greyed out but kept in place. */
  dead: boolean;
}

export interface TikvCardModel extends NodeView {
  kind: 'tikv';
  storeId: string;
  address: string;
  leaders: number;
  regions: number;
  lastHeartbeatMs: number | null;
  opsPerSec: number | null;
}

/** What a TiKV card shows that changes every second. */
export type TikvFigures = Pick<TikvCardModel, 'opsPerSec' | 'lastHeartbeatMs'>;
const FIGURES: ReadonlySet<string> = new Set<keyof TikvFigures>(['opsPerSec', 'lastHeartbeatMs']);

/** Two card models that differ at most in their per-second figures (a shallow compare). Pure. */
export function sameButFigures(a: TikvCardModel, b: TikvCardModel): boolean {
  const keys = Object.keys(a) as (keyof TikvCardModel)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => FIGURES.has(k) || Object.is(a[k], b[k]));
}

export interface PdCardModel extends NodeView {
  kind: 'pd';
  memberId: string;
  isLeader: boolean;
  health: boolean | null;
}

const DEAD_VISUALS: ReadonlySet<Visual> = new Set<Visual>(['killed', 'down', 'tombstone', 'missing']);

/** One collator for every compare: localeCompare with options builds one per call, and sorting
 *  3,000 stores a snapshot spent 12 ms doing so. */
const NAME_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order: tikv2 before tikv10. */
export function compareNames(a: string, b: string): number {
  return NAME_ORDER.compare(a, b);
}

function visualOf(state: PdState, container: ContainerState, partitioned: boolean): Visual {
  if (container === 'exited') return 'killed';
  if (container === 'paused') return 'paused';
  if (partitioned) return 'cutoff';
  if (container === 'missing' && (state === 'unknown' || state === 'down' || state === 'tombstone')) return 'missing';
  return state;
}

/** PD's view beside Docker's, only when the two disagree. */
function gapText(state: PdState, container: ContainerState, partitioned: boolean): string | null {
  const processGone = container === 'exited' || container === 'paused' || partitioned;
  if (processGone) {
    if (state === 'up') return 'PD still says Up';
    if (state === 'unknown') return null;
    return `PD says ${pdStateWord(state)}`;
  }
  if (container === 'running' && (state === 'disconnected' || state === 'down')) return 'container running again';
  if (container === 'missing' && state === 'up') return 'no container found';
  return null;
}

function pdGapText(n: PdMemberRow): string | null {
  const processGone = n.container === 'exited' || n.container === 'paused' || n.partitioned;
  if (processGone && n.health === true) return 'health check still passes';
  if (n.container === 'running' && n.health === false) return 'container running again';
  return null;
}

export function tikvCardModel(n: TikvStoreRow): TikvCardModel {
  const visual = visualOf(n.state, n.container, n.partitioned);
  const word = visual === 'missing' ? 'gone' : storeHeadline(n);
  return {
    kind: 'tikv',
    key: `tikv:${n.storeId}`,
    name: n.name,
    visual,
    word,
    pdState: n.state,
    container: n.container,
    gap: gapText(n.state, n.container, n.partitioned),
    dead: DEAD_VISUALS.has(visual),
    storeId: n.storeId,
    address: n.address,
    leaders: n.leaderCount,
    regions: n.regionCount,
    lastHeartbeatMs: n.lastHeartbeatMs,
    opsPerSec: n.opsPerSec
  };
}

/** A PD member's state in PD's words: /health true = up, false = down, not yet asked = unknown. */
export function pdMemberState(n: Pick<PdMemberRow, 'health'>): PdState {
  if (n.health === true) return 'up';
  if (n.health === false) return 'down';
  return 'unknown';
}

export function pdCardModel(n: PdMemberRow): PdCardModel {
  const state = pdMemberState(n);
  const visual = visualOf(state, n.container, n.partitioned);
  let word: string;
  if (visual === 'killed') word = 'killed';
  else if (visual === 'paused') word = 'paused';
  else if (visual === 'cutoff') word = 'cut off';
  else if (visual === 'missing') word = 'gone';
  else word = pdStateWord(state);
  return {
    kind: 'pd',
    key: `pd:${n.memberId}`,
    name: n.name,
    visual,
    word,
    pdState: state,
    container: n.container,
    gap: pdGapText(n),
    dead: DEAD_VISUALS.has(visual),
    memberId: n.memberId,
    isLeader: n.isLeader,
    health: n.health
  };
}

export interface MapModel {
  pd: PdCardModel[];
  tikv: TikvCardModel[];
  /** Denominator of the leader and region bars: the cluster's region count (bars are shares of it). */
  barMax: number;
}

export function mapModel(c: Pick<ClusterSnapshot, 'pd' | 'tikv' | 'regionCount'>): MapModel {
  const pd = c.pd.map(pdCardModel).sort((a, b) => compareNames(a.name, b.name) || compareNames(a.memberId, b.memberId));
  const tikv = c.tikv.map(tikvCardModel).sort((a, b) => compareNames(a.name, b.name) || compareNames(a.storeId, b.storeId));
  const maxRegions = tikv.reduce((m, n) => Math.max(m, n.regions), 0);
  const sumLeaders = tikv.reduce((s, n) => s + n.leaders, 0);
  const barMax = Math.max(1, c.regionCount ?? 0, maxRegions, sumLeaders);
  return { pd, tikv, barMax };
}

/** Bar width in percent, clamped to 0..100. */
export function barPercent(value: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, (value / max) * 100));
}

export interface LeaderChange {
  counts: Map<string, number>;
  /** storeId → change since the previous snapshot (non-zero only). */
  deltas: Map<string, number>;
}

/** Leader-count changes per store between two snapshots. The first snapshot (prev null)
 *  and stores that just appeared report no change: only movement is animated. */
export function leaderDeltas(prev: ReadonlyMap<string, number> | null, tikv: readonly Pick<TikvStoreRow, 'storeId' | 'leaderCount'>[]): LeaderChange {
  const counts = new Map<string, number>();
  const deltas = new Map<string, number>();
  for (const n of tikv) {
    counts.set(n.storeId, n.leaderCount);
    const before = prev?.get(n.storeId);
    if (before !== undefined && before !== n.leaderCount) deltas.set(n.storeId, n.leaderCount - before);
  }
  return { counts, deltas };
}

/** The audience's stale note: "PD not answering — last seen 8 s ago", or null when fresh. */
export function staleNote(c: Pick<ClusterSnapshot, 'stale' | 'takenAt' | 'pdElecting'>, serverNow: number, ago: (ms: number) => string): string | null {
  if (!c.stale) return null;
  if (!c.takenAt) return 'Waiting for PD to answer';
  // PD answers but has no leader: a PD leader fault, not a dead PD.
  if (c.pdElecting) return `PD electing a leader \u2014 last seen ${ago(serverNow - c.takenAt)}`;
  return `PD not answering \u2014 last seen ${ago(serverNow - c.takenAt)}`;
}

/**
 * The attributes outside scripts read a node by (DESIGN.md "Names that scripts rely on"), in
 * one place for every view that draws nodes (map cards, diagnosis chips, presenter tables).
 */
export function tikvNodeAttrs(n: Pick<TikvCardModel, 'name' | 'pdState' | 'container' | 'storeId' | 'leaders'>): Record<string, string> {
  return {
    'data-testid': 'cluster-node',
    'data-kind': 'tikv',
    'data-name': n.name,
    'data-state': n.pdState,
    'data-container': n.container,
    'data-store-id': n.storeId,
    'data-leaders': String(n.leaders)
  };
}

export function pdNodeAttrs(n: Pick<PdCardModel, 'name' | 'pdState' | 'container' | 'isLeader'>): Record<string, string> {
  return {
    'data-testid': 'cluster-node',
    'data-kind': 'pd',
    'data-name': n.name,
    'data-state': n.pdState,
    'data-container': n.container,
    'data-leader': n.isLeader ? 'true' : 'false'
  };
}

/** Where the map is drawn: alone across the stage, beside a panel, or as the diagnosis strip. */
export type MapRoom = 'solo' | 'beside' | 'strip';

/** How many nodes of a row fit in a room as full cards (the 1920×1080 design: cards are at least
 *  260 px wide; a row of TiKV cards is about 420 px tall and only one row fits under PD's). */
const CARDS_FIT: Record<Exclude<MapRoom, 'strip'>, { tikv: number; pd: number }> = {
  solo: { tikv: 6, pd: 6 },
  beside: { tikv: 4, pd: 4 }
};

/** How many TiKV stores fit as tiles (compact cards: name, word, leaders, heartbeat; two rows of
 *  3 beside a panel, of 4 alone: a third row ran into the footer under a two-line intro). */
const TILES_FIT: Record<Exclude<MapRoom, 'strip'>, number> = { solo: 8, beside: 6 };

/** How many chips (the row as name-and-state pills) fit before the rest is summed up in one. */
const CHIPS_FIT: Record<MapRoom, number> = { solo: 24, beside: 18, strip: 8 };

export interface MapRow<T extends NodeView> {
  /** Full cards; tiles (compact TiKV cards) when cards would run off the stage; else a grid of chips. */
  as: 'cards' | 'tiles' | 'chips';
  /** Drawn, in name order. */
  shown: T[];
  /** Not drawn for want of room, in name order: all of them plain Up unless even the nodes PD or
   *  Docker has something to say about outnumber the room. */
  more: T[];
}

/** A node worth seeing on the map whatever the room: anything but plain Up with nothing to add. */
function notable(n: NodeView): boolean {
  return n.visual !== 'up' || n.gap !== null;
}

/**
 * Which of a row's nodes (name order) a room shows, and how. A demo cluster of three stores is
 * drawn as cards; a few more stores as tiles, which keep the heartbeat age and the leader-move
 * badge; a larger cluster as chips, so the map never runs off the stage and past its footer;
 * past the chips' room, the nodes that are not plain Up come first and the rest are summed up
 * ("+ 40 more, Up"). Pure.
 */
export function mapRow<T extends NodeView>(nodes: readonly T[], room: MapRoom, kind: 'pd' | 'tikv'): MapRow<T> {
  if (room !== 'strip' && nodes.length <= CARDS_FIT[room][kind]) return { as: 'cards', shown: [...nodes], more: [] };
  if (room !== 'strip' && kind === 'tikv' && nodes.length <= TILES_FIT[room]) return { as: 'tiles', shown: [...nodes], more: [] };
  return { as: 'chips', ...capRow(nodes, CHIPS_FIT[room]) };
}

/** Rows the presenter's table lists before the rest is summed up: each listed store's heartbeat
 *  age ticks every second, and 3,000 of them kept the presenter page a third busy. */
export const TABLE_ROWS = 60;

/** A heartbeat older than this is flagged in the presenter's table (PD's own rule: 20 s without
 *  one and the store is Disconnected, so the table warns before PD does). */
export const STALE_HEARTBEAT_MS = 15_000;

/** PD last heard from the store longer ago than STALE_HEARTBEAT_MS, as of `now`. Pure. */
export function heartbeatStale(lastHeartbeatMs: number | null, now: number): boolean {
  return lastHeartbeatMs !== null && now - lastHeartbeatMs > STALE_HEARTBEAT_MS;
}

/**
 * At most `cap` places for a row's nodes (name order): all of them when they fit; else the nodes
 * that are not plain Up (or that `alsoNotable` picks) first, then the rest by name, one place
 * going to the summary. Pure.
 */
export function capRow<T extends NodeView>(
  nodes: readonly T[],
  cap: number,
  alsoNotable: (n: T) => boolean = () => false
): Pick<MapRow<T>, 'shown' | 'more'> {
  if (nodes.length <= cap) return { shown: [...nodes], more: [] };
  const slots = Math.max(0, cap - 1);
  const keep = new Set<T>();
  for (const n of nodes) if (keep.size < slots && (notable(n) || alsoNotable(n))) keep.add(n);
  for (const n of nodes) if (keep.size < slots) keep.add(n);
  return { shown: nodes.filter((n) => keep.has(n)), more: nodes.filter((n) => !keep.has(n)) };
}

/** The summary chip's words: "+ 40 more, Up" or "+ 12 more: 10 Up, 2 Disconnected". Pure. */
export function moreText(more: readonly NodeView[]): string {
  const byWord = new Map<string, number>();
  for (const n of more) byWord.set(n.word, (byWord.get(n.word) ?? 0) + 1);
  if (byWord.size === 1) return `+ ${intText(more.length)} more, ${more[0]!.word}`;
  const parts = [...byWord].sort((a, b) => b[1] - a[1]).map(([w, k]) => `${intText(k)} ${w}`);
  return `+ ${intText(more.length)} more: ${parts.length > 3 ? `${parts.slice(0, 3).join(', ')}, …` : parts.join(', ')}`;
}
