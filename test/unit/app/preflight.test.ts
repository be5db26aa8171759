import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeImages, evaluatePreflight, pullCommand, type PreflightFacts } from '../../../src/main/preflight';
import { parseDfPk } from '../../../src/main/preflight-disk';
import { YCSB_IMAGE } from '../../../src/main/workload/ycsb-workload';

const store = (name: string, state: 'up' | 'disconnected', leaderCount: number) => ({
  storeId: name.slice(4),
  name,
  address: `${name}:20160`,
  state,
  leaderCount,
  regionCount: 36,
  lastHeartbeatMs: 0
});
const green: PreflightFacts = {
  project: 'tikvdemo',
  composeFile: 'docker-compose.tikv.yml',
  docker: { ok: true, detail: 'Docker 28 at unix:///var/run/docker.sock' },
  images: [
    { ref: 'pingcap/go-ycsb:latest', present: true, services: ['ycsb', 'ycsb-load'] },
    { ref: 'pingcap/pd:v8.5.5', present: true, services: ['pd0', 'pd1', 'pd2'] },
    { ref: 'pingcap/tikv:v8.5.5', present: true, services: ['tikv0', 'tikv1', 'tikv2'] }
  ],
  disk: { freeBytes: 40 * 2 ** 30, how: 'df' },
  pdConfig: {
    wanted: [
      { key: 'schedule.max-merge-region-size', value: 0 },
      { key: 'schedule.max-merge-region-keys', value: 0 }
    ],
    differed: [],
    remaining: [],
    applied: false,
    error: null
  },
  containers: ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2'].map((name) => ({ name, state: 'running' })),
  expected: ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2'],
  pd: { url: 'http://127.0.0.1:2379', ok: true, error: null, leader: 'pd1', stores: [store('tikv0', 'up', 12), store('tikv1', 'up', 12), store('tikv2', 'up', 12)] },
  openFaults: []
};

