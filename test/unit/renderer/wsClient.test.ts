import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WsClientFrame } from '../../../src/shared/contract';
import {
  createWsClient,
  wsUrlFor,
  type SocketFactory,
  type SocketHandlers,
  type WsStageClient
} from '../../../src/renderer/src/lib/wsClient';
import { splitShow } from '../../../src/shared/show-parts';
import { cluster, deckOf, show } from './fixtures';

/** A fake WebSocket server end: records what the client sends, lets the test answer. */
class FakeSocket {
  sent: WsClientFrame[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly h: SocketHandlers
  ) {}
  send(data: string): void {
    if (this.closed) throw new Error('socket closed');
    this.sent.push(JSON.parse(data) as WsClientFrame);
  }
  close(): void {
    this.closed = true;
  }
  // server side
  open(): void {
    this.h.onOpen();
  }
  drop(code = 1006, reason = ''): void {
    this.closed = true;
    this.h.onClose(code, reason);
  }
  reply(id: number, reply: unknown): void {
    this.h.onMessage(JSON.stringify({ type: 'reply', id, reply }));
  }
  event(event: string, payload: unknown): void {
    this.h.onMessage(JSON.stringify({ type: 'event', event, payload }));
  }
  lastOf(request: string): WsClientFrame {
    const f = [...this.sent].reverse().find((x) => x.request === request);
    if (!f) throw new Error(`no "${request}" sent; sent: ${this.sent.map((x) => x.request).join(', ')}`);
    return f;
  }
}

