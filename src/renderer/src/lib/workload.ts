// Workload chart data: the last WINDOW seconds of history as x = seconds before the newest
// point (−90 … 0) and y = ops/s, oldest first, for uPlot.
import type { WorkloadPoint } from '../../../shared/cluster';

export const CHART_WINDOW_S = 90;

export function chartData(history: readonly WorkloadPoint[], windowS = CHART_WINDOW_S): [number[], number[]] {
  const last = history[history.length - 1];
  if (!last) return [[], []];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of history) {
    const x = (p.t - last.t) / 1000;
    if (x < -windowS || !Number.isFinite(p.ops)) continue;
    xs.push(x);
    ys.push(Math.max(0, p.ops));
  }
  return [xs, ys];
}

/** The y axis runs from 0 (so a dip reads as a dip) to a bit above the highest point. */
export function chartYMax(ys: readonly number[]): number {
  const top = ys.reduce((m, y) => Math.max(m, y), 0);
  if (top <= 0) return 10;
  const padded = top * 1.15;
  const mag = 10 ** Math.floor(Math.log10(padded));
  return Math.ceil(padded / mag) * mag;
}
