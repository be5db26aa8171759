// `npm run bench -- --live`, short: after the sim run, the fault again in live mode on the
// containerized simulator, timed from Docker's die event. Only that the figures come out, finite
// and from the right container, and that the bench's project is gone afterwards: the timings
// themselves are not judged here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { LIVE_PROJECT } from '../../scripts/bench/live';
import { ROOT } from '../e2e/harness';
import { engineOrSkip } from './support';

const { docker } = engineOrSkip();

function runBench(out: string): Promise<{ code: number | null; output: string }> {
  const args = ['scripts/bench/run.ts', '--no-build', '--live', '--sim-speed', '10', '--loops', '0', '--idle-seconds', '1', '--presses', '2', '--out', out];
  const proc = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += String(d)));
  proc.stderr.on('data', (d) => (output += String(d)));
  return new Promise((ok) => proc.once('exit', (code) => ok({ code, output })));
}

describe.skipIf(!docker)('npm run bench -- --live (short)', () => {
  it("measures the kill in live mode from Docker's die event, then removes its project", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tikv-stage-bench-live-'));
    const out = join(dir, 'bench.json');
    try {
      const r = await runBench(out);
      expect(r.code, r.output).toBe(0);
      const json = JSON.parse(readFileSync(out, 'utf8')) as {
        figures: Record<string, number>;
        details: { live: { die: { name: string }; fault: { node: string } } };
      };
      for (const key of ['liveDieToMapAudienceMs', 'liveDieToPdDisconnectedMs', 'liveMapShowsKillAudienceMs', 'livePdOverMapRatio']) {
        expect(Number.isFinite(json.figures[key]), `${key} = ${String(json.figures[key])}`).toBe(true);
      }
      // The die event is the killed node's own container, and the map saw the kill after it.
      expect(json.details.live.die.name).toBe(`${LIVE_PROJECT}-${json.details.live.fault.node}-1`);
      expect(json.figures.liveDieToMapAudienceMs).toBeGreaterThan(0);
      expect(r.output).toMatch(/live: Docker's die -> audience map shows the kill/);
      const left = await (docker as Docker).listContainers({ all: true, filters: { label: [`com.docker.compose.project=${LIVE_PROJECT}`] } });
      expect(left).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
