// A short run of `npm run bench` (scripts/bench/), so that the bench cannot rot: it must start
// the app, drive both views through keys, idle, the fault and two soak loops, and write every
// figure as a finite number. The figures themselves are not judged here (timings are noisy).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness';

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
  'soakFaultsSeen',
  'soakHeapGrowthAudiencePct',
  'soakHeapGrowthPresenterPct',
  'soakServerRssGrowthPct'
];

function runBench(out: string): Promise<{ code: number | null; output: string }> {
  const args = ['scripts/bench/run.ts', '--no-build', '--sim-speed', '20', '--loops', '2', '--idle-seconds', '2', '--presses', '4', '--out', out];
  const proc = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += String(d)));
  proc.stderr.on('data', (d) => (output += String(d)));
  return new Promise((ok) => proc.once('exit', (code) => ok({ code, output })));
}

describe('npm run bench (short smoke run)', () => {
  it('measures every figure and writes them as finite numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tikv-stage-bench-'));
    const out = join(dir, 'bench.json');
    try {
      const r = await runBench(out);
      expect(r.code, r.output).toBe(0);
      const json = JSON.parse(readFileSync(out, 'utf8')) as { figures: Record<string, unknown>; verdicts: Record<string, string> };
      for (const key of FIGURES) {
        expect(key in json.figures, `${key} missing`).toBe(true);
        expect(Number.isFinite(json.figures[key]), `${key} = ${String(json.figures[key])}`).toBe(true);
      }
      for (const [key, value] of Object.entries(json.figures)) expect(Number.isFinite(value), `${key} = ${String(value)}`).toBe(true);
      // Both soak loops must have shown their fault on the map.
      expect(json.figures.soakFaultsSeen).toBe(2);
      // The table went to stdout with a verdict beside each target.
      expect(r.output).toMatch(/key in audience -> audience paint, median/);
      expect(Object.values(json.verdicts).every((v) => ['pass', 'FAIL', ''].includes(v))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
