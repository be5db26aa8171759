import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import {
  createPdAgent,
  createPdClient,
  describeTransportError,
  normalizePdUrl,
  type PdClient,
  type PdResult
} from '../../../src/main/cluster/pd-client';
import { PD, fixture, freePort, startScriptedPd, type ScriptedPd } from './helpers';

function failure<T>(r: PdResult<T>): { kind: string; message: string; status?: number } {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('pd-client', () => {
  let pd: ScriptedPd | null = null;
  let agent: Agent | null = null;
  let client: PdClient | null = null;

  afterEach(async () => {
    await client?.close();
    await agent?.close();
    await pd?.close();
    pd = null;
    agent = null;
    client = null;
  });

  async function setup(script: ScriptedPd['script'], timeoutMs = 2_000): Promise<PdClient> {
    pd = await startScriptedPd(script);
    agent = createPdAgent({ connections: 2 });
    client = createPdClient({ pdUrl: pd.url, dispatcher: agent, timeoutMs });
    return client;
  }

  it('reads and parses the four endpoints', async () => {
    const c = await setup(
      (path) =>
        ({
          [`${PD}/stores`]: { body: fixture('stores.json') },
          [`${PD}/members`]: { body: fixture('members.json') },
          [`${PD}/health`]: { body: fixture('health.json') },
          [`${PD}/regions/count`]: { body: fixture('regions-count.json') }
        })[path] ?? { status: 404 }
    );
    const [stores, members, health, regions] = await Promise.all([c.stores(), c.members(), c.health(), c.regionCount()]);
    expect(stores.ok && stores.value.map((s) => s.name)).toEqual(['tikv0', 'tikv1', 'tikv2']);
    expect(members.ok && members.value.leader).toBe('pd1');
    expect(health.ok && health.value.map((h) => h.health)).toEqual([true, true, false]);
    expect(regions).toEqual({ ok: true, value: 36 });
  });

  it('maps 503 "no leader" to a plain election message', async () => {
    const c = await setup(() => ({ status: 503, body: fixture('no-leader-503.txt'), contentType: 'text/plain' }));
    expect(failure(await c.stores())).toEqual({
      kind: 'no-leader',
      status: 503,
      message: expect.stringMatching(/^PD electing a leader: PD at http:\/\/127\.0\.0\.1:\d+ has no leader to ask/)
    });
  });

  it('maps 500 "redirect failed" (the leader a follower knows is gone) to the election message', async () => {
    const c = await setup(() => ({ status: 500, body: '[PD:apiutil:ErrRedirect]redirect failed\n', contentType: 'text/plain' }));
    expect(failure(await c.stores())).toMatchObject({
      kind: 'no-leader',
      status: 500,
      message: expect.stringMatching(/^PD electing a leader: PD at .* cannot reach its leader/)
    });
  });

  it('maps other statuses to status + short excerpt', async () => {
    const c = await setup((path) =>
      path.endsWith('/stores')
        ? { status: 503, body: 'overloaded, try later', contentType: 'text/plain' }
        : path.endsWith('/members')
          ? { status: 502, body: fixture('error-page.html'), contentType: 'text/html' }
          : path.endsWith('/health')
            ? { status: 500, body: fixture('not-bootstrapped-500.json') }
            : { status: 500, body: `"${'x'.repeat(500)}"` }
    );
    const url = pd?.url ?? '';
    expect(failure(await c.stores())).toEqual({
      kind: 'http',
      status: 503,
      message: `PD at ${url} answered 503 Service Unavailable for /stores: "overloaded, try later"`
    });
    expect(failure(await c.members()).message).toBe(`PD at ${url} answered 502 Bad Gateway for /members: "502 Bad Gateway"`);
    expect(failure(await c.health()).message).toBe(
      `PD at ${url} says the TiKV cluster is not bootstrapped yet (no TiKV has joined)`
    );
    const long = failure(await c.regionCount()).message;
    expect(long.length).toBeLessThan(220);
    expect(long).toMatch(/answered 500 Internal Server Error for \/regions\/count: "x+…"$/);
  });

  it('a 200 with an HTML page or garbage is a bad-body failure', async () => {
    const c = await setup((path) =>
      path.endsWith('/stores') ? { body: fixture('error-page.html'), contentType: 'text/html' } : { body: '{"count": 3, "sto' }
    );
    expect(failure(await c.stores())).toMatchObject({ kind: 'bad-body', message: expect.stringMatching(/HTML page/) });
    expect(failure(await c.members())).toMatchObject({ kind: 'bad-body', message: expect.stringMatching(/not JSON/) });
  });

  it('connection refused in plain words', async () => {
    const port = await freePort();
    agent = createPdAgent();
    client = createPdClient({ pdUrl: `127.0.0.1:${port}`, dispatcher: agent });
    expect(client.pdUrl).toBe(`http://127.0.0.1:${port}`);
    expect(failure(await client.stores())).toEqual({
      kind: 'unreachable',
      message: `PD at http://127.0.0.1:${port} is not answering: connection refused`
    });
  });

  it('a hung PD times out with the budget in the message', async () => {
    const c = await setup(() => ({ hang: true }), 150);
    const t0 = Date.now();
    const f = failure(await c.stores());
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(f).toEqual({ kind: 'timeout', message: `PD at ${pd?.url} is not answering: no answer within 0.15 s` });
  });

  it('a caller abort is reported as aborted, promptly', async () => {
    const c = await setup(() => ({ hang: true }), 5_000);
    const ac = new AbortController();
    const p = c.members({ signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    const t0 = Date.now();
    expect(failure(await p).kind).toBe('aborted');
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('reuses one keep-alive connection for sequential calls, error statuses included', async () => {
    let n = 0;
    const c = await setup(() => {
      n += 1;
      return n % 3 === 0
        ? { status: 503, body: fixture('no-leader-503.txt') }
        : n % 3 === 1
          ? { status: 500, body: 'x'.repeat(64 * 1024) }
          : { body: fixture('stores.json') };
    });
    for (let i = 0; i < 30; i++) await c.stores();
    expect(pd?.total(`${PD}/stores`)).toBe(30);
    // undici alternates between two pooled sockets for back-to-back requests; what matters is
    // that the count stays bounded (bodies consumed, sockets released), not 30.
    expect(pd?.connections).toBeLessThanOrEqual(2);
    expect(pd?.openSockets()).toBe(pd?.connections);
  });

  it('retries once when the connection is dropped, then reports it in plain words', async () => {
    let n = 0;
    const c = await setup(() => {
      n += 1;
      return n === 1 ? { destroy: true } : { body: fixture('regions-count.json') };
    });
    expect(await c.regionCount()).toEqual({ ok: true, value: 36 });
    expect(pd?.total(`${PD}/regions/count`)).toBe(2);
    if (pd) pd.script = () => ({ destroy: true });
    expect(failure(await c.regionCount())).toEqual({
      kind: 'unreachable',
      message: `PD at ${pd?.url} is not answering: the connection was closed before an answer`
    });
    expect(pd?.total(`${PD}/regions/count`)).toBe(4);
  });

  it('refuses an oversized body without hanging', async () => {
    pd = await startScriptedPd(() => ({ body: JSON.stringify({ stores: [], pad: 'y'.repeat(10_000) }) }));
    agent = createPdAgent();
    client = createPdClient({ pdUrl: pd.url, dispatcher: agent, maxBodyBytes: 1_000 });
    expect(failure(await client.stores())).toMatchObject({ kind: 'bad-body', message: expect.stringMatching(/larger than 1000 bytes/) });
  });

  it('normalizes and validates the URL', () => {
    expect(normalizePdUrl('http://127.0.0.1:2379/')).toBe('http://127.0.0.1:2379');
    expect(normalizePdUrl('pd0:2379')).toBe('http://pd0:2379');
    expect(() => normalizePdUrl('ftp://x')).toThrow(/only http/);
    expect(() => normalizePdUrl('http://')).toThrow(/Not a valid PD URL/);
  });

  it('describes transport errors', () => {
    const u = 'http://127.0.0.1:2379';
    const coded = (code: string): Error => Object.assign(new Error(code), { code });
    expect(describeTransportError(u, coded('ECONNREFUSED'), 1500).message).toBe(`PD at ${u} is not answering: connection refused`);
    expect(describeTransportError(u, new AggregateError([coded('ECONNREFUSED')]), 1500).message).toMatch(/connection refused$/);
    expect(describeTransportError(u, coded('UND_ERR_HEADERS_TIMEOUT'), 1500)).toEqual({
      kind: 'timeout',
      message: `PD at ${u} is not answering: no answer within 1.5 s`
    });
    expect(describeTransportError(u, coded('UND_ERR_CONNECT_TIMEOUT'), 1500).kind).toBe('timeout');
    expect(describeTransportError(u, coded('ENOTFOUND'), 1500).message).toMatch(/host name not found$/);
    expect(describeTransportError(u, coded('ECONNRESET'), 1500).message).toMatch(/closed before an answer$/);
  });
});
