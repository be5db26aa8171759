// The live workload figure: big ops/s, p99 and errors/s, and a rolling uPlot chart of the last
// ninety seconds whose y axis starts at zero, so a dip is obvious. The moment of each fault is
// marked on the chart (and each restore), so the dip reads as cause and effect.
import { useEffect, useMemo, useRef, useState, type JSX } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { WorkloadSeries } from '../../../shared/cluster';
import type { TimelineEvent } from '../../../shared/show';
import { latencyText, opsText, plainNumber, rateText } from '../lib/format';
import { parkingLot } from '../lib/parking';
import { chartData, chartMarks, chartSplits, chartWindowS, chartYMax, type ChartMark } from '../lib/workload';

function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

/** Draws a dashed vertical line and a label for each mark, over the plot area. */
function marksPlugin(marks: () => ChartMark[], fontPx: number, colours: { fault: string; restore: string; text: string }): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u: uPlot) => {
          const ctx = u.ctx;
          const r = uPlot.pxRatio;
          const { top, height, left, width } = u.bbox;
          ctx.save();
          for (const m of marks()) {
            const x = Math.round(u.valToPos(m.x, 'x', true));
            if (x < left - 1 || x > left + width + 1) continue;
            const colour = m.kind === 'fault' ? colours.fault : colours.restore;
            ctx.strokeStyle = colour;
            ctx.lineWidth = Math.max(2, (fontPx / 8) * r);
            ctx.setLineDash([6 * r, 5 * r]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.setLineDash([]);
            // The label sits inside the plot, on the side with room.
            ctx.font = `800 ${Math.round(fontPx * r)}px Inter, system-ui, sans-serif`;
            ctx.textAlign = 'left';
            ctx.textBaseline = 'alphabetic';
            const text = m.label;
            const tw = ctx.measureText(text).width;
            const pad = 6 * r;
            const leftSide = x + pad + tw > left + width;
            const tx = leftSide ? x - pad - tw : x + pad;
            const ty = top + fontPx * r * 1.1 + (m.kind === 'restore' ? fontPx * r * 1.3 : 0);
            ctx.fillStyle = 'rgba(11, 14, 20, 0.8)';
            ctx.fillRect(tx - 3 * r, ty - fontPx * r, tw + 6 * r, fontPx * r * 1.25);
            ctx.fillStyle = colour;
            ctx.fillText(text, tx, ty);
          }
          ctx.restore();
        }
      ]
    }
  };
}

/** What a built plot's hooks read: the chart that currently shows it points this at its own. */
interface ChartView {
  current: { marks: ChartMark[]; windowS: number };
}

/** A built plot and the chart view its hooks read (re-pointed when another chart adopts it). */
interface ParkedPlot {
  plot: uPlot;
  holder: { view: ChartView };
}

interface ChartColours {
  text: string;
  grid: string;
  line: string;
  fault: string;
  restore: string;
}

function chartColours(el: Element): ChartColours {
  return {
    text: cssVar(el, '--muted', '#b7c0cc'),
    grid: cssVar(el, '--line', '#2a3342'),
    line: cssVar(el, '--chart', '#56B4E9'),
    fault: cssVar(el, '--accent', '#f0e442'),
    restore: cssVar(el, '--ok', '#009e73')
  };
}

function buildPlot(el: HTMLElement, fontPx: number, colours: ChartColours, holder: ParkedPlot['holder']): uPlot {
  const font = `${fontPx}px Inter, system-ui, sans-serif`;
  const { text, grid, line, fault, restore } = colours;
  const marks = (): ChartMark[] => holder.view.current.marks;
  const windowS = (): number => holder.view.current.windowS;
  const opts: uPlot.Options = {
    width: Math.max(50, el.clientWidth),
    height: Math.max(50, el.clientHeight),
    legend: { show: false },
    cursor: { show: false },
    pxAlign: 0,
    // Room for the top y label and the "now" label, in proportion to the font (uPlot's own
    // padding is fixed in px, so at 4K the labels would be cut).
    padding: [Math.round(fontPx * 0.75), Math.round(fontPx * 1.1), 0, 0],
    plugins: [marksPlugin(marks, fontPx, { fault, restore, text })],
    scales: {
      x: { time: false, range: () => [-windowS(), 0] },
      y: { range: (_u, _min, max) => [0, chartYMax([max])] }
    },
    axes: [
      {
        stroke: text,
        font,
        size: fontPx * 2,
        gap: fontPx * 0.3,
        grid: { stroke: grid, width: 1 },
        ticks: { show: false },
        splits: () => chartSplits(windowS()),
        values: (_u, splits) => splits.map((s) => (s === 0 ? 'now' : `\u2212${Math.abs(s)} s`))
      },
      {
        stroke: text,
        font,
        size: fontPx * 3.4,
        gap: fontPx * 0.3,
        space: fontPx * 2.6,
        grid: { stroke: grid, width: 1 },
        ticks: { show: false },
        values: (_u, splits) => splits.map((s) => (s >= 1000 ? `${Math.round(s / 100) / 10}k` : String(s)))
      }
    ],
    series: [
      {},
      {
        stroke: line,
        width: Math.max(2, fontPx / 6),
        fill: 'rgba(86, 180, 233, 0.16)',
        points: { show: false }
      }
    ]
  };
  return new uPlot(opts, [[], []]);
}

