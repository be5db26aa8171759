// Text the stage shows: diagnosis headlines, notes, per-store rates, chart marks, chaos buttons.
import { describe, expect, it } from 'vitest';
import { explanationCount, explanationRanks, keptByRank } from '../../../src/renderer/src/lib/diagnosis';
import { findingText, type Finding } from '../../../src/shared/show';
import { compactOpsText } from '../../../src/renderer/src/lib/format';
import { emphasiseNoteLabels, renderNotes } from '../../../src/renderer/src/lib/narration';
import { chartMarks, chartSplits, chartWindowS } from '../../../src/renderer/src/lib/workload';
import { faultButtons } from '../../../src/renderer/src/lib/chaos';
import { history, T0 } from './fixtures';

describe('diagnosis headlines', () => {
  const f = (kind: Finding['kind'], headline: string, detail = ''): Finding => ({ kind, headline, detail });

  it('lets the longest explanations go first, and the one about the data last', () => {
    const findings = [
      f('hit', 'tikv2 was killed hard', 'Short.'),
      f('pd', 'It is not Down for 30 min', 'Only then would PD re-replicate its regions, and there is nowhere to put a new copy.'),
      f('data', 'No data was lost', 'The other 2 of 3 replicas of every region stayed up, a Raft majority, so writes kept committing, all of them.'),
      f('recovery', 'tikv2 is back')
    ];
    expect(explanationCount(findings)).toBe(3);
    const keptExplanations = (drop: number): boolean[] => keptByRank(explanationRanks(findings), drop);
    expect(keptExplanations(0)).toEqual([true, true, true, false]);
    expect(keptExplanations(1)).toEqual([true, false, true, false]);
    expect(keptExplanations(2)).toEqual([false, false, true, false]);
    expect(keptExplanations(3)).toEqual([false, false, false, false]);
  });

  it('reads a finding as one paragraph for the presenter', () => {
    expect(findingText(f('pd', 'PD marked tikv2 Disconnected 24 s after the kill', 'The lag is by design.'))).toBe(
      'PD marked tikv2 Disconnected 24 s after the kill. The lag is by design.'
    );
    expect(findingText(f('recovery', 'tikv1 is back'))).toBe('tikv1 is back.');
  });
});

describe('presenter notes', () => {
  it('bolds the short label that starts a line, and keeps every line break', () => {
    expect(emphasiseNoteLabels('Say: "hello"\nWatch for: the leaders\n- If it fails: restore\nno label here: x')).toBe(
      '**Say:** "hello"\n**Watch for:** the leaders\n- **If it fails:** restore\nno label here: x'
    );
    const html = renderNotes('Say: one\nsecond line\n\n<b>raw</b>');
    expect(html).toContain('<strong>Say:</strong> one<br>second line');
    expect(html).toContain('&lt;b&gt;raw&lt;/b&gt;');
  });
});

describe('per-store rates', () => {
  it('reads short on the map', () => {
    expect(compactOpsText(0)).toBe('0');
    expect(compactOpsText(820.4)).toBe('820');
    expect(compactOpsText(1370)).toBe('1.4k');
    expect(compactOpsText(14_200)).toBe('14k');
    expect(compactOpsText(2_400_000)).toBe('2.4M');
    expect(compactOpsText(Number.NaN)).toBe('—');
  });
});

describe('workload chart', () => {
  const h = history(T0 + 8_000, T0 + 1_000);
  it('marks the fault and the restore inside the window, as seconds before now', () => {
    const marks = chartMarks(
      [
        { at: T0 - 200_000, kind: 'fault-injected', node: 'tikv0', text: 'killed tikv0', fault: 'kill' },
        { at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' },
        { at: T0 + 300, kind: 'container-exited', node: 'tikv1', text: 'exited' },
        { at: T0 + 6_000, kind: 'restored', node: 'tikv1', text: 'restarted tikv1' },
        { at: T0 + 8_500, kind: 'fault-injected', node: 'tikv2', text: 'whatever main wrote', fault: 'pause' }
      ],
      h
    );
    expect(marks).toEqual([
      { x: -8, kind: 'fault', label: 'killed tikv1' },
      { x: -2, kind: 'restore', label: 'tikv1 back' },
      { x: 0, kind: 'fault', label: 'paused tikv2' }
    ]);
    expect(chartMarks([{ at: T0, kind: 'fault-injected', node: null, text: 'x', fault: 'kill' }], [])).toEqual([]);
  });

  it('fits its window to a young workload: 30, 60 or 90 s', () => {
    const pts = (s: number) => [{ t: 0, ops: 1, errors: 0, p99Ms: null }, { t: s * 1000, ops: 1, errors: 0, p99Ms: null }];
    expect(chartWindowS([])).toBe(30);
    expect(chartWindowS(pts(12))).toBe(30);
    expect(chartWindowS(pts(45))).toBe(60);
    expect(chartWindowS(h)).toBe(90);
    expect(chartSplits(90)).toEqual([-90, -60, -30, 0]);
    expect(chartSplits(30)).toEqual([-30, -20, -10, 0]);
  });
});

describe('chaos buttons', () => {
  it('offers every fault for a random TiKV, each named TiKV in natural order, and the PD leader', () => {
    const b = faultButtons(['tikv10', 'tikv2', 'tikv0', 'tikv2'], 'pd1');
    expect(b.random.map((x) => x.label)).toEqual(['Kill random', 'Stop random', 'Pause random', 'Cut off random']);
    expect(b.random[0]?.spec).toEqual({ kind: 'kill', target: { type: 'random-tikv' } });
    expect(b.named.map((n) => n.name)).toEqual(['tikv0', 'tikv2', 'tikv10']);
    expect(b.named[1]?.buttons[3]).toMatchObject({ spec: { kind: 'partition', target: { type: 'named', name: 'tikv2' } }, confirm: 'partition tikv2' });
    expect(b.pd).toMatchObject({ label: 'Kill PD leader (pd1)', spec: { kind: 'kill', target: { type: 'pd-leader' } } });
    expect(faultButtons([], null).pd.label).toBe('Kill PD leader');
  });
});
