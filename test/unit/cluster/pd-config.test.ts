import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createPdClient } from '../../../src/main/cluster/pd-client';
import {
  diffPdConfig,
  goDurationMs,
  loadPdSettings,
  pdConfigCommand,
  settingsFromToml,
  syncPdConfig
} from '../../../src/main/cluster/pd-config';
import { PD, startScriptedPd, type ScriptedPd } from './helpers';

const PD_TOML = join(__dirname, '../../../resources/cluster/pd.toml');

describe('pd.toml settings', () => {
  it('reads the persisted sections of the real pd.toml', () => {
    expect(loadPdSettings(PD_TOML)).toEqual([
      { key: 'schedule.max-merge-region-size', value: 0 },
      { key: 'schedule.max-merge-region-keys', value: 0 }
    ]);
  });
  it('keeps only the sections PD persists in etcd', () => {
    const s = settingsFromToml('name = "pd"\n[log]\nlevel = "info"\n[schedule]\nmax-store-down-time = "1m"\n[replication]\nmax-replicas = 3\n[pd-server]\nuse-region-storage = true\n');
    expect(s.map((x) => x.key)).toEqual(['schedule.max-store-down-time', 'replication.max-replicas', 'pd-server.use-region-storage']);
  });
  it('reads Go durations', () => {
    expect(goDurationMs('1m')).toBe(60_000);
    expect(goDurationMs('1m0s')).toBe(60_000);
    expect(goDurationMs('1h30m')).toBe(5_400_000);
    expect(goDurationMs('250ms')).toBe(250);
    expect(goDurationMs('soon')).toBeNull();
  });
});

describe('diffPdConfig', () => {
  const want = [
    { key: 'schedule.max-merge-region-size', value: 0 },
    { key: 'schedule.max-merge-region-keys', value: 0 }
  ];
  it('sees a cluster that kept the defaults from its first boot', () => {
    // PD's defaults, keys shown as their effective value (size × 10000).
    const live = { schedule: { 'max-merge-region-size': 54, 'max-merge-region-keys': 540000 } };
    expect(diffPdConfig(want, live)).toEqual([
      { key: 'schedule.max-merge-region-size', want: 0, live: 54 },
      { key: 'schedule.max-merge-region-keys', want: 0, live: 540000 }
    ]);
  });
  it('is empty when the cluster runs as pd.toml says', () => {
    expect(diffPdConfig(want, { schedule: { 'max-merge-region-size': 0, 'max-merge-region-keys': 0 } })).toEqual([]);
  });
  it('compares durations by value and booleans whatever their encoding', () => {
    const w = [
      { key: 'schedule.max-store-down-time', value: '1m' },
      { key: 'replication.strictly-match-label', value: false }
    ];
    expect(diffPdConfig(w, { schedule: { 'max-store-down-time': '1m0s' }, replication: { 'strictly-match-label': 'false' } })).toEqual([]);
    expect(diffPdConfig(w, { schedule: { 'max-store-down-time': '30m0s' }, replication: {} }).map((d) => d.key)).toEqual([
      'schedule.max-store-down-time',
      'replication.strictly-match-label'
    ]);
  });
  it('the hand-made command sets the same', () => {
    expect(pdConfigCommand('http://127.0.0.1:2379', [{ key: 'schedule.max-merge-region-size', want: 0, live: 54 }])).toBe(
      `curl -X POST http://127.0.0.1:2379/pd/api/v1/config -H 'content-type: application/json' -d '{"schedule.max-merge-region-size":0}'`
    );
  });
});

describe('syncPdConfig against a PD that persisted other settings', () => {
  let pd: ScriptedPd | null = null;
  afterEach(async () => {
    await pd?.close();
    pd = null;
  });

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  }

  it('sets what differs through POST /config, and reads it back', async () => {
    const schedule: Record<string, number> = { 'max-merge-region-size': 54, 'max-merge-region-keys': 0 };
    const posted: unknown[] = [];
    pd = await startScriptedPd(async (path, req) => {
      if (path === `${PD}/config` && req.method === 'GET') {
        const keys = schedule['max-merge-region-keys'] || schedule['max-merge-region-size']! * 10000;
        return { body: JSON.stringify({ schedule: { ...schedule, 'max-merge-region-keys': keys }, replication: { 'max-replicas': 3 } }) };
      }
      if (path === `${PD}/config` && req.method === 'POST') {
        const body = JSON.parse(await readBody(req)) as Record<string, number>;
        posted.push(body);
        for (const [k, v] of Object.entries(body)) schedule[k.replace(/^schedule\./, '')] = v;
        return { body: '"The config is updated."' };
      }
      return { status: 404, body: '404 page not found', contentType: 'text/plain' };
    });
    const client = createPdClient({ pdUrl: pd.url });
    try {
      const dry = await syncPdConfig(client, loadPdSettings(PD_TOML), { apply: false });
      expect(dry.differed.map((d) => d.key)).toEqual(['schedule.max-merge-region-size', 'schedule.max-merge-region-keys']);
      expect(posted).toEqual([]);
      const r = await syncPdConfig(client, loadPdSettings(PD_TOML), { apply: true });
      expect(posted).toEqual([{ 'schedule.max-merge-region-size': 0, 'schedule.max-merge-region-keys': 0 }]);
      expect(r).toMatchObject({ applied: true, remaining: [], error: null });
      expect(r.differed).toHaveLength(2);
      const again = await syncPdConfig(client, loadPdSettings(PD_TOML), { apply: true });
      expect(again).toMatchObject({ applied: false, differed: [], remaining: [] });
      expect(posted).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('says why when PD has no leader to take the settings', async () => {
    pd = await startScriptedPd((path, req) =>
      req.method === 'POST'
        ? { status: 503, body: '[PD:apiutil:ErrRedirectNoLeader]redirect finds no leader', contentType: 'text/plain' }
        : path === `${PD}/config`
          ? { body: JSON.stringify({ schedule: { 'max-merge-region-size': 20, 'max-merge-region-keys': 200000 } }) }
          : { status: 404 }
    );
    const client = createPdClient({ pdUrl: pd.url });
    try {
      const r = await syncPdConfig(client, loadPdSettings(PD_TOML), { apply: true });
      expect(r.applied).toBe(false);
      expect(r.remaining).toHaveLength(2);
      expect(r.error).toMatch(/^PD refused the settings: PD electing a leader/);
    } finally {
      await client.close();
    }
  });
});
