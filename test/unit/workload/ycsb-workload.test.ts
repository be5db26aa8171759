import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from '../../../src/main/chaos/docker-targets';
import { createYcsbWorkload, missingImageMessage, YCSB_IMAGE, YCSB_SERVICE } from '../../../src/main/workload/ycsb-workload';

/** A Docker engine with no containers, that has (or lacks) the go-ycsb image, and records what it is asked. */
function fakeDocker(hasImage: boolean): { docker: Docker; calls: string[] } {
  const calls: string[] = [];
  const docker = {
    listContainers: async () => {
      calls.push('listContainers');
      return [];
    },
    getImage: (ref: string) => ({
      inspect: async () => {
        calls.push(`inspect ${ref}`);
        if (!hasImage) throw Object.assign(new Error('(HTTP code 404) no such image'), { statusCode: 404 });
        return { Id: 'sha256:1' };
      }
    }),
    createContainer: async () => {
      calls.push('createContainer');
      throw new Error('stop here: the test only checks that creation was attempted');
    },
    getContainer: () => {
      calls.push('getContainer');
      throw new Error('unexpected');
    }
  };
  return { docker: docker as unknown as Docker, calls };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('ycsb workload: the image must be here', () => {
  it('refuses to create a container from an absent image, with the command that pulls it', async () => {
    const { docker, calls } = fakeDocker(false);
    const w = createYcsbWorkload({ docker, streams: docker, project: 'tikvdemo' });
    closers.push(() => w.close());
    await expect(w.start()).rejects.toThrow(missingImageMessage(YCSB_IMAGE));
    expect(missingImageMessage(YCSB_IMAGE)).toContain('pingcap/go-ycsb:latest');
    expect(missingImageMessage(YCSB_IMAGE)).toContain('docker compose -f docker-compose.tikv.yml --profile workload pull');
    expect(calls).toContain(`inspect ${YCSB_IMAGE}`);
    expect(calls).not.toContain('createContainer');
  });
  it('goes on to create it when the image is here', async () => {
    const { docker, calls } = fakeDocker(true);
    const w = createYcsbWorkload({ docker, streams: docker, project: 'tikvdemo' });
    closers.push(() => w.close());
    await expect(w.start()).rejects.toThrow(/stop here/);
    expect(calls).toContain('createContainer');
  });
});

/** A Docker engine with go-ycsb already running: its log stream is fed by the test, its clocks set by hand. */
function runningYcsb(): { docker: Docker; logs: PassThrough[]; clock: { wall: number; mono: number } } {
  const logs: PassThrough[] = [];
  let state = 'running';
  const labels = { [LABEL_PROJECT]: 'tikvdemo', [LABEL_SERVICE]: YCSB_SERVICE, [LABEL_ONEOFF]: 'False' };
  const docker = {
    listContainers: async () => [{ Id: 'ycsb1', State: state, Labels: labels, Ports: [] }],
    getContainer: () => ({
      inspect: async () => ({ Config: { Tty: true } }),
      logs: async () => {
        const s = new PassThrough();
        logs.push(s);
        return s;
      },
      stop: async () => void (state = 'exited')
    })
  };
  return { docker: docker as unknown as Docker, logs, clock: { wall: 1_700_000_000_000, mono: 0 } };
}

describe('ycsb workload: live figures', () => {
  async function attached(): Promise<{ w: ReturnType<typeof createYcsbWorkload>; say(line: string, wall: number, mono: number): Promise<void>; clock: { wall: number; mono: number } }> {
    const { docker, logs, clock } = runningYcsb();
    const w = createYcsbWorkload({ docker, streams: docker, project: 'tikvdemo', now: () => clock.wall, monotonicNow: () => clock.mono });
    closers.push(() => w.close());
    // An already running go-ycsb is picked up and its log followed.
    await vi.waitFor(() => expect(logs).toHaveLength(1));
    return {
      w,
      clock,
      async say(line, wall, mono) {
        clock.wall = wall;
        clock.mono = mono;
        const seen = w.lines();
        logs[0]!.write(`${line}\n`);
        await vi.waitFor(() => expect(w.lines()).toBe(seen + 1));
      }
    };
  }
  const T0 = 1_700_000_000_000;
  const line = (takes: number, count: number): string =>
    `READ   - Takes(s): ${takes.toFixed(1)}, Count: ${count}, OPS: ${(count / takes).toFixed(1)}, Avg(us): 1000, Min(us): 100, Max(us): 9000, 99th(us): 4000, 99.9th(us): 8000, 99.99th(us): 9000`;

  it('the ops/s figure goes to zero the moment the workload stops, not after the lines go stale', async () => {
    const { w, say } = await attached();
    await say(line(1, 1000), T0 + 1000, 1000);
    await say(line(2, 2000), T0 + 2000, 2000);
    expect(w.sample()).toMatchObject({ running: true, current: { ops: 1000 } });
    await w.stop();
    const r = w.sample();
    expect(r.running).toBe(false);
    expect(r.current?.ops ?? 0).toBe(0);
    expect(r.current?.latency ?? null).toBeNull();
  });

  it('staleness is judged on the monotonic clock: a wall clock stepped forward or back changes nothing', async () => {
    const { w, say, clock } = await attached();
    await say(line(1, 1000), T0 + 1000, 1000);
    await say(line(2, 2000), T0 + 2000, 2000);
    // Stepped forward an hour, half a second on: the lines are fresh, the rate stands.
    clock.wall = T0 + 3_600_000;
    clock.mono = 2500;
    expect(w.sample().current).toMatchObject({ ops: 1000, t: T0 + 3_600_000 });
    // Stepped back two hours, and no line for 6 s: go-ycsb stopped printing, so nothing is happening.
    clock.wall = T0 - 3_600_000;
    clock.mono = 8000;
    expect(w.sample().current).toMatchObject({ ops: 0, t: T0 - 3_600_000 });
  });

  it('without Takes(s), the rate is over the monotonic clock: never huge, stuck or near zero from a stepped wall clock', async () => {
    const { w, say } = await attached();
    const bare = (count: number): string => `READ   - Count: ${count}, Avg(us): 1000`;
    await say(bare(1000), T0, 0);
    // One second on, but the wall clock was set back 990 ms: 10 ms of wall time.
    await say(bare(2000), T0 + 10, 1000);
    expect(w.sample().current?.ops).toBe(1000);
    // Set back an hour: a negative wall interval.
    await say(bare(3000), T0 - 3_600_000, 2000);
    expect(w.sample().current?.ops).toBe(1000);
    // Set forward two hours: a huge wall interval.
    await say(bare(4000), T0 + 3_600_000, 3000);
    expect(w.sample().current?.ops).toBe(1000);
  });
});
