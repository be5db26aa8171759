// A short run of `npm run bench` (scripts/bench/), so that the bench cannot rot: it must start
// the app, drive both views through keys, idle, the fault, two soak loops and the jitless
// control soak's two, the big-cluster part on 200 stores, and write every figure as a finite
// number. The figures themselves are not judged here (timings are noisy).
import { describe, expect, it } from 'vitest';
import { runBench } from './harness';

const FIGURES = [
  'audienceKeyAudiencePaintMedianMs',
  'audienceKeyAudiencePaintP95Ms',
  'audienceKeyPresenterPaintMedianMs',
  'presenterKeyPresenterPaintMedianMs',
  'presenterKeyAudiencePaintP95Ms',
  'idleAudienceBusyPct',
  'idlePresenterBusyPct',
  'idleServerCpuPct',
  'idleAudienceBytesPerSec',
  'keyBytesAudience',
  'keyBytesPresenter',
  'mapShowsKillAudienceMs',
  'mapShowsKillPresenterMs',
  'pdDisconnectedMs',
  'pdDisconnectedAfterHeartbeatMs',
  'soakFaultsSeen',
  'soakHeapGrowthAudiencePct',
  'soakHeapGrowthPresenterPct',
  'soakServerRssGrowthPct',
  'jitlessSoakFaultsSeen',
  'jitlessHeapGrowthAudiencePct',
  'jitlessHeapSlopeAudienceKbPerLoop',
  'bigClusterStoresBytes',
  'bigClusterAudienceBesideSteadyPct',
  'bigClusterAudienceBesideShufflingPct',
  'bigClusterAudienceStripPct',
  'bigClusterPresenterSteadyPct',
  'bigClusterPresenterShufflingPct',
  'jitlessHeapGrowthPresenterPct',
  'jitlessHeapSlopePresenterKbPerLoop'
];

describe('npm run bench (short smoke run)', () => {
  it('measures every figure and writes them as finite numbers', async () => {
    const r = await runBench(['--sim-speed', '20', '--loops', '2', '--idle-seconds', '2', '--presses', '4', '--big-cluster', '200']);
    expect(r.code, r.output).toBe(0);
    const json = r.json as { figures: Record<string, unknown>; verdicts: Record<string, string> };
    for (const key of FIGURES) {
      expect(key in json.figures, `${key} missing`).toBe(true);
      expect(Number.isFinite(json.figures[key]), `${key} = ${String(json.figures[key])}`).toBe(true);
    }
    for (const [key, value] of Object.entries(json.figures)) expect(Number.isFinite(value), `${key} = ${String(value)}`).toBe(true);
    // Both soak loops must have shown their fault on the map.
    expect(json.figures.soakFaultsSeen).toBe(2);
    expect(json.figures.jitlessSoakFaultsSeen).toBe(2);
    // The table went to stdout with a verdict beside each target.
    expect(r.output).toMatch(/key in audience -> audience paint, median/);
    expect(Object.values(json.verdicts).every((v) => ['pass', 'FAIL', ''].includes(v))).toBe(true);
  }, 180_000);
});
