// The bench's pure parts: quantiles, growth, bytes per key, verdicts, flags, live figures.
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../../scripts/bench/options';
import { faultFigures, liveFigures } from '../../../scripts/bench/figures';
import { bytesPerWindow, growthPct, median, p95, table, verdict } from '../../../scripts/bench/report';

describe('bench report', () => {
  it('takes nearest-rank quantiles and ignores non-numbers', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(median(xs)).toBe(10);
    expect(p95(xs)).toBe(19);
    expect(p95([3, NaN, 1, 2])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('measures growth from the first sample to the last', () => {
    expect(growthPct([100, 120, 104])).toBeCloseTo(4);
    expect(growthPct([50])).toBeNaN();
  });

  it('counts bytes per key window less the idle trickle', () => {
    const frames = [
      { at: 1000, bytes: 500 },
      { at: 1100, bytes: 300 },
      { at: 1600, bytes: 999 },
      { at: 2000, bytes: 700 }
    ];
    // windows [1000,1400) and [2000,2400): 800 and 700 bytes; idle 100 B/s takes 40 B each.
    expect(bytesPerWindow(frames, [1000, 2000], 400, 100)).toBe(710);
    expect(bytesPerWindow(frames, [], 400, 0)).toBeNaN();
  });

  it('marks targets, and the table shows them', () => {
    const fast = { key: 'k', label: 'key -> paint', value: 12, unit: 'ms', below: 16 };
    expect(verdict(fast)).toBe('pass');
    expect(verdict({ ...fast, value: 16 })).toBe('FAIL');
    expect(verdict({ ...fast, below: null, atLeast: 50, value: 49 })).toBe('FAIL');
    expect(verdict({ ...fast, value: NaN })).toBe('n/a');
    expect(table([fast])).toMatch(/key -> paint\s+12\.00 ms\s+< 16 ms\s+pass/);
  });

  it('parses its flags and refuses bad ones', () => {
    const ok = parseOptions(['--sim-speed', '20', '--loops', '2', '--no-build'], '/x');
    expect(ok).toMatchObject({ ok: true, options: { simSpeed: 20, loops: 2, build: false, idleSeconds: 20, out: '/x/bench-results.json' } });
    expect(parseOptions(['--loops', 'many'], '/x')).toMatchObject({ ok: false });
    expect(parseOptions(['--bogus'], '/x')).toMatchObject({ ok: false });
    expect(ok).toMatchObject({ options: { heapSnapshots: null } });
    expect(parseOptions(['--heap-snapshots', 'snaps'], '/x')).toMatchObject({ ok: true, options: { heapSnapshots: '/x/snaps' } });
    expect(parseOptions(['--heap-snapshots', ' '], '/x')).toMatchObject({ ok: false, error: '--heap-snapshots wants a folder' });
  });
});

describe('bench live figures', () => {
  it("times the kill from Docker's die event and keeps the fault figures apart", () => {
    const fault = {
      node: 'tikv1',
      countdownEndsAt: 10_000,
      injectedAt: 10_002,
      mapShowsKillMs: { audience: 80, presenter: 90 },
      pdDisconnectedMs: 20_080
    };
    const figs = liveFigures({ fault, die: { name: 'tikvstagebench-tikv1-1', at: 10_030 }, dieToMapMs: 50, dieToPdMs: 20_050 });
    const byKey = Object.fromEntries(figs.map((f) => [f.key, f]));
    expect(byKey.liveDieToMapAudienceMs).toMatchObject({ value: 50, below: 250, note: 'tikvstagebench-tikv1-1' });
    expect(byKey.liveDieToPdDisconnectedMs?.value).toBe(20_050);
    // The sim run's keys stay free: every live figure is prefixed and labelled.
    expect(byKey.liveMapShowsKillAudienceMs?.value).toBe(80);
    expect(byKey.livePdOverMapRatio?.value).toBeCloseTo(251);
    expect(figs.every((f) => f.key.startsWith('live') && f.label.startsWith('live: '))).toBe(true);
    expect(faultFigures(fault).map((f) => f.key)).toContain('mapShowsKillAudienceMs');
  });
});
