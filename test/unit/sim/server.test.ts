// The simulator over real HTTP on 127.0.0.1, at a fast time scale (50x: a 10 s heartbeat is
// 200 ms). Responses are parsed with lossless-json so ids above 2^53 are checked digit by digit.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isInteger, isSafeNumber, parse } from 'lossless-json';
import { startSimCluster, NO_LEADER_TEXT, type SimClusterHandle } from '../../../src/main/sim/index';
import { main } from '../../../src/main/sim/inproc/serve';
import { rfc3339Nano } from '../../../src/main/sim/core/format';
import type { SimProcess } from '../../../src/main/sim/types';

const SPEED = 50;
const API = '/pd/api/v1';
const clusters: SimClusterHandle[] = [];

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()));
  vi.restoreAllMocks();
});

async function cluster(
  extra: { tombstoneStore?: boolean; seed?: number; maxWaitMs?: number } = {}
): Promise<SimClusterHandle> {
  const c = await startSimCluster({
    speed: SPEED,
    seed: extra.seed ?? 1,
    tombstoneStore: extra.tombstoneStore,
    maxWaitMs: extra.maxWaitMs
  });
  clusters.push(c);
  return c;
}

interface Res {
  status: number;
  text: string;
  type: string | null;
}

async function req(c: SimClusterHandle, path: string, init?: RequestInit): Promise<Res> {
  const r = await fetch(`${c.pdUrl}${path}`, init);
  return { status: r.status, text: await r.text(), type: r.headers.get('content-type') };
}

/** Integers that a JS number cannot hold exactly become bigints; everything else a number. */
function json(text: string): unknown {
  return parse(text, null, (v) => (isInteger(v) && !isSafeNumber(v) ? BigInt(v) : Number(v)));
}

