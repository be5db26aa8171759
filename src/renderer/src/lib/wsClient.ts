// The StageApi over a WebSocket, for browser mode (`npm run web`): frames as declared in
// src/shared/contract.ts, replies matched by id, a timeout on every request, reconnect with
// backoff, and a fresh getState after every (re)connect, delivered to listeners as events so
// the page never shows a world older than the connection (nor older than an event it has seen:
// event-tally.ts).
//
// No DOM here: the socket comes from a factory, so tests drive it with a fake.
import { z } from 'zod';
import type {
  AppState,
  EventName,
  EventPayloads,
  Reply,
  RequestArgs,
  RequestName,
  RequestResults,
  StageApi,
  StateEvent,
  WsClientFrame
} from '../../../shared/contract';
import { EVENT_NAMES, WS_VIEW_PARAM, ackOf, stateEvents, type ViewName } from '../../../shared/contract';
import { createEventTally, type EventTally } from './event-tally';

/** The few things the client needs from a socket. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
}

export interface SocketHandlers {
  onOpen(): void;
  /** Called once per socket, whether it closed cleanly, failed to connect or broke. */
  onClose(code: number, reason: string): void;
  onMessage(data: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Failed attempts since the last successful connection. */
  attempt: number;
  /** Unix ms of the last state change. */
  since: number;
  /** Why we are not connected, in plain words. */
  detail: string | null;
  /** Delay before the next attempt (state reconnecting). */
  retryInMs: number | null;
}

export interface WsClientOptions {
  url: string;
  socket: SocketFactory;
  /** Per request, from the moment it is asked (queued or sent). Default 8 s. Requests asked
   *  before the first connection wait for it; requests asked while reconnecting fail at once. */
  requestTimeoutMs?: number;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. Default 250 ms. */
  initialBackoffMs?: number;
  /** Default 5 s. */
  maxBackoffMs?: number;
  /** 0..1, for jitter (±20 %). Default Math.random. */
  random?: () => number;
  now?: () => number;
}

export interface WsStageClient extends StageApi {
  status(): ConnectionStatus;
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
  /** Stop for good: no more reconnects; pending requests fail. */
  close(): void;
}

/**
 * Requests that may take longer than the default timeout: resetShow waits for the cluster to
 * settle; a graceful stop answers when the node has exited (TiKV: about 20 s, bounded at 70 s),
 * and Restore all or Panic pressed meanwhile wait for it to land before undoing it.
 */
export const SLOW_REQUESTS: Partial<Record<RequestName, number>> = {
  resetShow: 180_000,
  injectFault: 100_000,
  restoreFault: 100_000,
  restoreAll: 100_000,
  panic: 100_000
};

const replySchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string() })
]);

const serverFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), id: z.number().int().nonnegative(), reply: replySchema }),
  z.object({ type: z.literal('event'), event: z.enum(EVENT_NAMES as [EventName, ...EventName[]]), payload: z.unknown() })
]);

/** A payload is plausible enough to hand to the views: an array for log, objects for the others. */
function plausible(event: EventName, payload: unknown): boolean {
  if (event === 'log') return Array.isArray(payload);
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload);
}

/** The state as the events a view follows, or none when it is not a state we can read. */
function eventsOf(s: AppState): StateEvent[] {
  try {
    return stateEvents(s);
  } catch {
    return [];
  }
}

/** A frame from the server, checked: a reply, a plausible event, or null for anything else. */
export function readServerFrame(
  data: string
): { type: 'reply'; id: number; reply: Reply<unknown> } | { type: 'event'; event: EventName; payload: unknown } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  const f = serverFrame.safeParse(raw);
  if (!f.success) return null;
  const frame = f.data;
  if (frame.type === 'reply')
    return { type: 'reply', id: frame.id, reply: frame.reply.ok ? { ok: true, value: frame.reply.value } : { ok: false, error: frame.reply.error } };
  return plausible(frame.event, frame.payload) ? { type: 'event', event: frame.event, payload: frame.payload } : null;
}

