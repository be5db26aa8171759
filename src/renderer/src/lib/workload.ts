// Workload chart data: the last WINDOW seconds of history as x = seconds before the newest
// point (−90 … 0) and y = ops/s, oldest first; the chart's scales, ticks and SVG paths. Pure.
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

/** Ticks on the y axis from 0 to `yMax`: a round step (1, 2, 2.5 or 5 × 10ⁿ) that gives at
 *  most `most` intervals, so the labels never crowd. */
export function chartYTicks(yMax: number, most = 5): number[] {
  if (!(yMax > 0) || !Number.isFinite(yMax)) return [0];
  const raw = yMax / Math.max(1, most);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw - 1e-9) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v <= yMax + step * 1e-6; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** "4k", "2.5k", "800": a y tick's label. */
export function opsTick(v: number): string {
  return v >= 1000 ? `${Math.round(v / 100) / 10}k` : String(v);
}

/** The chart's drawing box: x and y in 0 … CHART_BOX (an SVG viewBox stretched to the plot). */
export const CHART_BOX = 1000;

/** Where a point sits in the drawing box: x from −windowS … 0, y from 0 … yMax (up). */
export function chartPoint(x: number, y: number, windowS: number, yMax: number): [number, number] {
  const px = ((x + windowS) / windowS) * CHART_BOX;
  const py = (1 - Math.min(1, Math.max(0, y / yMax))) * CHART_BOX;
  return [Math.round(px * 10) / 10, Math.round(py * 10) / 10];
}

/** The series as SVG paths: its line, and the area under it down to 0 ('' for no points). */
export function chartPaths(data: readonly [readonly number[], readonly number[]], windowS: number, yMax: number): { line: string; area: string } {
  const [xs, ys] = data;
  if (xs.length === 0) return { line: '', area: '' };
  const pts = xs.map((x, i) => chartPoint(x, ys[i] ?? 0, windowS, yMax));
  const line = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join('');
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  return { line, area: `${line}L${last[0]} ${CHART_BOX}L${first[0]} ${CHART_BOX}Z` };
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
