// The snapshot builder: merges PD's view (the poller's PdView) with Docker's (container states by
// compose service name) into the one ClusterSnapshot the renderer draws. Pure.
import type {
  ClusterSnapshot,
  ContainerState,
  Mode,
  PdMemberRow,
  TikvStoreRow,
  WorkloadSeries
} from '../../shared/cluster';
import type { PdView } from './types';

export interface ContainerInfo {
  state: ContainerState;
  partitioned: boolean;
}

export interface SnapshotInput {
  mode: Mode;
  pd: PdView;
  /** Container states by node name (tikv0, pd1); null when Docker (or the simulator) cannot say. */
  containers: Map<string, ContainerInfo> | null;
  /** Why container states are unknown, when they are. */
  containerNote: string | null;
  workload: WorkloadSeries | null;
  /** Per-store ops/s, keyed by node name (tikv0), or else by PD store id. */
  perStoreOps?: Record<string, number>;
  now: number;
  /** The cluster's clock against the wall (the simulator's speed); 1 by default. */
  timeScale?: number;
}

export const DEFAULT_CONTAINER_NOTE = 'Container states are unknown: Docker is not available';

const TIKV_NAME = /^tikv/i;
const PD_NAME = /^pd/i;

const nameCollator = new Intl.Collator('en', { numeric: true });

const DECIMAL = /^\d+$/;

function compareIds(a: string, b: string): number {
  // '' (not known to PD) sorts after real ids.
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  // Ids are decimal strings; anything else (e.g. from a damaged recording) sorts after them as
  // text: BigInt would throw, on every publish, and freeze the map.
  const da = DECIMAL.test(a);
  const db = DECIMAL.test(b);
  if (!da || !db) return da ? -1 : db ? 1 : a < b ? -1 : a > b ? 1 : 0;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function opsFor(perStoreOps: Record<string, number> | undefined, storeId: string, name: string): number | null {
  if (!perStoreOps) return null;
  const own = (key: string): number | undefined =>
    key !== '' && Object.prototype.hasOwnProperty.call(perStoreOps, key) ? perStoreOps[key] : undefined;
  const v = own(name) ?? own(storeId);
  return v !== undefined && Number.isFinite(v) ? v : null;
}

export function buildSnapshot(input: SnapshotInput): ClusterSnapshot {
  const { mode, pd, containers, perStoreOps, now } = input;

  const containerOf = (name: string): ContainerInfo => {
    if (containers === null) return { state: 'unknown', partitioned: false };
    // PD knows the node but Docker has no such container.
    return containers.get(name) ?? { state: 'missing', partitioned: false };
  };

  const tikv: TikvStoreRow[] = pd.stores.map((s) => {
    const c = containerOf(s.name);
    return {
      kind: 'tikv',
      storeId: s.storeId,
      name: s.name,
      address: s.address,
      state: s.state,
      container: c.state,
      partitioned: c.partitioned,
      leaderCount: s.leaderCount,
      regionCount: s.regionCount,
      lastHeartbeatMs: s.lastHeartbeatMs,
      opsPerSec: opsFor(perStoreOps, s.storeId, s.name)
    };
  });

  const pdNodes: PdMemberRow[] = pd.members.map((m) => {
    const c = containerOf(m.name);
    return {
      kind: 'pd',
      memberId: m.memberId,
      name: m.name,
      health: m.health,
      isLeader: m.isLeader,
      container: c.state,
      partitioned: c.partitioned
    };
  });

  // Nodes Docker knows but PD does not (PD never answered, or a store not registered yet): the
  // map is never empty while Docker can see the cluster.
  if (containers !== null) {
    const tikvNames = new Set(tikv.map((n) => n.name));
    const pdNames = new Set(pdNodes.map((n) => n.name));
    for (const [name, c] of containers) {
      if (TIKV_NAME.test(name) && !tikvNames.has(name)) {
        tikv.push({
          kind: 'tikv',
          storeId: '',
          name,
          address: '',
          state: 'unknown',
          container: c.state,
          partitioned: c.partitioned,
          leaderCount: 0,
          regionCount: 0,
          lastHeartbeatMs: null,
          opsPerSec: opsFor(perStoreOps, '', name)
        });
      } else if (PD_NAME.test(name) && !pdNames.has(name)) {
        pdNodes.push({
          kind: 'pd',
          memberId: '',
          name,
          health: null,
          isLeader: false,
          container: c.state,
          partitioned: c.partitioned
        });
      }
    }
  }

  // Name order keeps the layout stable whether a node came from PD or only from Docker; a
  // re-created store with the same address sorts after the older (e.g. tombstoned) one.
  tikv.sort((a, b) => nameCollator.compare(a.name, b.name) || compareIds(a.storeId, b.storeId));
  pdNodes.sort((a, b) => nameCollator.compare(a.name, b.name));

  return {
    mode,
    pdUrl: pd.pdUrl,
    takenAt: pd.takenAt,
    stale: pd.stale,
    // 0 before PD ever answered (takenAt 0), never negative under clock skew.
    ageMs: pd.takenAt > 0 ? Math.max(0, now - pd.takenAt) : 0,
    now,
    pdError: pd.error,
    pdElecting: pd.stale && pd.electing === true,
    containerNote: containers === null ? (input.containerNote ?? DEFAULT_CONTAINER_NOTE) : input.containerNote,
    clusterId: pd.clusterId,
    pdLeader: pd.leader,
    regionCount: pd.regionCount,
    maxReplicas: pd.maxReplicas,
    pd: pdNodes,
    tikv,
    workload: input.workload,
    timeScale: input.timeScale ?? 1
  };
}