/** Calls each listener; one broken view (or status listener) must not starve the others. */
function callEach<T>(set: Iterable<(x: T) => void> | undefined, value: T): void {
  if (!set) return;
  for (const l of [...set]) {
    try {
      l(value);
    } catch {
      /* keep going */
    }
  }
}

function addListener(listeners: Map<EventName, Set<AnyListener>>, event: EventName, l: AnyListener): () => void {
  if (!EVENT_NAMES.includes(event)) throw new Error(`unknown event "${String(event)}"`);
  const set = listeners.get(event) ?? new Set<AnyListener>();
  listeners.set(event, set);
  set.add(l);
  return () => void set.delete(l);
}

function timeoutText(name: RequestName, open: boolean, ms: number): string {
  return open ? `the app did not answer "${name}" within ${Math.round(ms / 1000)} s` : `not connected to the app, so "${name}" was not sent`;
}

function closeQuietly(s: SocketLike | null): void {
  try {
    s?.close();
  } catch {
    /* already gone */
  }
}

type AnyListener = (payload: unknown) => void;

interface Pending {
  name: RequestName;
  frame: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (r: Reply<unknown>) => void;
}

/** The event listeners, and a tally of the events that arrived (event-tally.ts). */
function eventHub() {
  const listeners = new Map<EventName, Set<AnyListener>>();
  const tally = createEventTally();
  return {
    on: <E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): (() => void) =>
      addListener(listeners, event, listener as AnyListener),
    /** An event from the server. */
    arrived(event: EventName, payload: unknown): void {
      tally.saw(event);
      callEach(listeners.get(event), payload);
    },
    mark: tally.mark,
    /** A whole state asked for at `asked`: the parts no event has replaced since, as events. */
    fill(asked: ReturnType<EventTally['mark']>, s: AppState): void {
      for (const e of eventsOf(s)) if (!asked.replaced(e.event) && plausible(e.event, e.payload)) callEach(listeners.get(e.event), e.payload);
    }
  };
}