function rec(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not an object: ${String(v)}`);
  return v as Record<string, unknown>;
}

function arr(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Error(`not an array: ${String(v)}`);
  return v;
}

interface StoreEntry {
  store: Record<string, unknown>;
  status: Record<string, unknown>;
}

async function stores(c: SimClusterHandle, query = ''): Promise<StoreEntry[]> {
  const r = await req(c, `${API}/stores${query}`);
  expect(r.status).toBe(200);
  const body = rec(json(r.text));
  const list = arr(body.stores).map((x) => ({ store: rec(rec(x).store), status: rec(rec(x).status) }));
  expect(body.count).toBe(list.length);
  return list;
}

function byAddress(list: StoreEntry[], host: string): StoreEntry {
  const s = list.find((x) => x.store.address === `${host}:20160`);
  if (!s) throw new Error(`no store ${host}`);
  return s;
}

/** Poll until `fn` returns a value (or throws after timeoutMs). */
async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GET /stores', () => {
  it('has PD v8.5 shapes: numeric enums, omitted fields, strings for sizes, exact nanosecond heartbeats', async () => {
    const c = await cluster();
    const r = await req(c, `${API}/stores`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json; charset=UTF-8');
    expect(r.text).not.toMatch(/"state": /); // Up is the zero value: omitted
    const body = rec(json(r.text));
    expect(body.count).toBe(3);
    const list = arr(body.stores).map((x) => ({ store: rec(rec(x).store), status: rec(rec(x).status) }));
    expect(list.map((s) => s.store.id).sort()).toEqual([1, 4, 5]);
    let leaderSum = 0;
    for (const { store, status } of list) {
      const host = String(store.address).split(':')[0];
      expect(store).toMatchObject({
        version: '8.5.5',
        peer_address: `${host}:20160`,
        status_address: `${host}:20180`,
        deploy_path: '/',
        node_state: 1,
        state_name: 'Up'
      });
      expect('state' in store).toBe(false);
      expect('labels' in store).toBe(false);
      expect('physically_destroyed' in store).toBe(false);
      expect(typeof store.start_timestamp).toBe('number');
      // Above 2^53: parsed as a bigint, never rounded through a JS number.
      expect(typeof store.last_heartbeat).toBe('bigint');
      const hb = store.last_heartbeat as bigint;
      expect(hb > 2n ** 53n).toBe(true);
      expect(r.text).toContain(`"last_heartbeat": ${hb.toString()},`);
      expect(status.last_heartbeat_ts).toBe(rfc3339Nano(hb));
      expect(status.start_ts).toBe(rfc3339Nano(BigInt(store.start_timestamp as number) * 1_000_000_000n));
      expect(status.uptime).toMatch(/^(\d+h)?(\d+m)?\d+(\.\d+)?s$/);
      for (const k of ['capacity', 'available', 'used_size']) expect(status[k]).toMatch(/^\d+(\.\d+)?(B|KiB|MiB|GiB|TiB)$/);
      for (const k of ['leader_count', 'region_count', 'leader_size', 'region_size', 'leader_weight', 'region_weight', 'leader_score', 'region_score']) {
        expect(typeof status[k]).toBe('number');
      }
      expect(status.region_count).toBe(36);
      expect('is_busy' in status).toBe(false);
      expect('sending_snap_count' in status).toBe(false);
      leaderSum += status.leader_count as number;
    }
    expect(leaderSum).toBe(36);
    // The raw text carries the heartbeat digits verbatim.
    const digits = [...r.text.matchAll(/"last_heartbeat": (\d+)/g)].map((m) => m[1] ?? '');
    expect(digits).toHaveLength(3);
    for (const d of digits) expect(d).toMatch(/^\d{19}$/);
  });

  it('returns the stores in a random order on each call', async () => {
    const c = await cluster();
    const orders = new Set<string>();
    for (let i = 0; i < 12; i++) orders.add((await stores(c)).map((s) => s.store.id).join(','));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('hides tombstones unless asked by numeric state; unknown state is a 500', async () => {
    const c = await cluster({ tombstoneStore: true });
    expect((await stores(c)).map((s) => s.store.id).sort()).toEqual([1, 4, 5]);
    const all = await stores(c, '?state=0&state=1&state=2');
    expect(all.map((s) => s.store.id).sort()).toEqual([1, 2, 4, 5]);
    const tomb = all.find((s) => s.store.id === 2);
    expect(tomb?.store).toMatchObject({ state: 2, node_state: 3, state_name: 'Tombstone' });
    expect((await stores(c, '?state=2')).map((s) => s.store.id)).toEqual([2]);

    const bad = await req(c, `${API}/stores?state=7`);
    expect(bad.status).toBe(500);
    expect(json(bad.text)).toBe('unknown StoreState: 7');
    const word = await req(c, `${API}/stores?state=up`);
    expect(word.status).toBe(500);
    expect(json(word.text)).toBe('strconv.Atoi: parsing "up": invalid syntax');

    const one = await req(c, `${API}/store/2`);
    expect(rec(rec(json(one.text)).store).state_name).toBe('Tombstone');
    const missing = await req(c, `${API}/store/99`);
    expect(missing.status).toBe(404);
    expect(json(missing.text)).toBe('[PD:core:ErrStoreNotFound]store id 99 not found');
    const check = await req(c, `${API}/stores/check?state=tombstone`);
    expect(arr(rec(json(check.text)).stores)).toHaveLength(1);
  });

  it('shows a killed store Disconnected with its leaders moved, then Down after max-store-down-time', async () => {
    const c = await cluster({ seed: 3 });
    const set = await req(c, `${API}/config`, { method: 'POST', body: JSON.stringify({ 'max-store-down-time': '1m' }) });
    expect(set.status).toBe(200);
    expect(json(set.text)).toBe('The config is updated.');
    const cfg = rec(json((await req(c, `${API}/config`)).text));
    expect(rec(cfg.schedule)['max-store-down-time']).toBe('1m0s');

    c.control.kill('tikv1');
    const moved = await until(async () => {
      const list = await stores(c);
      const s = byAddress(list, 'tikv1');
      return s.status.leader_count === 0 && s.store.state_name === 'Disconnected' ? list : null;
    });
    expect(moved.reduce((a, s) => a + (s.status.leader_count as number), 0)).toBe(36);
    expect(byAddress(moved, 'tikv1').status.region_count).toBe(36);
    const down = await until(async () => {
      const one = rec(json((await req(c, `${API}/store/4`)).text));
      return rec(one.store).state_name === 'Down' ? one : null;
    });
    // Tombstones aside, Down stores are still listed by plain /stores.
    expect(rec(down.status).uptime).toBeDefined();
    expect((await stores(c)).length).toBe(3);
  });

  it("answers GET /config/replicate with the replication section of /config: PD's max-replicas, 3", async () => {
    const c = await cluster();
    const replicate = await req(c, `${API}/config/replicate`);
    expect(replicate.status).toBe(200);
    expect(rec(json(replicate.text))['max-replicas']).toBe(3);
    expect(json(replicate.text)).toEqual(rec(json((await req(c, `${API}/config`)).text)).replication);
  });

  it('rejects bad config', async () => {
    const c = await cluster();
    const bad = await req(c, `${API}/config`, { method: 'POST', body: '{"max-store-down-time":"soon"}' });
    expect(bad.status).toBe(400);
    expect(json(bad.text)).toBe('time: invalid duration "soon"');
    const unknown = await req(c, `${API}/config`, { method: 'POST', body: '{"no-such-item":1}' });
    expect(unknown.status).toBe(400);
    expect(json(unknown.text)).toBe('config item no-such-item not found');
  });
});

describe('members, health and the other endpoints', () => {
  it('keeps ids above 2^53 and 2^63 exact', async () => {
    const c = await cluster();
    const members = await req(c, `${API}/members`);
    expect(members.text).toContain('"member_id": 12818309996638325969');
    expect(members.text).toContain('"cluster_id": 7452180154224557728');
    const body = rec(json(members.text));
    expect(rec(body.header).cluster_id).toBe(7452180154224557728n);
    const list = arr(body.members).map(rec);
    expect(list.map((m) => [m.name, m.member_id])).toEqual([
      ['pd0', 3474484975246189105n],
      ['pd1', 12818309996638325969n],
      ['pd2', 9624541275104361583n]
    ]);
    expect(list[0]).toMatchObject({
      peer_urls: ['http://pd0:2380'],
      client_urls: ['http://pd0:2379'],
      deploy_path: '/',
      binary_version: 'v8.5.5'
    });
    const leader = rec(body.leader);
    expect(rec(body.etcd_leader).name).toBe(leader.name);
    expect(rec(json((await req(c, `${API}/leader`)).text)).name).toBe(leader.name);

    const health = arr(json((await req(c, `${API}/health`)).text)).map(rec);
    expect(health.map((h) => [h.name, h.member_id, h.health])).toEqual([
      ['pd0', 3474484975246189105n, true],
      ['pd1', 12818309996638325969n, true],
      ['pd2', 9624541275104361583n, true]
    ]);
  });

  it('serves ping, status, regions, region stats; unknown paths are 404', async () => {
    const c = await cluster();
    const ping = await req(c, `${API}/ping`);
    expect([ping.status, ping.text]).toEqual([200, '']);
    expect(json((await req(c, `${API}/regions/count`)).text)).toEqual({ count: 36, regions: null });
    const status = rec(json((await req(c, `${API}/status`)).text));
    expect(Object.keys(status)).toEqual(['build_ts', 'version', 'git_hash', 'start_timestamp']);

    const stats = rec(json((await req(c, `${API}/stats/region`)).text));
    expect(stats.count).toBe(36);
    expect(rec(stats.store_leader_count)).toEqual({ '1': 12, '4': 12, '5': 12 });
    expect(rec(stats.store_peer_count)).toEqual({ '1': 36, '4': 36, '5': 36 });

    const regions = rec(json((await req(c, `${API}/regions`)).text));
    expect(regions.count).toBe(36);
    const list = arr(regions.regions).map(rec);
    expect(list[0]?.start_key).toBe('');
    expect(list[list.length - 1]?.end_key).toBe('');
    for (const r of list) {
      expect(Object.keys(r)).toEqual([
        'id',
        'start_key',
        'end_key',
        'epoch',
        'peers',
        'leader',
        'cpu_usage',
        'written_bytes',
        'read_bytes',
        'written_keys',
        'read_keys',
        'approximate_size',
        'approximate_keys'
      ]);
      expect(r.start_key).toMatch(/^[0-9A-F]*$/);
      const peers = arr(r.peers).map(rec);
      expect(peers.map((p) => p.store_id).sort()).toEqual([1, 4, 5]);
      expect(peers[0]).toEqual({ role_name: 'Voter', id: peers[0]?.id, store_id: peers[0]?.store_id });
      expect(peers.map((p) => p.id)).toContain(rec(r.leader).id);
    }
    expect(list[1]?.start_key).toBe(list[0]?.end_key);

    const nf = await req(c, `${API}/nope`);
    expect([nf.status, nf.text]).toEqual([404, '404 page not found\n']);
    expect((await req(c, '/elsewhere')).status).toBe(404);
  });
});

describe('PD leader loss', () => {
  it('answers 503 with PD text while there is no leader, then a new leader serves', async () => {
    // The proxy's wait is capped at 20 ms here, well inside the shortest election (3 s = 60 ms),
    // so the 503 cannot race the new leader.
    const c = await cluster({ seed: 5, maxWaitMs: 20 });
    const old = c.engine.pdLeaderName() ?? '';
    c.control.kill(old);
    const r = await req(c, `${API}/stores`);
    expect(r.status).toBe(503);
    expect(r.text).toBe(`${NO_LEADER_TEXT}\n`);
    expect(r.type).toMatch(/^text\/plain/);
    // Local endpoints still answer.
    expect((await req(c, `${API}/ping`)).status).toBe(200);
    const health = arr(json((await req(c, `${API}/health`)).text)).map(rec);
    expect(health.find((h) => h.name === old)?.health).toBe(false);
    // 3-7 s (60-140 ms here) later a live member leads.
    const members = await until(async () => {
      const m = await req(c, `${API}/members`);
      return m.status === 200 ? rec(json(m.text)) : null;
    });
    expect(rec(members.leader).name).not.toBe(old);
    expect(arr(members.members)).toHaveLength(3);
  });

  it('PD-Allow-follower-handle answers locally; `leader` is then omitted while unknown', async () => {
    const c = await cluster({ maxWaitMs: 20 });
    c.control.kill(c.engine.pdLeaderName() ?? '');
    const r = await req(c, `${API}/members`, { headers: { 'PD-Allow-follower-handle': 'true' } });
    expect(r.status).toBe(200);
    const body = rec(json(r.text));
    expect('leader' in body).toBe(false);
    expect('etcd_leader' in body).toBe(false);
    expect(arr(body.members)).toHaveLength(3);
    expect(json((await req(c, `${API}/leader`, { headers: { 'PD-Allow-follower-handle': 'true' } })).text)).toBeNull();
  });

  it('a frozen PD member costs /health its (scaled) timeout', async () => {
    const c = await cluster();
    c.control.pause('pd1');
    const t0 = performance.now();
    const health = arr(json((await req(c, `${API}/health`)).text)).map(rec);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(health.map((h) => h.health)).toEqual([true, false, true]);
  });

  it('with 2 of 3 PDs killed the API is down until one returns', async () => {
    const c = await cluster();
    c.control.kill('pd0');
    c.control.kill('pd2');
    await new Promise((r) => setTimeout(r, 300)); // 15 s of sim time
    const t0 = performance.now();
    const r = await req(c, `${API}/regions/count`);
    expect([r.status, r.text.trim()]).toEqual([503, NO_LEADER_TEXT]);
    // PD's proxy waited for a leader first: 3 s scaled by 50 = 60 ms.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    c.control.start('pd2');
    const back = await until(async () => {
      const x = await req(c, `${API}/regions/count`);
      return x.status === 200 ? x : null;
    });
    expect(json(back.text)).toEqual({ count: 36, regions: null });
  });
});

describe('SimControl', () => {
  it('reports processes like Docker and notifies changes', async () => {
    const c = await cluster();
    const seen: SimProcess[] = [];
    const off = c.control.onProcessChange((p) => seen.push(p));
    c.control.pause('tikv0');
    c.control.partition('pd1');
    c.control.unpause('tikv0');
    c.control.heal('pd1');
    off();
    expect(seen.map((p) => `${p.kind}:${p.name}:${p.state}:${p.partitioned}`)).toEqual([
      'tikv:tikv0:paused:false',
      'pd:pd1:running:true',
      'tikv:tikv0:running:false',
      'pd:pd1:running:false'
    ]);
    expect(c.control.processes()).toHaveLength(6);
  });

  it('stop() resolves once the store has drained its leaders and exited', async () => {
    const c = await cluster();
    const t0 = Date.now();
    await c.control.stop('tikv2');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(c.control.processes().find((p) => p.name === 'tikv2')?.state).toBe('exited');
    const s = rec(json((await req(c, `${API}/store/5`)).text));
    expect(rec(s.status).leader_count).toBe(0);
    await c.control.stop('tikv2'); // idempotent
    c.control.start('tikv2');
    expect(c.control.processes().find((p) => p.name === 'tikv2')?.state).toBe('running');
  });

  it('runs the synthetic workload', async () => {
    const c = await cluster();
    expect(c.control.workload()).toEqual({ running: false, current: null, perStoreOps: {} });
    c.control.startWorkload();
    const w = await until(async () => {
      const x = c.control.workload();
      return x.current ? x : null;
    });
    expect(w.running).toBe(true);
    expect(w.current?.ops).toBeGreaterThan(1000);
    expect(w.current?.errors).toBe(0);
    expect(w.current?.p99Ms).toBeGreaterThan(0);
    expect(Object.keys(w.perStoreOps).sort()).toEqual(['tikv0', 'tikv1', 'tikv2']);
    expect(c.ycsbLines()[0]).toMatch(/^READ {3}- Takes\(s\): /);
    c.control.stopWorkload();
    expect(c.control.workload().running).toBe(false);
  });

  it('close() stops the server and settles a pending stop()', async () => {
    const c = await startSimCluster({ speed: 1, seed: 1 });
    const pending = c.control.stop('tikv0'); // takes seconds at speed 1
    await c.close();
    await pending;
    await expect(fetch(`${c.pdUrl}${API}/ping`)).rejects.toThrow();
  });
});

describe('serve.ts', () => {
  it('starts the cluster and prints the PD URL', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const c = await main(['--port', '0', '--sim-speed', '50', '--role', 'all', '--seed', '3']);
    clusters.push(c);
    expect(out.join('')).toBe(`${c.pdUrl}\n`);
    expect(c.pdUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await req(c, `${API}/ping`)).status).toBe(200);
    await expect(main(['--role', 'pd0'])).rejects.toThrow(/only "all"/);
    await expect(main(['--sim-speed', '0'])).rejects.toThrow(/sim-speed/);
  });
});
