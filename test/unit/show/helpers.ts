// Builders for the show tests: chapters, decks and cluster snapshots.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClusterSnapshot, ContainerState, PdState, TikvStoreRow, WorkloadSample } from '../../../src/shared/cluster';
import { parseAction, type ChapterAction } from '../../../src/shared/actions';
import type { Chapter } from '../../../src/shared/show';
import { parseDeck, type Deck } from '../../../src/main/show/deck';

/** The seed's 8 chapters, in order: what the built-in deck must say. */
export const BUILTIN_TITLES = [
  'Welcome',
  'Cluster Health',
  'Load Generation',
  'Fault Injection',
  'Detection',
  'Diagnosis',
  'Recovery',
  'Complete'
] as const;

export const BUILTIN_DECK = resolve(__dirname, '../../../resources/decks/tikv-resilience.md');

export function builtinDeck(): Deck {
  const r = parseDeck(readFileSync(BUILTIN_DECK, 'utf8'), 'tikv-resilience.md');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
  return r.deck;
}

export function chapter(id: string, over: Partial<Chapter> = {}): Chapter {
  return {
    id,
    title: id,
    narration: '',
    notes: '',
    action: null,
    countdown: 0,
    autoAdvance: null,
    blocksAdvance: false,
    map: false,
    panel: 'none',
    duration: null,
    source: null,
    ...over
  };
}

export interface StoreSpec {
  state?: PdState;
  container?: ContainerState;
  leaders?: number;
  partitioned?: boolean;
  /** PD's last heartbeat (wall ms); none by default. */
  heartbeatMs?: number | null;
}

const STORE_IDS: Record<string, string> = { tikv0: '1', tikv1: '4', tikv2: '5' };

export function tikv(name: string, s: StoreSpec = {}): TikvStoreRow {
  return {
    kind: 'tikv',
    storeId: STORE_IDS[name] ?? name,
    name,
    address: `${name}:20160`,
    state: s.state ?? 'up',
    container: s.container ?? 'running',
    partitioned: s.partitioned ?? false,
    leaderCount: s.leaders ?? 12,
    regionCount: 36,
    lastHeartbeatMs: s.heartbeatMs ?? null,
    opsPerSec: null
  };
}

export function snapshot(
  now: number,
  stores: Record<string, StoreSpec>,
  workload: WorkloadSample[] | null = null,
  over: Partial<ClusterSnapshot> = {}
): ClusterSnapshot {
  return {
    timeScale: 1,
    mode: 'sim',
    pdUrl: 'http://127.0.0.1:2379',
    takenAt: now,
    stale: false,
    ageMs: 0,
    now,
    pdError: null,
    containerNote: null,
    clusterId: '7000000000000000001',
    pdLeader: 'pd0',
    regionCount: 36,
    // What PD's /config/replicate says by default (null: not read yet).
    maxReplicas: 3,
    pd: ['pd0', 'pd1', 'pd2'].map((name, i) => ({
      kind: 'pd' as const,
      memberId: String(1000 + i),
      name,
      health: true,
      isLeader: name === 'pd0',
      container: 'running' as const,
      partitioned: false
    })),
    tikv: Object.entries(stores).map(([name, s]) => tikv(name, s)),
    workload: workload
      ? { running: true, source: 'sim', current: workload[workload.length - 1] ?? null, history: workload }
      : null,
    ...over
  };
}

/**
 * The story in numbers, as a function of time: tikv1 is killed at T0, its leaders step down
 * (12 → 6 at +10 s, 0 at +14 s), PD says Disconnected at +25 s, it is restarted at +60 s, PD
 * says Up at +75 s, leaders come back (3 at +85 s, 7 at +95 s, 12 at +110 s). The workload runs
 * at 1,200 ops/s and dips to 744 ops/s (-38 %) from +2 s to +16 s, with no errors.
 */
export const T0 = 1_700_000_000_000;
export const S = 1000;

export function storyStores(t: number): Record<string, StoreSpec> {
  const dt = t - T0;
  const killed = dt >= 0 && dt < 60 * S;
  const disconnected = dt >= 25 * S && dt < 75 * S;
  let l1 = 12;
  if (dt >= 10 * S) l1 = 6;
  if (dt >= 14 * S) l1 = 0;
  if (dt >= 85 * S) l1 = 3;
  if (dt >= 95 * S) l1 = 7;
  if (dt >= 110 * S) l1 = 12;
  const others = (36 - l1) / 2;
  return {
    tikv0: { leaders: others },
    tikv1: { leaders: l1, container: killed ? 'exited' : 'running', state: disconnected ? 'disconnected' : 'up' },
    tikv2: { leaders: others }
  };
}

export function storyOps(t: number): number {
  const dt = t - T0;
  return dt >= 2 * S && dt < 16 * S ? 744 : 1200;
}

/** The last two minutes of workload points, one a second, up to t. */
export function storyWorkload(t: number, errorsAt: (t: number) => number = () => 0): WorkloadSample[] {
  const out: WorkloadSample[] = [];
  const end = Math.floor(t / S) * S;
  for (let p = end - 120 * S; p <= end; p += S) out.push({ t: p, ops: storyOps(p), errors: errorsAt(p), p99Ms: 5 });
  return out;
}

export function storySnapshot(t: number): ClusterSnapshot {
  return snapshot(t, storyStores(t), storyWorkload(t));
}

/** A deck action string as the parsed action a Chapter carries ("kill:tikv1"). */
export function act(raw: string): ChapterAction {
  const p = parseAction(raw);
  if (!p.ok) throw new Error(p.error);
  return p.action;
}
