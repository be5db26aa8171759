import { describe, expect, it } from 'vitest';
import { actionCaption, chapterPosition, countdownNumber, timelineRows } from '../../../src/renderer/src/lib/show';
import { chartData, chartYMax } from '../../../src/renderer/src/lib/workload';
import { offsetText } from '../../../src/renderer/src/lib/format';
import { act } from '../show/helpers';
import { chapter, show, T0, history } from './fixtures';

describe('show helpers', () => {
  it('gives the 1-based position from the 0-based index', () => {
    expect(chapterPosition(show())).toBe(3);
  });
  it('captions the action in plain words', () => {
    expect(actionCaption(act('kill-random-tikv'))).toBe('Killing a random TiKV');
    expect(actionCaption(act('pause:tikv2'))).toBe('Pausing tikv2');
    expect(actionCaption(act('partition:tikv0'))).toBe('Cutting off tikv0');
    expect(actionCaption(act('kill-pd-leader'))).toBe('Killing the PD leader');
    expect(actionCaption(act('restore'))).toBe('Bringing the node back');
    expect(actionCaption(null)).toBeNull();
  });
  it('shows a countdown only in the countdown phase', () => {
    const ch = chapter();
    expect(countdownNumber(ch, { phase: 'countdown', countdownLeft: 2, countdownEndsAt: null, message: null }, 0)).toBe(2);
    expect(countdownNumber(ch, { phase: 'countdown', countdownLeft: null, countdownEndsAt: 10_500, message: null }, 8_000)).toBe(3);
    expect(countdownNumber(ch, { phase: 'running', countdownLeft: 1, countdownEndsAt: null, message: null }, 0)).toBeNull();
  });
  it('times timeline events from their fault', () => {
    const rows = timelineRows(show().timeline);
    expect(rows.map((r) => offsetText(r.offsetMs))).toEqual(['\u22122 s', '+0 s', '+0 s', '+1 s', '+7 s']);
    const two = timelineRows([
      { at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' },
      { at: T0 + 60_000, kind: 'restored', node: 'tikv1', text: 'restored' },
      { at: T0 + 90_000, kind: 'fault-injected', node: 'tikv2', text: 'killed tikv2', fault: 'kill' },
      { at: T0 + 95_000, kind: 'container-exited', node: 'tikv2', text: 'exited' }
    ]);
    expect(two.map((r) => r.offsetMs)).toEqual([0, 60_000, 0, 5_000]);
  });
});

describe('workload chart data', () => {
  it('keeps the last 90 s as seconds before now, with a zero-based y axis', () => {
    const h = history(T0 + 8_000, T0 + 1_000);
    const [xs, ys] = chartData(h);
    expect(xs[0]).toBe(-90);
    expect(xs[xs.length - 1]).toBe(0);
    expect(xs).toHaveLength(ys.length);
    expect(Math.min(...ys)).toBeLessThan(1500); // the dip is in the data
    expect(chartYMax(ys)).toBeGreaterThan(Math.max(...ys));
    expect(chartYMax([])).toBe(10);
    expect(chartData([])).toEqual([[], []]);
  });
});
