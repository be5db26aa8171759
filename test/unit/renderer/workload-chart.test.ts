import { describe, expect, it } from 'vitest';
import { CHART_BOX, chartData, chartPaths, chartPoint, chartYMax, chartYTicks, opsTick } from '../../../src/renderer/src/lib/workload';

describe('the workload chart, drawn as SVG', () => {
  it('ticks the y axis from 0 in a round step, never more than five intervals', () => {
    expect(chartYTicks(5000)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(chartYTicks(6000)).toEqual([0, 2000, 4000, 6000]);
    expect(chartYTicks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(chartYTicks(3000, 3)).toEqual([0, 1000, 2000, 3000]);
    for (const top of [1, 7, 10, 30, 90, 100, 700, 2000, 9000, 40_000, 100_000]) {
      const t = chartYTicks(top);
      expect(t[0]).toBe(0);
      expect(t.length - 1).toBeLessThanOrEqual(5);
      expect(t.at(-1)!).toBeLessThanOrEqual(top);
      expect(t.length).toBeGreaterThanOrEqual(2);
    }
    expect(chartYTicks(0)).toEqual([0]);
    expect(chartYTicks(Number.NaN)).toEqual([0]);
  });

  it('labels ticks the way the figures read', () => {
    expect(opsTick(0)).toBe('0');
    expect(opsTick(800)).toBe('800');
    expect(opsTick(2500)).toBe('2.5k');
    expect(opsTick(4000)).toBe('4k');
  });

  it('places points in its drawing box: the window left to right, 0 at the bottom, clamped', () => {
    expect(chartPoint(-90, 0, 90, 5000)).toEqual([0, CHART_BOX]);
    expect(chartPoint(0, 5000, 90, 5000)).toEqual([CHART_BOX, 0]);
    expect(chartPoint(-45, 2500, 90, 5000)).toEqual([CHART_BOX / 2, CHART_BOX / 2]);
    expect(chartPoint(0, 9000, 90, 5000)[1]).toBe(0);
    expect(chartPoint(0, -5, 90, 5000)[1]).toBe(CHART_BOX);
  });

  it('draws the series as a line and the area under it down to 0', () => {
    const h = [0, 1, 2].map((i) => ({ t: 1_000_000 + i * 1000, ops: [4000, 0, 2000][i]!, errors: 0, p99Ms: 1 }));
    const data = chartData(h, 30);
    const yMax = chartYMax(data[1]);
    const { line, area } = chartPaths(data, 30, yMax);
    expect(line).toMatch(/^M[\d.]+ [\d.]+L[\d.]+ [\d.]+L1000 [\d.]+$/);
    expect(line.split(/[ML]/).filter(Boolean)).toHaveLength(3);
    expect(area.startsWith(line)).toBe(true);
    expect(area).toMatch(/L1000 1000L[\d.]+ 1000Z$/);
    expect(chartPaths([[], []], 30, 10)).toEqual({ line: '', area: '' });
  });
});
