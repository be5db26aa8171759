import { describe, expect, it } from 'vitest';
import type { EventName, EventPayloads, Reply, RequestName, StageApi } from '../../../src/shared/contract';
import { pickBridge, type Bridge } from '../../../src/renderer/src/lib/bridge';
import { OFFSET_SLACK_MS, createStageStore, sendRequest, startSync, steadyOffset } from '../../../src/renderer/src/lib/store';
import type { SocketFactory } from '../../../src/renderer/src/lib/wsClient';
import { splitShow } from '../../../src/shared/show-parts';
import { cluster, deckOf, show } from './fixtures';

/** A fake Electron preload API. */
function fakeApi(): StageApi & { emit<E extends EventName>(e: E, p: EventPayloads[E]): void; asked: string[]; acted: string[] } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const asked: string[] = [];
  const acted: string[] = [];
  return {
    asked,
    acted,
    request: ((name: RequestName): Promise<Reply<unknown>> => {
      asked.push(name);
      if (name === 'getState') return Promise.resolve({ ok: true, value: { show: show(), cluster: cluster(), log: [], deck: deckOf(show()) } });
      if (name === 'restoreAll') return Promise.resolve({ ok: false, error: 'Docker is not answering' });
      return Promise.resolve({ ok: true, value: show() });
    }) as StageApi['request'],
    act: ((name: RequestName): Promise<Reply<null>> => {
      acted.push(name);
      return Promise.resolve(name === 'restoreAll' ? { ok: false, error: 'Docker is not answering' } : { ok: true, value: null });
    }) as StageApi['act'],
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
    emit(e, p) {
      for (const l of listeners.get(e) ?? []) l(p);
    }
  };
}

const noSocket: SocketFactory = () => {
  throw new Error('no sockets in this test');
};

describe('pickBridge', () => {
  it('uses window.api when the preload exposed one', () => {
    const api = fakeApi();
    const b = pickBridge({ api, location: { protocol: 'file:', host: '' } }, noSocket);
    expect(b.kind).toBe('electron');
    expect(b.api).toBe(api);
  });
  it('falls back to a WebSocket to its own origin', () => {
    const urls: string[] = [];
    const b = pickBridge({ location: { protocol: 'http:', host: '127.0.0.1:4321' } }, (url) => {
      urls.push(url);
      return { send: () => undefined, close: () => undefined };
    });
    expect(b.kind).toBe('websocket');
    expect(urls).toEqual(['ws://127.0.0.1:4321/ws']);
  });
  it('says plainly when there is no way to reach the app', async () => {
    const b = pickBridge({ location: { protocol: 'file:', host: '' } }, noSocket);
    expect(b.kind).toBe('none');
    expect(b.status().state).toBe('closed');
    const r = await b.api.request('next');
    expect(r.ok).toBe(false);
  });
});

