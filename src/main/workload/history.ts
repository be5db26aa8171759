// A rolling window of workload points for the chart: pure, bounded.
import type { WorkloadSample } from '../../shared/cluster';

export const HISTORY_MS = 120_000;

export function pushPoint(history: readonly WorkloadSample[], p: WorkloadSample, windowMs = HISTORY_MS): WorkloadSample[] {
  const cutoff = p.t - windowMs;
  const kept = history.filter((x) => x.t > cutoff && x.t < p.t);
  kept.push(p);
  return kept;
}
