// `npm run bench -- --live`, short: after the sim run, the fault again in live mode on the
// containerized simulator, timed from Docker's die event. Only that the figures come out, finite
// and from the right container, and that the bench's project is gone afterwards: the timings
// themselves are not judged here.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { LIVE_PROJECT } from '../../scripts/bench/live';
import { runBench } from '../e2e/harness';
import { engineOrSkip } from './support';

const { docker } = engineOrSkip();

describe.skipIf(!docker)('npm run bench -- --live (short)', () => {
  it("measures the kill in live mode from Docker's die event, then removes its project", async () => {
    const r = await runBench(['--live', '--sim-speed', '10', '--loops', '0', '--idle-seconds', '1', '--presses', '2']);
    expect(r.code, r.output).toBe(0);
    const json = r.json as {
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
  }, 240_000);
});
