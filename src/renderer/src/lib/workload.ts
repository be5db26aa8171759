// Workload chart data: the last WINDOW seconds of history as x = seconds before the newest
// point (−90 … 0) and y = ops/s, oldest first, for uPlot.
import type { WorkloadSample } from '../../../shared/cluster';
import type { TimelineEvent } from '../../../shared/show';
import { FAULT_WORDS, type FaultKind } from '../../../shared/vocabulary';

export const CHART_WINDOW_S = 90;

/** The chart's window: 30, 60 or 90 s, the smallest that holds the history, so the first
 *  seconds of a workload fill the chart instead of hugging its right edge. */
export function chartWindowS(history: readonly WorkloadSample[]): number {
  const first = history[0];
  const last = history[history.length - 1];
  const span = first && last ? (last.t - first.t) / 1000 : 0;
  return span <= 30 ? 30 : span <= 60 ? 60 : CHART_WINDOW_S;
}

/** Grid lines every third of the window: −90, −60, −30, now. */
export function chartSplits(windowS: number): number[] {
  const step = windowS / 3;
  return [-windowS, -2 * step, -step, 0];
}

export function chartData(history: readonly WorkloadSample[], windowS = CHART_WINDOW_S): [number[], number[]] {
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

/** A moment marked on the chart: a fault (the cause of the dip) or a restore. */
export interface ChartMark {
  /** Seconds before the newest point (−90 … 0). */
  x: number;
  kind: 'fault' | 'restore';
  label: string;
}

/** Faults and restores from the show's timeline that fall inside the chart's window. */
export function chartMarks(
  timeline: readonly TimelineEvent[],
  history: readonly WorkloadSample[],
  windowS = CHART_WINDOW_S
): ChartMark[] {
  const last = history[history.length - 1];
  if (!last) return [];
  const out: ChartMark[] = [];
  for (const e of timeline) {
    if (e.kind !== 'fault-injected' && e.kind !== 'restored') continue;
    // A fault can land a moment after the newest sample: pin it to "now".
    const x = Math.min(0, (e.at - last.t) / 1000);
    if (x < -windowS || e.at - last.t > 5_000) continue;
    if (e.kind === 'fault-injected') out.push({ x, kind: 'fault', label: faultLabel(e.fault, e.node) });
    else out.push({ x, kind: 'restore', label: e.node ? `${e.node} back` : 'restored' });
  }
  return out.sort((a, b) => a.x - b.x);
}

/** "killed tikv1": the fault in the words of the shared vocabulary. */
function faultLabel(kind: FaultKind, node: string | null): string {
  const past = kind in FAULT_WORDS ? FAULT_WORDS[kind].past : 'hit';
  return node ? `${past} ${node}` : past;
}
