// The live workload figure: big ops/s, p99 and errors/s, and a rolling chart of the last
// ninety seconds whose y axis starts at zero, so a dip is obvious. The moment of each fault is
// marked on the chart (and each restore), so the dip reads as cause and effect.
//
// The chart is SVG that React renders with the figures (lib/workload.ts draws the paths): a
// new second changes two path strings. It replaced uPlot, whose whole-canvas redraw each second
// was a quarter of an idle audience page's growing compiled code and needed its plots parked
// across layout changes because they were costly to build.
import { useMemo, type JSX } from 'react';
import type { WorkloadSeries } from '../../../shared/cluster';
import type { TimelineEvent } from '../../../shared/show';
import { latencyText, opsText, plainNumber, rateText } from '../lib/format';
import {
  CHART_BOX,
  chartData,
  chartMarks,
  chartPaths,
  chartPoint,
  chartSplits,
  chartWindowS,
  chartYMax,
  chartYTicks,
  opsTick,
  type ChartMark
} from '../lib/workload';

/** A position along the plot, in % of its width or height (drawing box units / 10). */
const pct = (v: number): string => `${(v / CHART_BOX) * 100}%`;

function xLabel(s: number): string {
  return s === 0 ? 'now' : `\u2212${Math.abs(s)} s`;
}

/** A fault or a restore: a dashed line (HTML, so its dashes do not stretch with the plot) and its
 *  label beside it, on the side with room: left of the line in the last third. */
function ChartMarkLine({ mark, windowS }: { mark: ChartMark; windowS: number }): JSX.Element {
  const [x] = chartPoint(mark.x, 0, windowS, 1);
  const side = x > CHART_BOX * 0.62 ? 'left' : 'right';
  return (
    <>
      <span className={`wl-mark-line wl-mark-${mark.kind}`} style={{ left: pct(x) }} />
      <span className={`wl-mark-label wl-mark-${mark.kind} on-${side}`} style={{ left: pct(x) }}>
        {mark.label}
      </span>
    </>
  );
}

function WorkloadChart({ workload, marks }: { workload: WorkloadSeries; marks: ChartMark[] }): JSX.Element {
  const windowS = chartWindowS(workload.history);
  // Where each y tick and x split sits, computed once for the grid and the labels both.
  const chart = useMemo(() => {
    const data = chartData(workload.history, windowS);
    const yMax = chartYMax(data[1]);
    const ticks = chartYTicks(yMax).map((v) => ({ v, y: chartPoint(0, v, windowS, yMax)[1] }));
    const splits = chartSplits(windowS).map((s) => ({ s, x: chartPoint(s, 0, windowS, 1)[0] }));
    return { ticks, splits, ...chartPaths(data, windowS, yMax) };
  }, [workload.history, windowS]);
  const fault = marks.filter((m) => m.kind === 'fault').pop();
  return (
    <div
      className="wl-chart"
      aria-label={`operations per second, last ${windowS} seconds${fault ? `; ${fault.label} marked` : ''}`}
      role="img"
      data-testid="workload-chart"
      data-marks={String(marks.length)}
    >
      <div className="wl-y" aria-hidden="true">
        {chart.ticks.map((t) => (
          <span key={t.v} style={{ top: pct(t.y) }}>
            {opsTick(t.v)}
          </span>
        ))}
      </div>
      <div className="wl-plot" aria-hidden="true">
        <svg viewBox={`0 0 ${CHART_BOX} ${CHART_BOX}`} preserveAspectRatio="none">
          {chart.ticks.map((t) => (
            <line key={`y${t.v}`} className="wl-grid" x1={0} x2={CHART_BOX} y1={t.y} y2={t.y} />
          ))}
          {chart.splits.map((t) => (
            <line key={`x${t.s}`} className="wl-grid" x1={t.x} x2={t.x} y1={0} y2={CHART_BOX} />
          ))}
          <path className="wl-area" d={chart.area} />
          <path className="wl-line" d={chart.line} />
        </svg>
        {marks.map((m) => (
          <ChartMarkLine key={`${m.kind}@${m.x}`} mark={m} windowS={windowS} />
        ))}
      </div>
      <div className="wl-x" aria-hidden="true">
        {chart.splits.map((t) => (
          <span key={t.s} style={{ left: pct(t.x) }}>
            {xLabel(t.s)}
          </span>
        ))}
      </div>
    </div>
  );
}

export function WorkloadPanel({
  workload,
  variant,
  timeline = []
}: {
  workload: WorkloadSeries;
  variant: 'side' | 'big' | 'compact';
  /** The show's timeline: its faults and restores are marked on the chart. */
  timeline?: readonly TimelineEvent[];
}): JSX.Element {
  const cur = workload.current;
  const ops = cur?.ops ?? 0;
  const errors = cur?.errors ?? 0;
  const marks = useMemo(() => chartMarks(timeline, workload.history, chartWindowS(workload.history)), [timeline, workload.history]);
  return (
    <div
      className={`workload workload-${variant}${errors > 0 ? ' has-errors' : ''}`}
      data-testid="workload"
      data-ops={plainNumber(ops)}
      data-errors={plainNumber(errors)}
    >
      <div className="wl-head">
        {cur ? (
          <>
            <span className="wl-ops">{opsText(ops)}</span>
            <span className="wl-unit">ops/s</span>
          </>
        ) : (
          <>
            {/* The big figure's height, held before it arrives: nothing below moves when it does. */}
            <span className="wl-ops" aria-hidden="true">
              {'\u200b'}
            </span>
            <span className="wl-unit">no figures yet</span>
          </>
        )}
        {!workload.running && <span className="wl-stopped">workload stopped</span>}
      </div>
      <div className="wl-sub">
        {/* The latency says what it is and over which window ("mean, last 5 s"); a point
            without a label is the simulator's own windowed p99. */}
        <span data-testid="workload-latency" data-label={cur?.latency?.label ?? 'p99'}>
          {cur?.latency?.label ?? 'p99'} <b className="wl-lat">{latencyText(cur?.latency ? cur.latency.ms : (cur?.p99Ms ?? null))}</b>
        </span>
        <span className="wl-err">
          errors <b>{rateText(errors)}</b>/s
        </span>
      </div>
      <WorkloadChart workload={workload} marks={marks} />
    </div>
  );
}