describe('store sync', () => {
  it('fetches once in Electron, then follows events', async () => {
    const api = fakeApi();
    const bridge: Bridge = pickBridge({ api, location: { protocol: 'file:', host: '' } }, noSocket);
    const store = createStageStore();
    const stop = startSync(bridge, store, { now: () => cluster().now - 250 });
    await Promise.resolve();
    await Promise.resolve();
    expect(api.asked).toEqual(['getState']);
    expect(store.getState().show?.index).toBe(2);
    expect(store.getState().clockOffsetMs).toBe(250);
    const before = store.getState().show;
    api.emit('position', splitShow(show({ index: 3, blackout: true })).position);
    expect(store.getState().show).toMatchObject({ index: 3, blackout: true, chapter: { id: show().chapters[3]?.id } });
    // A position alone: the details and the deck are the same objects as before.
    expect(store.getState().show?.timeline).toBe(before?.timeline);
    expect(store.getState().show?.chapters).toBe(before?.chapters);
    // Parts arrive as JSON: what a new one shares with the last stays the same object.
    const shown = store.getState().show!;
    const again = JSON.parse(JSON.stringify(splitShow(show({ index: 3, blackout: true }))));
    api.emit('position', again.position);
    expect(store.getState().show).toBe(shown);
    api.emit('details', { ...again.details, presenter: { ...again.details.presenter, frozen: true } });
    const next = store.getState().show!;
    expect(next).not.toBe(shown);
    expect(next.presenter.frozen).toBe(true);
    expect(next.timeline).toBe(shown.timeline);
    expect(next.diagnosis).toBe(shown.diagnosis);
    expect(next.beat).toBe(shown.beat);
    api.emit('log', [{ seq: 1, at: 1, what: 'kill tikv1', outcome: 'ok', detail: null }]);
    expect(store.getState().log).toHaveLength(1);
    stop();
    api.emit('position', splitShow(show({ index: 4 })).position);
    expect(store.getState().show?.index).toBe(3);
  });

  it('keeps no action log in a view that does not show one (the audience)', async () => {
    const api = fakeApi();
    const line = { seq: 1, at: 1, what: 'kill tikv1', outcome: 'ok' as const, detail: null };
    const asked = api.request;
    // getState brings a log too: it must not be kept either.
    api.request = ((name: RequestName) =>
      name === 'getState'
        ? Promise.resolve({ ok: true, value: { show: show(), cluster: cluster(), log: [line], deck: deckOf(show()) } })
        : asked(name as 'next')) as StageApi['request'];
    const bridge: Bridge = pickBridge({ api, location: { protocol: 'file:', host: '' } }, noSocket);
    const store = createStageStore();
    startSync(bridge, store, { now: () => cluster().now, log: false });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().show?.index).toBe(2);
    api.emit('log', [line]);
    api.emit('logEntry', { ...line, seq: 2 });
    expect(store.getState().log).toEqual([]);
    // The same events reach a view that keeps the log.
    const kept = createStageStore();
    startSync(bridge, kept, { now: () => cluster().now });
    await Promise.resolve();
    await Promise.resolve();
    api.emit('logEntry', { ...line, seq: 2 });
    expect(kept.getState().log.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('keeps the unchanged parts of a new snapshot, and the clock offset through jitter', async () => {
    const api = fakeApi();
    const bridge: Bridge = pickBridge({ api, location: { protocol: 'file:', host: '' } }, noSocket);
    const store = createStageStore();
    let local = cluster().now - 250;
    startSync(bridge, store, { now: () => local });
    await Promise.resolve();
    await Promise.resolve();
    const first = store.getState().cluster!;
    // The next snapshot, as JSON would bring it: a second later, one store's leaders changed.
    const c = JSON.parse(JSON.stringify(first)) as typeof first;
    c.now += 1000;
    c.tikv[0]!.leaderCount += 1;
    local += 1000 + 40;
    api.emit('cluster', c);
    const next = store.getState().cluster!;
    expect(next).toEqual(c);
    expect(next.pd).toBe(first.pd);
    expect(next.workload).toBe(first.workload);
    expect(next.tikv[0]).not.toBe(first.tikv[0]);
    expect(next.tikv[1]).toBe(first.tikv[1]);
    // 40 ms of jitter keeps the offset (and every "12 s ago" on the page) as it was.
    expect(store.getState().clockOffsetMs).toBe(250);
  });

  it('shows a routine snapshot at the next tick, and anything else at once', async () => {
    const api = fakeApi();
    const bridge: Bridge = pickBridge({ api, location: { protocol: 'file:', host: '' } }, noSocket);
    const store = createStageStore();
    let local = cluster().now - 250;
    const due: (() => void)[] = [];
    const tick = (): void => {
      for (const fn of due.splice(0)) fn();
    };
    const stop = startSync(bridge, store, { now: () => local, pace: { atNextTick: (fn) => void due.push(fn) } });
    await Promise.resolve();
    await Promise.resolve();
    const first = store.getState().cluster!;
    const later = (edit: (c: typeof first) => void, ms = 1000): typeof first => {
      const c = JSON.parse(JSON.stringify(store.getState().cluster)) as typeof first;
      c.now += ms;
      edit(c);
      return c;
    };
    // Leaders moving: it waits for the tick, then shows; two in a row wait for one tick.
    const a = later((c) => void (c.tikv[0]!.leaderCount += 1));
    api.emit('cluster', a);
    const b = later((c) => void (c.tikv[0]!.leaderCount += 2), 2000);
    api.emit('cluster', b);
    expect(store.getState().cluster).toBe(first);
    expect(due).toHaveLength(1);
    tick();
    expect(store.getState().cluster).toEqual(b);
    // A kill is shown at once, and one waiting before it is not shown after it.
    api.emit('cluster', later((c) => void (c.tikv[1]!.leaderCount += 1)));
    const killed = later((c) => void (c.tikv[0]!.container = 'exited'));
    api.emit('cluster', killed);
    expect(store.getState().cluster).toEqual(killed);
    tick();
    expect(store.getState().cluster).toEqual(killed);
    // The clock offset is the one measured when the waiting snapshot arrived.
    local += 10_000;
    api.emit('cluster', later((c) => void (c.now = local + 5_000)));
    local += 900;
    tick();
    expect(store.getState().clockOffsetMs).toBe(5_000);
    // Unwired: a tick still due shows nothing.
    api.emit('cluster', later((c) => void (c.tikv[1]!.leaderCount += 1)));
    const shown = store.getState().cluster;
    stop();
    tick();
    expect(store.getState().cluster).toBe(shown);
  });

  it('does not let the whole state undo what arrived while it was asked for', async () => {
    const api = fakeApi();
    const bridge: Bridge = pickBridge({ api, location: { protocol: 'file:', host: '' } }, noSocket);
    const store = createStageStore();
    const due: (() => void)[] = [];
    startSync(bridge, store, { now: () => cluster().now, pace: { atNextTick: (fn) => void due.push(fn) } });
    // Events between getState's question and its answer: they are as new as it, or newer.
    api.emit('position', splitShow(show({ index: 3 })).position);
    const early = JSON.parse(JSON.stringify(cluster())) as ReturnType<typeof cluster>;
    early.now += 1000;
    api.emit('cluster', early);
    const waiting = JSON.parse(JSON.stringify(early)) as typeof early;
    waiting.tikv[0]!.leaderCount += 1;
    api.emit('cluster', waiting);
    expect(due).toHaveLength(1);
    await Promise.resolve();
    await Promise.resolve();
    // The answer filled the deck and the details; the position and the cluster stayed.
    expect(store.getState().show?.index).toBe(3);
    expect(store.getState().cluster).toEqual(early);
    for (const fn of due.splice(0)) fn();
    expect(store.getState().cluster).toEqual(waiting);
  });

  it('moves the clock offset only by the slack or more', () => {
    expect(steadyOffset(250, 250 + OFFSET_SLACK_MS - 1)).toBe(250);
    expect(steadyOffset(250, 250 - OFFSET_SLACK_MS + 1)).toBe(250);
    expect(steadyOffset(250, 250 + OFFSET_SLACK_MS)).toBe(250 + OFFSET_SLACK_MS);
    expect(steadyOffset(0, -3_600_000)).toBe(-3_600_000);
  });

  it('keeps a failed request for the presenter, in plain words', async () => {
    const api = fakeApi();
    const bridge = pickBridge({ api, location: { protocol: 'file:', host: '' } }, noSocket);
    const store = createStageStore();
    expect(await sendRequest(bridge, store, 'restoreAll')).toBe(false);
    expect(store.getState().requestError?.text).toBe('"restoreAll" failed: Docker is not answering');
    expect(await sendRequest(bridge, store, 'next')).toBe(true);
    // An intent asks for no ShowState back: the events bring the show.
    expect(api.acted).toEqual(['restoreAll', 'next']);
    expect(api.asked).toEqual([]);
  });
});
