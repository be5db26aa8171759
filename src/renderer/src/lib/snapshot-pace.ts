// Which cluster snapshots a page may hold until its next one-second tick. A routine snapshot
// only moves figures (ops, counts, heartbeat times, the chart's points): showing it with the
// tick costs the audience at most a second on a number and saves a render and a painted frame
// every second, on battery, for a whole talk. Anything the audience watches for (a node killed,
// paused or cut off, PD's verdict, a new PD leader, the workload stopping) is never held.
import type { ClusterSnapshot, PdMemberRow, TikvStoreRow, WorkloadSeries } from '../../../shared/cluster';

const sameStore = (a: TikvStoreRow, b: TikvStoreRow): boolean =>
  a.storeId === b.storeId && a.name === b.name && a.address === b.address && a.state === b.state && a.container === b.container && a.partitioned === b.partitioned;

const sameMember = (a: PdMemberRow, b: PdMemberRow): boolean =>
  a.memberId === b.memberId && a.name === b.name && a.health === b.health && a.isLeader === b.isLeader && a.container === b.container && a.partitioned === b.partitioned;

const sameWorkload = (a: WorkloadSeries | null, b: WorkloadSeries | null): boolean =>
  a === null || b === null ? a === b : a.running === b.running && a.source === b.source;

function sameRows<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i]!));
}

/** True when `next` differs from `prev` in figures only: it may wait for the next tick. Pure. */
export function isRoutine(prev: ClusterSnapshot, next: ClusterSnapshot): boolean {
  return (
    prev.mode === next.mode &&
    prev.pdUrl === next.pdUrl &&
    prev.stale === next.stale &&
    prev.pdError === next.pdError &&
    (prev.pdElecting ?? false) === (next.pdElecting ?? false) &&
    prev.containerNote === next.containerNote &&
    prev.clusterId === next.clusterId &&
    prev.pdLeader === next.pdLeader &&
    prev.timeScale === next.timeScale &&
    sameRows(prev.pd, next.pd, sameMember) &&
    sameRows(prev.tikv, next.tikv, sameStore) &&
    sameWorkload(prev.workload, next.workload)
  );
}