export function createWsClient(opts: WsClientOptions): WsStageClient {
  const timeoutMs = opts.requestTimeoutMs ?? 8000;
  const first = opts.initialBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5000;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;

  let nextId = 1;
  const pending = new Map<number, Pending>();
  const events = eventHub();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  let sock: SocketLike | null = null;
  let generation = 0;
  let open = false;
  let stopped = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let status: ConnectionStatus = { state: 'connecting', attempt: 0, since: now(), detail: null, retryInMs: null };

  function setStatus(s: Omit<ConnectionStatus, 'since'>): void {
    status = { ...s, since: now() };
    callEach(statusListeners, status);
  }

  function settle(id: number, reply: Reply<unknown>): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }

  function trySend(id: number, p: Pending): void {
    if (!sock || !open) return;
    try {
      sock.send(p.frame);
      p.sent = true;
    } catch (e) {
      settle(id, { ok: false, error: `could not send "${p.name}" to the app: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  // Our server also sends the whole state as events on connect; this answer then fills nothing.
  // It stays for a server that did not (or whose first push failed).
  const refetchState = (): void => {
    const asked = events.mark();
    void (send('getState', [], false) as Promise<Reply<AppState>>).then((r) => r.ok && events.fill(asked, r.value));
  };

  function scheduleReconnect(detail: string): void {
    if (stopped) return;
    const delay = Math.round(Math.min(maxBackoff, first * 2 ** attempt) * (0.8 + 0.4 * random()));
    attempt += 1;
    setStatus({ state: 'reconnecting', attempt, detail, retryInMs: delay });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect(): void {
    if (stopped) return;
    const gen = ++generation;
    open = false;
    if (attempt === 0) setStatus({ state: 'connecting', attempt: 0, detail: null, retryInMs: null });
    const handlers: SocketHandlers = {
      onOpen() {
        if (gen !== generation || stopped) return;
        open = true;
        attempt = 0;
        setStatus({ state: 'open', attempt: 0, detail: null, retryInMs: null });
        for (const [id, p] of [...pending]) if (!p.sent) trySend(id, p);
        refetchState();
      },
      onClose(code, reason) {
        if (gen !== generation) return;
        const wasOpen = open;
        open = false;
        sock = null;
        // Requests already on the wire will never be answered by this socket.
        for (const [id, p] of [...pending]) {
          if (p.sent) settle(id, { ok: false, error: `the connection to the app dropped before "${p.name}" was answered` });
        }
        scheduleReconnect(wasOpen ? `connection to the app lost${reason ? `: ${reason}` : code ? ` (code ${code})` : ''}` : `cannot reach the app at ${opts.url}`);
      },
      onMessage(data) {
        if (gen !== generation) return;
        const frame = readServerFrame(data);
        if (frame?.type === 'reply') settle(frame.id, frame.reply);
        else if (frame?.type === 'event') events.arrived(frame.event, frame.payload);
      }
    };
    try {
      sock = opts.socket(opts.url, handlers);
    } catch (e) {
      sock = null;
      scheduleReconnect(`cannot open a connection to ${opts.url}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function send(name: RequestName, args: unknown[], ack: boolean): Promise<Reply<unknown>> {
    if (stopped) return Promise.resolve({ ok: false, error: 'the connection to the app is closed' });
    // While the page first connects, requests wait (up to the timeout). After a connection was
    // lost they fail at once: a "next" pressed during an outage must not fire seconds later.
    if (!open && status.state === 'reconnecting' && name !== 'getState') {
      return Promise.resolve({ ok: false, error: `not connected to the app, so "${name}" was not sent` });
    }
    const id = nextId++;
    const body: WsClientFrame = ack ? { id, request: name, args, ack } : { id, request: name, args };
    return new Promise<Reply<unknown>>((resolve) => {
      const ms = SLOW_REQUESTS[name] ?? timeoutMs;
      const p: Pending = {
        name,
        frame: JSON.stringify(body),
        sent: false,
        timer: setTimeout(() => settle(id, { ok: false, error: timeoutText(name, open, ms) }), ms),
        // An acknowledgment carries no value, whatever a server sends.
        resolve: ack ? (r) => resolve(ackOf(r)) : resolve
      };
      pending.set(id, p);
      trySend(id, p);
    });
  }

  connect();

  return {
    request: <K extends RequestName>(name: K, ...args: RequestArgs<K>) => send(name, [...args], false) as Promise<Reply<RequestResults[K]>>,
    act: (name, ...args) => send(name, [...args], true) as Promise<Reply<null>>,
    on: events.on,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    close() {
      if (stopped) return;
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      open = false;
      generation += 1;
      closeQuietly(sock);
      sock = null;
      for (const id of [...pending.keys()]) settle(id, { ok: false, error: 'the connection to the app is closed' });
      setStatus({ state: 'closed', attempt, detail: 'closed', retryInMs: null });
    }
  };
}

/** The browser's WebSocket behind the factory interface. */
export function browserSocket(Ctor: typeof WebSocket): SocketFactory {
  return (url, h) => {
    const ws = new Ctor(url);
    let closed = false;
    const closeOnce = (code: number, reason: string): void => {
      if (closed) return;
      closed = true;
      h.onClose(code, reason);
    };
    ws.addEventListener('open', () => h.onOpen());
    ws.addEventListener('close', (e) => closeOnce(e.code, e.reason));
    // An 'error' is always followed by 'close'; nothing to do here.
    ws.addEventListener('message', (e) => {
      if (typeof e.data === 'string') h.onMessage(e.data);
    });
    return {
      send: (d) => ws.send(d),
      close: () => {
        ws.close();
        closeOnce(1000, 'closed by the page');
      }
    };
  };
}

/** ws://host/ws for http pages, wss://host/ws for https. */
/** The app's WebSocket on the page's own origin; the audience says so, and is not sent the log. */
export function wsUrlFor(loc: { protocol: string; host: string }, view: ViewName = 'presenter'): string {
  const base = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
  return view === 'presenter' ? base : `${base}?${WS_VIEW_PARAM}=${view}`;
}
