// The live workload figure: big ops/s, p99 and errors/s, and a rolling uPlot chart of the last
// ninety seconds whose y axis starts at zero, so a dip is obvious.
import { useEffect, useRef, type JSX } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { WorkloadView } from '../../../shared/cluster';
import { latencyText, opsText, plainNumber, rateText } from '../lib/format';
import { CHART_WINDOW_S, chartData, chartYMax } from '../lib/workload';

function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

function WorkloadChart({ workload }: { workload: WorkloadView }): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useRef<[number[], number[]]>([[], []]);
  data.current = chartData(workload.history);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const fontPx = parseFloat(getComputedStyle(el).fontSize) || 16;
    const font = `${Math.round(fontPx)}px Inter, system-ui, sans-serif`;
    const text = cssVar(el, '--muted', '#b7c0cc');
    const grid = cssVar(el, '--line', '#2a3342');
    const line = cssVar(el, '--chart', '#56B4E9');
    const opts: uPlot.Options = {
      width: Math.max(50, el.clientWidth),
      height: Math.max(50, el.clientHeight),
      legend: { show: false },
      cursor: { show: false },
      pxAlign: 0,
      scales: {
        x: { time: false, range: () => [-CHART_WINDOW_S, 0] },
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
          splits: () => [-90, -60, -30, 0].filter((s) => s >= -CHART_WINDOW_S),
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
    const p = new uPlot(opts, data.current, el);
    plot.current = p;
    const ro = new ResizeObserver(() => {
      p.setSize({ width: Math.max(50, el.clientWidth), height: Math.max(50, el.clientHeight) });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(data.current);
  }, [workload.history]);

  return <div className="wl-chart" ref={host} aria-label="operations per second, last 90 seconds" />;
}

export function WorkloadFigure({ workload, variant }: { workload: WorkloadView; variant: 'side' | 'big' | 'compact' }): JSX.Element {
  const cur = workload.current;
  const ops = cur?.ops ?? 0;
  const errors = cur?.errors ?? 0;
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
          <span className="wl-unit">no figures yet</span>
        )}
        {!workload.running && <span className="wl-stopped">workload stopped</span>}
      </div>
      <div className="wl-sub">
        <span>
          p99 <b>{latencyText(cur?.p99Ms ?? null)}</b>
        </span>
        <span className="wl-err">
          errors <b>{rateText(errors)}</b>/s
        </span>
      </div>
      <WorkloadChart workload={workload} />
    </div>
  );
}
