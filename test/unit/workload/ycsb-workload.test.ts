import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { createYcsbWorkload, missingImageMessage, YCSB_IMAGE } from '../../../src/main/workload/ycsb-workload';

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
