// The simulator's per-process roles (what runs in the containers), here in one process over
// real sockets on 127.0.0.1: 3 PD members, 3 TiKV stores and the workload. A store "killed"
// closes its links without a goodbye, as a SIGKILLed process's kernel does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPdNode, type PdNode } from '../../../src/main/sim/nodes/pd-node';
import { startTikvNode, type TikvNode } from '../../../src/main/sim/nodes/tikv-node';
import { startYcsbNode, type YcsbNode } from '../../../src/main/sim/nodes/ycsb-node';
import { NO_LEADER_TEXT } from '../../../src/main/sim/pd-api/server';
import { parseYcsbLine } from '../../../src/main/workload/ycsb-parse';
import { freePort } from '../cluster/helpers';

const SPEED = 20;
const quiet = (): void => undefined;

let pds: (PdNode | null)[] = [];
let pdPorts: number[] = [];
const tikvs = new Map<string, TikvNode>();
let ycsb: YcsbNode | null = null;
const lines: string[] = [];


const url = (i: number): string => `http://127.0.0.1:${pdPorts[i]}`;

async function stores(i: number): Promise<{ name: string; state: string; leaders: number }[] | null> {
  try {
    const res = await fetch(`${url(i)}/pd/api/v1/stores`, { signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) return null;
    const data = (await res.json()) as { stores: { store: { address: string; state_name: string }; status: { leader_count: number } }[] };
    return data.stores
      .map((s) => ({ name: s.store.address.split(':')[0]!, state: s.store.state_name, leaders: s.status.leader_count }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return null;
  }
}

async function until<T>(what: string, ms: number, check: () => Promise<T | null | undefined>): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await check();
    if (v !== null && v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startTikv(name: string): Promise<TikvNode> {
  const node = await startTikvNode({
    name,
    pds: pdPorts.map((port) => ({ host: '127.0.0.1', port })),
    host: '127.0.0.1',
    port: tikvs.get(name)?.port ?? 0,
    statusPort: -1,
    speed: SPEED,
    log: quiet
  });
  tikvs.set(name, node);
  return node;
}

beforeAll(async () => {
  pdPorts = [await freePort(), await freePort(), await freePort()];
  const members = pdPorts.map((port, i) => ({ name: `pd${i}`, host: '127.0.0.1', port }));
  pds = await Promise.all(
    members.map((m) => startPdNode({ name: m.name, members, host: '127.0.0.1', port: m.port, speed: SPEED, seed: 42, log: quiet }))
  );
  for (const name of ['tikv0', 'tikv1', 'tikv2']) await startTikv(name);
});

afterAll(async () => {
  await ycsb?.stop();
  await Promise.all([...tikvs.values()].map((t) => t.close()));
  await Promise.all(pds.map((p) => p?.close()));
});

describe('the simulator roles over the network', () => {
  it('bootstraps: 3 stores Up with leaders spread, one PD leader, every member answers', async () => {
    const rows = await until('3 stores Up', 5000, async () => {
      const r = await stores(0);
      return r && r.length === 3 && r.every((s) => s.state === 'Up') ? r : null;
    });
    expect(rows.map((r) => r.leaders)).toEqual([12, 12, 12]);
    // The followers learn the leader from their next ping.
    const leader = await until('every member to know the leader', 2000, async () => {
      const views = pds.map((p) => p!.membership.leader);
      return views[0] && views.every((v) => v === views[0]) ? views[0] : null;
    });
    expect(leader).toBe('pd0');
    for (const i of [1, 2]) expect((await stores(i))?.length).toBe(3);
  });

  it('the workload prints go-ycsb lines that the app parses', async () => {
    ycsb = startYcsbNode({
      pds: pdPorts.map((port) => ({ host: '127.0.0.1', port })),
      speed: SPEED,
      threads: 16,
      tikvPort: 20160,
      tikvAddrs: new Map([...tikvs].map(([name, t]) => [name, { host: '127.0.0.1', port: t.port }])),
      out: (l) => lines.push(l),
      log: quiet,
      intervalMs: 200
    });
    await until('TOTAL lines', 5000, async () => (lines.filter((l) => l.startsWith('TOTAL')).length >= 2 ? true : null));
    const total = lines.filter((l) => l.startsWith('TOTAL')).map((l) => parseYcsbLine(l)[0]!);
    expect(total[0]!.fields.Count).toBeGreaterThan(0);
    expect(lines[0]).toBe('***************** properties *****************');
  });

  it('a killed store: PD notices the reset, its leaders move, it turns Disconnected; restarted, it is Up again with 0 leaders', async () => {
    await tikvs.get('tikv1')!.close();
    const t0 = Date.now();
    await until('tikv1 Disconnected with 0 leaders', 5000, async () => {
      const r = await stores(0);
      const s = r?.find((x) => x.name === 'tikv1');
      return s && s.state === 'Disconnected' && s.leaders === 0 ? true : null;
    });
    // Elections U[10, 20) s and Disconnected 20 s after the last heartbeat, at speed 20.
    expect(Date.now() - t0).toBeGreaterThan(400);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(pds.every((p) => p!.engine.describe('tikv1').state === 'exited')).toBe(true);

    await startTikv('tikv1');
    const up = await until('tikv1 Up', 3000, async () => (await stores(0))?.find((x) => x.name === 'tikv1' && x.state === 'Up'));
    expect(up.leaders).toBeLessThanOrEqual(4);
    await until('leaders back on tikv1', 5000, async () => ((await stores(0))?.find((x) => x.name === 'tikv1')?.leaders ?? 0) >= 10 || null);
  });

  it('a graceful stop drains the store first', async () => {
    const t = tikvs.get('tikv0')!;
    await t.stop();
    const r = await stores(1);
    expect(r?.find((x) => x.name === 'tikv0')?.leaders).toBe(0);
    await startTikv('tikv0');
    await until('tikv0 Up', 3000, async () => (await stores(0))?.find((x) => x.name === 'tikv0' && x.state === 'Up'));
  });

  it('the PD leader goes away: 503 without a leader, then the lowest live member leads', async () => {
    const leader = pds[0]!.membership.leader!;
    const li = Number(leader.slice(2));
    const others = [0, 1, 2].filter((i) => i !== li);
    await pds[li]!.close();
    pds[li] = null;
    const next = await until('a new leader', 5000, async () => {
      for (const i of others) {
        const res = await fetch(`${url(i)}/pd/api/v1/leader`, { signal: AbortSignal.timeout(2000) });
        const text = await res.text();
        if (res.status === 503) {
          // No leader yet (its 3 s wait, scaled, ran out): PD's text.
          expect(text).toBe(`${NO_LEADER_TEXT}\n`);
          return null;
        }
        const name = (JSON.parse(text) as { name?: string } | null)?.name;
        if (!name || name === leader) return null;
      }
      return pds[others[0]!]!.membership.leader;
    });
    expect(next).toBe(`pd${others[0]}`);
    const health = (await (await fetch(`${url(others[0]!)}/pd/api/v1/health`)).json()) as { name: string; health: boolean }[];
    expect(health.map((h) => h.health)).toEqual([0, 1, 2].map((i) => i !== li));
    expect((await stores(others[1]!))?.length).toBe(3);
  });
});