describe('preflight', () => {
  it('is GO when everything is green', () => {
    const r = evaluatePreflight(green, 1);
    expect(r.ok).toBe(true);
    expect(r.lines.map((l) => l.id)).toEqual([
      'docker',
      'image:pingcap/go-ycsb:latest',
      'image:pingcap/pd:v8.5.5',
      'image:pingcap/tikv:v8.5.5',
      'disk',
      'containers',
      'pd',
      'pd-config',
      'stores',
      'leaders',
      'ledger'
    ]);
    expect(r.lines.every((l) => l.fix === null)).toBe(true);
  });
  it('says how to fix each red line', () => {
    const r = evaluatePreflight(
      {
        ...green,
        images: [{ ref: 'pingcap/tikv:v8.5.5', present: false }],
        disk: { freeBytes: 2 * 2 ** 30, how: 'df' },
        pdConfig: { ...green.pdConfig!, remaining: [{ key: 'schedule.max-merge-region-size', want: 0, live: 20 }] },
        containers: green.containers!.map((c) => (c.name === 'tikv1' ? { ...c, state: 'exited' } : c)),
        pd: { ...green.pd, stores: [store('tikv0', 'up', 18), store('tikv1', 'disconnected', 0), store('tikv2', 'up', 0)] },
        openFaults: ['kill tikv1']
      },
      1
    );
    expect(r.ok).toBe(false);
    const red = Object.fromEntries(r.lines.filter((l) => !l.ok).map((l) => [l.id, l]));
    expect(Object.keys(red).sort()).toEqual(['containers', 'disk', 'image:pingcap/tikv:v8.5.5', 'leaders', 'ledger', 'pd-config', 'stores']);
    expect(red['image:pingcap/tikv:v8.5.5']!.fix).toContain('docker compose -f docker-compose.tikv.yml --profile workload pull');
    expect(red.disk!.detail).toMatch(/^2\.0 GiB free/);
    expect(red['pd-config']!.detail).toContain('schedule.max-merge-region-size 20 (pd.toml: 0)');
    expect(red['pd-config']!.fix).toContain(`curl -X POST http://127.0.0.1:2379/pd/api/v1/config -H 'content-type: application/json' -d '{"schedule.max-merge-region-size":0}'`);
    expect(red['pd-config']!.fix).toMatch(/down -v/);
    expect(red.containers!.detail).toBe('tikv1: exited');
    expect(red.stores!.detail).toBe('tikv1: disconnected');
    expect(red.ledger!.fix).toMatch(/Restore all/);
  });
  it('is NO-GO without Docker or PD', () => {
    const r = evaluatePreflight(
      {
        ...green,
        docker: { ok: false, detail: 'no engine' },
        images: null,
        disk: null,
        containers: null,
        pdConfig: null,
        pd: { url: 'x', ok: false, error: 'refused', leader: null, stores: [] }
      },
      1
    );
    expect(r.lines.filter((l) => l.ok).map((l) => l.id)).toEqual(['ledger']);
  });
  it('reads the pinned images of the compose file, the workload profile included', () => {
    const text = readFileSync(join(__dirname, '../../../docker-compose.tikv.yml'), 'utf8');
    const c = composeImages(text);
    expect(c.images).toEqual(['pingcap/go-ycsb:latest', 'pingcap/pd:v8.5.5', 'pingcap/tikv:v8.5.5']);
    expect(c.services).toEqual(['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2']);
    // The app creates the ycsb container from the same image the compose file pins.
    expect(c.users[YCSB_IMAGE]).toEqual(['ycsb', 'ycsb-load']);
    // The header tells how to pull everything, the profile's images included.
    expect(text).toContain(pullCommand('docker-compose.tikv.yml'));
    expect(text).not.toMatch(/^#\s+docker compose -f docker-compose\.tikv\.yml pull\b/m);
  });
  it('names a missing go-ycsb image with the command that pulls it', () => {
    const r = evaluatePreflight({ ...green, images: green.images!.map((i) => (i.ref === YCSB_IMAGE ? { ...i, present: false } : i)) }, 1);
    expect(r.ok).toBe(false);
    const line = r.lines.find((l) => l.id === `image:${YCSB_IMAGE}`)!;
    expect(line.ok).toBe(false);
    expect(line.detail).toBe('missing; used by ycsb, ycsb-load');
    expect(line.fix).toBe('While online: docker compose -f docker-compose.tikv.yml --profile workload pull  (or: docker pull pingcap/go-ycsb:latest)');
  });
  it('disk: green when it cannot be measured, and says so', () => {
    const r = evaluatePreflight({ ...green, disk: { freeBytes: null, how: 'no image here to run df in' } }, 1);
    expect(r.lines.find((l) => l.id === 'disk')).toMatchObject({ ok: true, detail: 'not measured: no image here to run df in' });
  });
  it('pd-config: says what was set through the API', () => {
    const diff = { key: 'schedule.max-merge-region-size', want: 0, live: 20 };
    const r = evaluatePreflight({ ...green, pdConfig: { ...green.pdConfig!, differed: [diff], applied: true } }, 1);
    expect(r.lines.find((l) => l.id === 'pd-config')).toMatchObject({ ok: true, detail: "set through PD's API: schedule.max-merge-region-size 20 (pd.toml: 0)" });
  });
  it('parses df -Pk from busybox and coreutils', () => {
    const busybox = 'Filesystem           1024-blocks    Used Available Capacity Mounted on\noverlay               61202244  12345678  45678901  22% /\n';
    expect(parseDfPk(busybox)).toEqual({ totalBytes: 61202244 * 1024, freeBytes: 45678901 * 1024 });
    const coreutils = 'Filesystem     1024-blocks     Used Available Capacity Mounted on\r\noverlay          102687672 9876543  87654321      11% /\r\n';
    expect(parseDfPk(coreutils.replace(/\r/g, ''))).toEqual({ totalBytes: 102687672 * 1024, freeBytes: 87654321 * 1024 });
    expect(parseDfPk('df: unrecognized option')).toBeNull();
  });
});
