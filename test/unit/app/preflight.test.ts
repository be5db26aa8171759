import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeImages, evaluatePreflight, type PreflightFacts } from '../../../src/main/preflight';

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
    { ref: 'pingcap/pd:v8.5.5', present: true },
    { ref: 'pingcap/tikv:v8.5.5', present: true }
  ],
  containers: ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2'].map((name) => ({ name, state: 'running' })),
  expected: ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2'],
  pd: { url: 'http://127.0.0.1:2379', ok: true, error: null, leader: 'pd1', stores: [store('tikv0', 'up', 12), store('tikv1', 'up', 12), store('tikv2', 'up', 12)] },
  openFaults: []
};

describe('preflight', () => {
  it('is GO when everything is green', () => {
    const r = evaluatePreflight(green, 1);
    expect(r.ok).toBe(true);
    expect(r.lines.map((l) => l.id)).toEqual(['docker', 'images', 'containers', 'pd', 'stores', 'leaders', 'ledger']);
    expect(r.lines.every((l) => l.fix === null)).toBe(true);
  });
  it('says how to fix each red line', () => {
    const r = evaluatePreflight(
      {
        ...green,
        images: [{ ref: 'pingcap/tikv:v8.5.5', present: false }],
        containers: green.containers!.map((c) => (c.name === 'tikv1' ? { ...c, state: 'exited' } : c)),
        pd: { ...green.pd, stores: [store('tikv0', 'up', 18), store('tikv1', 'disconnected', 0), store('tikv2', 'up', 0)] },
        openFaults: ['kill tikv1']
      },
      1
    );
    expect(r.ok).toBe(false);
    const red = Object.fromEntries(r.lines.filter((l) => !l.ok).map((l) => [l.id, l]));
    expect(Object.keys(red).sort()).toEqual(['containers', 'images', 'leaders', 'ledger', 'stores']);
    expect(red.images!.fix).toMatch(/pull/);
    expect(red.containers!.detail).toBe('tikv1: exited');
    expect(red.stores!.detail).toBe('tikv1: disconnected');
    expect(red.ledger!.fix).toMatch(/Restore all/);
  });
  it('is NO-GO without Docker or PD', () => {
    const r = evaluatePreflight(
      { ...green, docker: { ok: false, detail: 'no engine' }, images: null, containers: null, pd: { url: 'x', ok: false, error: 'refused', leader: null, stores: [] } },
      1
    );
    expect(r.lines.filter((l) => l.ok).map((l) => l.id)).toEqual(['ledger']);
  });
  it('reads the pinned images of the compose file', () => {
    const c = composeImages(readFileSync(join(__dirname, '../../../docker-compose.tikv.yml'), 'utf8'));
    expect(c.images).toEqual(['pingcap/pd:v8.5.5', 'pingcap/tikv:v8.5.5']);
    expect(c.services).toEqual(['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2']);
  });
});