function setup(opts: { timeoutMs?: number } = {}): { client: WsStageClient; sockets: FakeSocket[]; last: () => FakeSocket } {
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (url, h) => {
    const s = new FakeSocket(url, h);
    sockets.push(s);
    return s;
  };
  const client = createWsClient({
    url: 'ws://127.0.0.1:5173/ws',
    socket: factory,
    requestTimeoutMs: opts.timeoutMs ?? 5_000,
    initialBackoffMs: 100,
    maxBackoffMs: 1_600,
    random: () => 0.5 // no jitter
  });
  return {
    client,
    sockets,
    last: () => {
      const s = sockets[sockets.length - 1];
      if (!s) throw new Error('no socket');
      return s;
    }
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WebSocket StageApi client', () => {
  it('builds the URL from the page origin', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:5173' })).toBe('ws://127.0.0.1:5173/ws');
    expect(wsUrlFor({ protocol: 'https:', host: 'stage.local' })).toBe('wss://stage.local/ws');
    // The audience says what it is: it is not sent the action log (viewWants).
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:5173' }, 'audience')).toBe('ws://127.0.0.1:5173/ws?view=audience');
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:5173' }, 'presenter')).toBe('ws://127.0.0.1:5173/ws');
  });

  it('matches replies to requests by id, whatever order they come back in', async () => {
    const { client, last } = setup();
    const s = last();
    s.open();
    const a = client.request('next');
    const b = client.request('goTo', 3);
    const fa = s.lastOf('next');
    const fb = s.lastOf('goTo');
    expect(fb.args).toEqual([3]);
    expect(fa.id).not.toBe(fb.id);
    s.reply(fb.id, { ok: true, value: show({ index: 3 }) });
    s.reply(fa.id, { ok: false, error: 'blocked: the kill is still running' });
    await expect(b).resolves.toMatchObject({ ok: true, value: { index: 3 } });
    await expect(a).resolves.toEqual({ ok: false, error: 'blocked: the kill is still running' });
  });

  it('asks for an acknowledgment only with act, and hands back no value whatever comes', async () => {
    const { client, last } = setup();
    const s = last();
    s.open();
    const a = client.act('next');
    const f = s.lastOf('next');
    expect(f).toEqual({ id: f.id, request: 'next', args: [], ack: true });
    // A server that ignores the flag still answers with the whole state: it is dropped here.
    s.reply(f.id, { ok: true, value: show({ index: 1 }) });
    await expect(a).resolves.toEqual({ ok: true, value: null });
    const b = client.act('goTo', 9);
    const g = s.lastOf('goTo');
    expect(g.args).toEqual([9]);
    s.reply(g.id, { ok: false, error: 'no chapter 10' });
    await expect(b).resolves.toEqual({ ok: false, error: 'no chapter 10' });
    // A plain request still asks for, and gets, the value.
    const c = client.request('next');
    const h = s.lastOf('next');
    expect(h.ack).toBeUndefined();
    s.reply(h.id, { ok: true, value: show({ index: 2 }) });
    await expect(c).resolves.toMatchObject({ ok: true, value: { index: 2 } });
  });

  it('ignores replies for unknown ids and malformed frames', async () => {
    const { client, last } = setup();
    const s = last();
    s.open();
    const p = client.request('prev');
    s.h.onMessage('not json');
    s.h.onMessage(JSON.stringify({ type: 'reply', id: 'x' }));
    s.reply(9999, { ok: true, value: null });
    s.reply(s.lastOf('prev').id, { ok: true, value: show() });
    await expect(p).resolves.toMatchObject({ ok: true });
  });

  it('times a request out when no answer comes', async () => {
    const { client, last } = setup({ timeoutMs: 2_000 });
    last().open();
    const p = client.request('next');
    vi.advanceTimersByTime(2_001);
    const r = await p;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/did not answer "next" within 2 s/);
  });

  it('gives a graceful stop, and Restore all or Panic waiting for one, time to answer', async () => {
    const { client, last } = setup({ timeoutMs: 2_000 });
    last().open();
    const stop = client.request('injectFault', { kind: 'stop', target: { type: 'named', name: 'tikv1' } });
    const all = client.request('restoreAll');
    const panic = client.request('panic');
    vi.advanceTimersByTime(30_000); // TiKV takes about 20 s to stop
    for (const name of ['injectFault', 'restoreAll', 'panic']) last().reply(last().lastOf(name).id, { ok: true, value: show() });
    for (const r of await Promise.all([stop, all, panic])) expect(r.ok).toBe(true);
    const late = client.request('restoreAll');
    vi.advanceTimersByTime(100_001);
    const r = await late;
    if (!r.ok) expect(r.error).toMatch(/did not answer "restoreAll" within 100 s/);
    expect(r.ok).toBe(false);
  });

  it('delivers events to listeners until they unsubscribe', () => {
    const { client, last } = setup();
    const s = last();
    s.open();
    const seen: number[] = [];
    const off = client.on('position', (st) => seen.push(st.index));
    s.event('position', show({ index: 1 }));
    s.event('position', 'not an object');
    s.event('bogus', {});
    off();
    s.event('position', show({ index: 2 }));
    expect(seen).toEqual([1]);
  });

  it('re-fetches the whole state after connecting and hands it out as events', async () => {
    const { client, last } = setup();
    const shows: number[] = [];
    const clusters: string[] = [];
    client.on('position', (st) => shows.push(st.index));
    client.on('cluster', (c) => clusters.push(c.pdUrl));
    const s = last();
    s.open();
    const get = s.lastOf('getState');
    s.reply(get.id, { ok: true, value: { show: show({ index: 4 }), cluster: cluster(), log: [], deck: deckOf(show()) } });
    await vi.runOnlyPendingTimersAsync();
    expect(shows).toEqual([4]);
    expect(clusters).toEqual(['http://127.0.0.1:2379']);
  });

  it('does not let the fetched state undo an event that arrived while it was on its way', async () => {
    const { client, last } = setup();
    const positions: number[] = [];
    const decks: number[] = [];
    const logs: number[] = [];
    client.on('position', (p) => positions.push(p.index));
    client.on('deck', (d) => decks.push(d.chapters.length));
    client.on('log', (l) => logs.push(l.length));
    const s = last();
    s.open();
    const get = s.lastOf('getState');
    // main answered getState, then moved on; the move's event came first
    s.event('position', splitShow(show({ index: 3 })).position);
    s.event('logEntry', { seq: 9, at: 1, what: 'next', outcome: 'ok', detail: null });
    s.reply(get.id, { ok: true, value: { show: show({ index: 2 }), cluster: cluster(), log: [], deck: deckOf(show()) } });
    await vi.runOnlyPendingTimersAsync();
    expect(positions).toEqual([3]);
    expect(logs).toEqual([]);
    expect(decks).toEqual([deckOf(show()).chapters.length]);
  });

  it('reconnects with growing backoff, then re-fetches state', async () => {
    const { client, sockets, last } = setup();
    const states: string[] = [];
    client.onStatus((st) => states.push(`${st.state}:${st.retryInMs ?? ''}`));
    last().open();
    last().drop(1006);
    expect(client.status().state).toBe('reconnecting');
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().drop(); // refused
    vi.advanceTimersByTime(200);
    expect(sockets).toHaveLength(3);
    last().drop();
    vi.advanceTimersByTime(400);
    expect(sockets).toHaveLength(4);
    const shows: number[] = [];
    client.on('position', (st) => shows.push(st.index));
    last().open();
    expect(client.status().state).toBe('open');
    last().reply(last().lastOf('getState').id, { ok: true, value: { show: show({ index: 1 }), cluster: cluster(), log: [], deck: deckOf(show()) } });
    await vi.runOnlyPendingTimersAsync();
    expect(shows).toEqual([1]);
    expect(states).toEqual(['open:', 'reconnecting:100', 'reconnecting:200', 'reconnecting:400', 'open:']);
    // backoff resets after a good connection
    last().drop();
    expect(client.status().retryInMs).toBe(100);
  });

  it('caps the backoff', () => {
    const { client, last } = setup();
    for (let i = 0; i < 10; i++) {
      last().drop();
      vi.advanceTimersByTime(10_000);
    }
    expect(client.status().retryInMs).toBe(1_600);
  });

  it('fails requests that were on the wire when the connection drops', async () => {
    const { client, last } = setup();
    last().open();
    const p = client.request('next');
    last().drop(1006);
    const r = await p;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/dropped before "next" was answered/);
  });

  it('holds requests made while connecting and sends them on open', async () => {
    const { client, last } = setup();
    const p = client.request('blackout', true);
    expect(last().sent).toHaveLength(0);
    last().open();
    const f = last().lastOf('blackout');
    expect(f.args).toEqual([true]);
    last().reply(f.id, { ok: true, value: show({ blackout: true }) });
    await expect(p).resolves.toMatchObject({ ok: true, value: { blackout: true } });
  });

  it('fails requests at once while reconnecting: nothing fires late after an outage', async () => {
    const { client, last } = setup();
    last().open();
    last().drop();
    const r = await client.request('next');
    expect(r).toEqual({ ok: false, error: 'not connected to the app, so "next" was not sent' });
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent.map((f) => f.request)).toEqual(['getState']);
  });

  it('gives up on a held request after the timeout without sending it later', async () => {
    const { client, last } = setup({ timeoutMs: 1_000 });
    const p = client.request('next');
    vi.advanceTimersByTime(1_001);
    const r = await p;
    expect(r).toEqual({ ok: false, error: 'not connected to the app, so "next" was not sent' });
    last().open();
    expect(last().sent.map((f) => f.request)).toEqual(['getState']);
  });

  it('stops for good on close()', async () => {
    const { client, sockets, last } = setup();
    last().open();
    const p = client.request('next');
    client.close();
    await expect(p).resolves.toMatchObject({ ok: false });
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.status().state).toBe('closed');
  });

  it('ignores a late event from a socket it already replaced', () => {
    const { client, sockets, last } = setup();
    last().open();
    const old = last();
    old.drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    const seen: number[] = [];
    client.on('position', (st) => seen.push(st.index));
    old.event('position', show({ index: 9 }));
    expect(seen).toEqual([]);
  });
});