// A chapter change can move the workload panel to another layout, which unmounts its chart and
// mounts a new one; building a uPlot costs far more than moving its element. Three are enough
// for the presenter view's mirror, next preview and live tab.
const parkedPlots = parkingLot<ParkedPlot>(3, (b) => b.plot.destroy());

const DRAW_EVERY_MS = 1000;
const DRAW_SLACK_MS = 150;

function WorkloadChart({ workload, marks }: { workload: WorkloadSeries; marks: ChartMark[] }): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useRef<[number[], number[]]>([[], []]);
  const windowS = chartWindowS(workload.history);
  const view: ChartView = useRef({ marks, windowS });
  data.current = chartData(workload.history, windowS);
  view.current = { marks, windowS };
  // The axis font follows the element's font size; a resize that changes it rebuilds the plot.
  const [fontPx, setFontPx] = useState(0);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const measure = (): void => setFontPx(Math.round(parseFloat(getComputedStyle(el).fontSize) || 16));
    measure();
    const ro = new ResizeObserver(() => {
      measure();
      plot.current?.setSize({ width: Math.max(50, el.clientWidth), height: Math.max(50, el.clientHeight) });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = host.current;
    if (!el || fontPx === 0) return;
    const colours = chartColours(el);
    // The font and colours a plot was built with: a parked plot fits a chart with the same key.
    const key = [fontPx, ...Object.values(colours)].join('|');
    let built = parkedPlots.take(key);
    if (built) built.holder.view = view;
    else {
      const holder = { view };
      built = { plot: buildPlot(el, fontPx, colours, holder), holder };
    }
    const p = built.plot;
    el.appendChild(p.root);
    p.setSize({ width: Math.max(50, el.clientWidth), height: Math.max(50, el.clientHeight) });
    p.setData(data.current);
    plot.current = p;
    const mine = built;
    return () => {
      plot.current = null;
      p.root.remove();
      parkedPlots.park(key, mine);
    };
  }, [fontPx]);

  // Redraw only when a point or a mark was added, and about once a second at most: snapshots
  // arrive more often than the workload's one-second samples, and a redraw repaints the whole
  // canvas. The slack lets a snapshot that comes a little early draw in its own task, in the
  // frame it paints anyway, rather than on a timer that costs a frame of its own.
  const drawn = useRef({ at: 0, key: '' });
  const wanted = useRef('');
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const h = workload.history;
    wanted.current = `${h.length}:${h[h.length - 1]?.t ?? 0}:${marks.map((m) => `${m.kind}@${m.x}`).join(',')}`;
    if (wanted.current === drawn.current.key || pending.current) return;
    const draw = (): void => {
      pending.current = null;
      drawn.current = { at: Date.now(), key: wanted.current };
      plot.current?.setData(data.current);
    };
    const wait = drawn.current.at + DRAW_EVERY_MS - DRAW_SLACK_MS - Date.now();
    if (wait <= 0) draw();
    else pending.current = setTimeout(draw, wait);
  }, [workload.history, marks]);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    []
  );

  const fault = marks.filter((m) => m.kind === 'fault').pop();
  return (
    <div
      className="wl-chart"
      ref={host}
      aria-label={`operations per second, last ${windowS} seconds${fault ? `; ${fault.label} marked` : ''}`}
      data-testid="workload-chart"
      data-marks={String(marks.length)}
    />
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
