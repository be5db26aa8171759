// The bench's pure parts: quantiles, growth and slope, bytes per key, verdicts, flags, soak and live figures.
import { describe, expect, it } from 'vitest';
import { mergeJsFlags, parseOptions } from '../../../scripts/bench/options';
import { faultFigures, jitlessSoakFigures, liveFigures, soakFigures } from '../../../scripts/bench/figures';
import { bytesPerWindow, growthPct, median, p95, slopePerLoop, table, verdict } from '../../../scripts/bench/report';

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
    expect(ok).toMatchObject({ options: { jitlessSoak: true } });
    expect(parseOptions(['--no-jitless-soak'], '/x')).toMatchObject({ ok: true, options: { jitlessSoak: false } });
    expect(ok).toMatchObject({ options: { bigCluster: 0 } });
    expect(parseOptions(['--big-cluster', '3000'], '/x')).toMatchObject({ ok: true, options: { bigCluster: 3000 } });
    expect(parseOptions(['--big-cluster', 'lots'], '/x')).toMatchObject({ ok: false });
    expect(parseOptions(['--big-cluster', '1e9'], '/x')).toMatchObject({ ok: false, error: expect.stringMatching(/at most 100000/) });
    // Chromium keeps only the last --js-flags: the user's V8 flags survive the jitless soak's.
    expect(mergeJsFlags(['--a', '--js-flags=--trace-opt', '--js-flags=--jitless'])).toEqual(['--a', '--js-flags=--trace-opt --jitless']);
    expect(mergeJsFlags(['--a'])).toEqual(['--a']);
  });
});

describe('bench soak figures', () => {
  const soak = {
    loops: 4,
    rearm: 'resetShow' as const,
    faultsSeen: 3,
    loopSeconds: [10, 9, 11, 10],
    // Loop 1 warms up and is left out: growth is from loop 2 (5.0 MB) to the last.
    heap: { audience: [4_000_000, 5_000_000, 5_100_000, 5_020_000], presenter: [6_000_000, 6_000_000, 6_000_000, 6_120_000] },
    rss: [100e6, 100e6, 104e6, 105e6]
  };

  it('measures growth from loop 2 and marks a loop whose fault was not seen', () => {
    const byKey = Object.fromEntries(soakFigures(soak).map((f) => [f.key, f]));
    expect(byKey.soakHeapGrowthAudiencePct?.value).toBeCloseTo(0.4);
    expect(byKey.soakHeapGrowthAudiencePct?.note).toBe('5.0 -> 5.0 MB');
    expect(byKey.soakServerRssGrowthPct?.value).toBeCloseTo(5);
    expect(slopePerLoop([1, 3, 5, 7])).toBeCloseTo(2);
    expect(slopePerLoop([5])).toBeNaN();
    expect(verdict(byKey.soakFaultsSeen!)).toBe('FAIL');
  });

  it('takes the slope per loop so that one read a GC left high does not tilt it, and a steady leak shows whole', () => {
    // Loops 11-20 of a jitless soak here: flat but for loop 17, 113 KB over its neighbours.
    const spike = [4292.7, 4292.3, 4292.4, 4292.5, 4296.0, 4294.2, 4406.9, 4293.6, 4292.2, 4294.0].map((kb) => kb * 1000);
    expect(Math.abs(slopePerLoop(spike)) / 1000).toBeLessThan(0.5); // least squares read 2.2 KB
    const leak = spike.map((_, i) => 4.29e6 + 3000 * i);
    leak[6]! += 110_000;
    expect(slopePerLoop(leak)).toBeCloseTo(3000);
    expect(slopePerLoop([0, 2, 1, 3])).toBeCloseTo(0.75); // six pair slopes: the mean of the middle two (0.5, 1)
  });

  it("judges the jitless control soak by its slope over the second half of the loops", () => {
    // A one-off step in the first loops (5.0 -> 5.1 MB), then a flat app...
    const flat = { ...soak, loops: 6, heap: { audience: [4.9e6, 5.0e6, 5.1e6, 5.1e6, 5.101e6, 5.1e6], presenter: [6e6, 6e6, 6e6, 6e6, 6e6, 6e6] } };
    let byKey = Object.fromEntries(jitlessSoakFigures(flat).map((f) => [f.key, f]));
    expect(byKey.jitlessHeapSlopeAudienceKbPerLoop).toMatchObject({ below: 2, label: 'jitless soak: audience heap after GC, per loop over loops 4-6' });
    expect(byKey.jitlessHeapSlopeAudienceKbPerLoop?.value).toBeCloseTo(0);
    expect(verdict(byKey.jitlessHeapSlopeAudienceKbPerLoop!)).toBe('pass');
    expect(byKey.jitlessHeapGrowthAudiencePct?.value).toBeCloseTo(2); // shown, not judged
    expect(verdict(byKey.jitlessHeapGrowthAudiencePct!)).toBe('');
    // ... and one that keeps 3 KB from every show.
    const leaky = { ...flat, heap: { ...flat.heap, presenter: [6e6, 6.003e6, 6.006e6, 6.009e6, 6.012e6, 6.015e6] } };
    byKey = Object.fromEntries(jitlessSoakFigures(leaky).map((f) => [f.key, f]));
    expect(byKey.jitlessHeapSlopePresenterKbPerLoop?.value).toBeCloseTo(3);
    expect(verdict(byKey.jitlessHeapSlopePresenterKbPerLoop!)).toBe('FAIL');
    expect(verdict(byKey.jitlessSoakFaultsSeen!)).toBe('FAIL'); // 3 of 6
    const figs = jitlessSoakFigures(soak);
    expect(figs.find((f) => f.key === 'jitlessHeapSlopeAudienceKbPerLoop')?.label).toMatch(/loops 3-4$/);
    // Too few loops for halves: the slope shows from loop 2, but is not judged.
    const three = { ...soak, loops: 3, faultsSeen: 3, heap: { audience: [4.0e6, 5.0e6, 5.06e6], presenter: [6e6, 6e6, 6e6] } };
    const short = jitlessSoakFigures(three).find((f) => f.key === 'jitlessHeapSlopeAudienceKbPerLoop')!;
    expect(short).toMatchObject({ label: 'jitless soak: audience heap after GC, per loop over loops 2-3', below: null });
    expect(short.value).toBeCloseTo(60);
    expect(verdict(short)).toBe('');
    expect(figs.every((f) => f.key.startsWith('jitless') && f.label.startsWith('jitless soak: '))).toBe(true);
  });
});

describe('bench live figures', () => {
  it("times the kill from Docker's die event and keeps the fault figures apart", () => {
    const fault = {
      node: 'tikv1',
      countdownEndsAt: 10_000,
      injectedAt: 10_002,
      mapShowsKillMs: { audience: 80, presenter: 90 },
      pdDisconnectedMs: 20_080,
      lastHeartbeatAt: 2_002 // 8 s before the kill
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
    // PD's verdict measured from the store's last heartbeat, which explains an early or late one.
    expect(byKey.livePdDisconnectedAfterHeartbeatMs?.value).toBe(28_078);
    expect(byKey.livePdDisconnectedMs?.note).toBe('last heartbeat 8.0 s before the kill');
    const note = (f: Partial<typeof fault>): string | undefined => faultFigures({ ...fault, ...f }).find((x) => x.key === 'pdDisconnectedMs')?.note;
    expect(note({ lastHeartbeatAt: NaN })).toBe('last heartbeat unknown');
    expect(note({ injectedAt: NaN })).toBe('kill time unknown');
  });
});
