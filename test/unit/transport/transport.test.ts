import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { actChannel, requestChannel, type AppState } from '../../../src/shared/contract';
import type { ShowState } from '../../../src/shared/show';
import { dispatch, type Handlers } from '../../../src/main/transport/dispatch';
import { attachIpc } from '../../../src/main/transport/ipc';
import { startWebServer, type WebServer } from '../../../src/main/transport/web-server';

const fakeShow = { index: 0 } as unknown as ShowState;
const fakeState = { show: fakeShow, cluster: { mode: 'sim' }, log: [], deck: { deckTitle: 't', deckFile: 'f', chapters: [] } } as unknown as AppState;

function handlers(calls: string[]): Handlers {
  const ok = (name: string) => async (...args: unknown[]) => {
    calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(',')})`);
    return fakeShow;
  };
  return {
    getState: async () => fakeState,
    next: ok('next'),
    prev: ok('prev'),
    first: ok('first'),
    last: ok('last'),
    goTo: ok('goTo'),
    blackout: ok('blackout'),
    injectFault: async () => {
      throw new Error('kill tikv1 failed: engine gone');
    },
    restoreFault: ok('restoreFault'),
    restoreAll: ok('restoreAll'),
    panic: ok('panic'),
    resetShow: ok('resetShow'),
    freeze: ok('freeze'),
    timer: ok('timer'),
    openDeck: ok('openDeck'),
    setKeyBinding: ok('setKeyBinding'),
    rehearsal: ok('rehearsal'),
    preflight: async () => ({ at: 0, ok: true, lines: [] }),
    swapDisplays: ok('swapDisplays'),
    keyMode: ok('keyMode'),
    recordings: async () => [],
    switchToReplay: ok('switchToReplay'),
    reportViewError: async () => null
  };
}

describe('dispatch', () => {
  it('runs a valid request and turns errors into replies', async () => {
    const calls: string[] = [];
    const h = handlers(calls);
    expect(await dispatch(h, 'goTo', [2])).toEqual({ ok: true, value: fakeShow });
    expect(calls).toEqual(['goTo(2)']);
    expect(await dispatch(h, 'nope', [])).toEqual({ ok: false, error: 'unknown request "nope"' });
    expect(await dispatch(h, 'goTo', ['x'])).toMatchObject({ ok: false, error: expect.stringMatching(/bad arguments for "goTo"/) });
    expect(await dispatch(h, 'injectFault', [{ kind: 'kill', target: { type: 'random-tikv' } }])).toEqual({
      ok: false,
      error: 'kill tikv1 failed: engine gone'
    });
    expect(calls).toEqual(['goTo(2)']);
  });
});

describe('IPC adapter', () => {
  it('checks the sender and the arguments', async () => {
    const registered = new Map<string, (e: { senderFrame: { url: string } | null }, ...a: unknown[]) => unknown>();
    const calls: string[] = [];
    const ipc = attachIpc(
      { handle: (c, fn) => registered.set(c, fn), removeHandler: (c) => registered.delete(c) },
      handlers(calls),
      (url) => url.startsWith('file:///app/')
    );
    const next = registered.get(requestChannel('next'))!;
    expect(await next({ senderFrame: { url: 'file:///app/index.html' } })).toEqual({ ok: true, value: fakeShow });
    expect(await next({ senderFrame: { url: 'https://evil.example/' } })).toMatchObject({ ok: false });
    expect(await next({ senderFrame: null })).toMatchObject({ ok: false });
    const goTo = registered.get(requestChannel('goTo'))!;
    expect(await goTo({ senderFrame: { url: 'file:///app/index.html' } }, 'seven')).toMatchObject({ ok: false });
    expect(calls).toEqual(['next()']);
    // act: the same request, the same checks, answered without the ShowState.
    const actNext = registered.get(actChannel('next'))!;
    expect(await actNext({ senderFrame: { url: 'file:///app/index.html' } })).toEqual({ ok: true, value: null });
    expect(await actNext({ senderFrame: { url: 'https://evil.example/' } })).toMatchObject({ ok: false, error: expect.stringMatching(/refused/) });
    const actGoTo = registered.get(actChannel('goTo'))!;
    expect(await actGoTo({ senderFrame: { url: 'file:///app/index.html' } }, 'seven')).toMatchObject({ ok: false, error: expect.stringMatching(/bad arguments/) });
    expect(calls).toEqual(['next()', 'next()']);
    const sent: unknown[] = [];
    ipc.broadcast(
      [
        { isDestroyed: () => false, send: (c, p) => sent.push([c, p]) },
        { isDestroyed: () => true, send: () => sent.push('dead') }
      ],
      'log',
      []
    );
    expect(sent).toEqual([['tikv-stage:event:log', []]]);
    ipc.detach();
    expect(registered.size).toBe(0);
  });
});

describe('web server', () => {
  let server: WebServer;
  const calls: string[] = [];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>stage</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    server = await startWebServer({ port: 0, rendererDir: dir, handlers: handlers(calls), state: () => fakeState });
  });
  afterAll(async () => server?.close());

  const get = (path: string, host?: string): Promise<{ status: number; body: string; csp?: string }> =>
    new Promise((ok, fail) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path, headers: host ? { host } : {} },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => ok({ status: res.statusCode ?? 0, body, csp: res.headers['content-security-policy'] as string }));
        }
      );
      req.on('error', fail);
      req.end();
    });

  it('serves the renderer on / and /presenter with a strict CSP', async () => {
    const root = await get('/');
    expect(root.status).toBe(200);
    expect(root.body).toContain('<title>stage</title>');
    expect(root.csp).toContain("default-src 'self'");
    expect((await get('/presenter')).status).toBe(200);
    expect((await get('/app.js')).body).toBe('console.log(1)');
    expect((await get('/../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('answers /api/state as JSON', async () => {
    const r = await get('/api/state');
    expect(JSON.parse(r.body)).toEqual(fakeState);
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    expect((await get('/api/state', 'evil.example')).status).toBe(421);
  });

  it('carries the contract over the WebSocket, events first', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const frames: { type: string; id?: number; event?: string; reply?: { ok: boolean } }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((ok) => ws.once('open', ok));
    ws.send(JSON.stringify({ id: 1, request: 'next', args: [] }));
    ws.send(JSON.stringify({ id: 2, request: 'goTo', args: ['x'] }));
    ws.send('not json');
    ws.send(JSON.stringify({ id: 3, request: 'next' }));
    ws.send(JSON.stringify({ id: 4, request: 'next', args: [], ack: true }));
    ws.send(JSON.stringify({ id: 5, request: 'goTo', args: ['x'], ack: true }));
    ws.send(JSON.stringify({ id: 6, request: 'next', args: [], ack: false }));
    await new Promise((ok) => setTimeout(ok, 300));
    expect(frames.slice(0, 5).map((f) => f.event)).toEqual(['deck', 'position', 'details', 'cluster', 'log']);
    expect(frames.find((f) => f.id === 1)?.reply).toEqual({ ok: true, value: fakeShow });
    expect(frames.find((f) => f.id === 2)?.reply?.ok).toBe(false);
    expect(frames.find((f) => f.id === 3)?.reply?.ok).toBe(false);
    expect(frames.filter((f) => f.id === -1).length).toBe(1);
    // ack: true answers without the ShowState; an error stays whole; only `true` is a flag.
    expect(frames.find((f) => f.id === 4)?.reply).toEqual({ ok: true, value: null });
    expect(frames.find((f) => f.id === 5)?.reply).toMatchObject({ ok: false, error: expect.stringMatching(/bad arguments for "goTo"/) });
    expect(frames.find((f) => f.id === 6)?.reply).toEqual({ ok: false, error: 'frame must be {id, request, args[]}' });
    server.broadcast('log', []);
    await new Promise((ok) => setTimeout(ok, 100));
    expect(frames.at(-1)).toEqual({ type: 'event', event: 'log', payload: [] });
    ws.close();
  });

  it('refuses a WebSocket from another origin', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { origin: 'https://evil.example' });
    const err = await new Promise<Error>((ok) => ws.once('error', ok));
    expect(err.message).toMatch(/403/);
  });
});

describe('web server: order of answers and events', () => {
  // Main reads the state for getState at once and answers a few microtasks later; a "next" read
  // from the same TCP chunk must not slip its event in between (the page would take the reply,
  // older than the event it just showed, and step back).
  it('never answers getState with a state older than an event it already sent', async () => {
    let index = 0;
    let server: WebServer | null = null;
    const state = (): AppState => ({ ...fakeState, show: { ...fakeShow, index } as ShowState });
    const h: Handlers = {
      ...handlers([]),
      getState: async () => state(),
      next: async () => {
        index += 1;
        server!.broadcast('position', { index } as never);
        return state().show;
      }
    };
    const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    server = await startWebServer({ port: 0, rendererDir: dir, handlers: h, state });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const seen: string[] = [];
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as { type: string; event?: string; payload?: { index: number }; reply?: { value?: { show?: { index: number } } } };
      if (f.event === 'position') seen.push(`event ${f.payload!.index}`);
      if (f.reply?.value?.show) seen.push(`state ${f.reply.value.show.index}`);
    });
    await new Promise((ok) => ws.once('open', ok));
    await new Promise((ok) => setTimeout(ok, 50));
    // Both frames in one write, so the server reads them in one chunk.
    const sock = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    for (let i = 1; i <= 20; i++) {
      sock.cork();
      ws.send(JSON.stringify({ id: 2 * i, request: 'getState', args: [] }));
      ws.send(JSON.stringify({ id: 2 * i + 1, request: 'next', args: [] }));
      sock.uncork();
    }
    await new Promise((ok) => setTimeout(ok, 300));
    ws.close();
    await server.close();
    let newest = -1;
    const stale: string[] = [];
    for (const s of seen) {
      const [kind, n] = [s.split(' ')[0], Number(s.split(' ')[1])];
      if (kind === 'state' && n < newest) stale.push(`${s} after event ${newest}`);
      newest = Math.max(newest, n);
    }
    expect(seen.filter((s) => s.startsWith('state'))).toHaveLength(20);
    expect(stale).toEqual([]);
  });
});
