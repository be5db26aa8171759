// Backpressure for one WebSocket client. A view that stops reading (a laptop lid closed, a
// script that only writes) must not grow the server: what is waiting to be sent is bounded.
// - Events: when the client is behind, only the latest payload of each event is kept (the
//   intermediate states are of no use to a view that missed them).
// - Requests: at most a few run at once; beyond that the frames wait in a bounded backlog and
//   the socket stops being read, so TCP pushes back on the sender.
// - A client that stays behind for several seconds, or floods the backlog, is disconnected.

/** An event frame's text, or how to make it when it is sent. */
export type Frame = string | (() => string);

/** The part of a ws WebSocket this needs (a fake in tests). */
export interface QueueSocket {
  readonly bufferedAmount: number;
  send(text: string): void;
  pause(): void;
  resume(): void;
  terminate(): void;
  isOpen(): boolean;
}

export interface ClientQueueOptions {
  /** Above this many bytes waiting in the socket, the client counts as behind. */
  highWater?: number;
  /** Below this, a behind client has caught up. */
  lowWater?: number;
  /** Requests running at once for one client. */
  maxInFlight?: number;
  /** Raw request bytes that may wait for their turn. */
  maxBacklogBytes?: number;
  /** A client behind for longer than this is disconnected. */
  slowMs?: number;
  /** How often a behind client is looked at again. */
  checkMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface ClientQueue {
  /** Queues an event frame; a newer one of the same event replaces one still waiting. A frame
   *  given as a function is made only when it is sent: one replaced while waiting costs nothing. */
  event(name: string, text: Frame): void;
  /** Events wait for this client (so a frame queued now may replace an earlier one). */
  behind(): boolean;
  /** A request frame arrived: run it now or when its turn comes. */
  request(data: string): void;
  /** Stats for tests and the log. */
  stats(): { inFlight: number; backlog: number; backlogBytes: number; pendingEvents: number; behindMs: number };
  close(): void;
}

/** `handle` runs one raw request frame and resolves with the reply frame's text (or null for none). */
export function createClientQueue(sock: QueueSocket, handle: (data: string) => Promise<string | null>, opts: ClientQueueOptions = {}): ClientQueue {
  const highWater = opts.highWater ?? 1024 * 1024;
  const lowWater = opts.lowWater ?? highWater / 4;
  const maxInFlight = opts.maxInFlight ?? 8;
  const maxBacklogBytes = opts.maxBacklogBytes ?? 2 * 1024 * 1024;
  const slowMs = opts.slowMs ?? 5000;
  const checkMs = opts.checkMs ?? 50;
  const now = opts.now ?? Date.now;

  const pending = new Map<string, Frame>();
  const backlog: string[] = [];
  let backlogBytes = 0;
  let inFlight = 0;
  let behindSince: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let paused = false;
  let closed = false;

  const congested = (): boolean => sock.bufferedAmount > highWater;

  function drop(why: string): void {
    if (closed) return;
    opts.log?.(`web: disconnecting a client: ${why}`);
    close();
    sock.terminate();
  }

  function send(text: Frame): void {
    if (closed || !sock.isOpen()) return;
    try {
      sock.send(typeof text === 'string' ? text : text());
    } catch (e) {
      drop(`send failed: ${(e as Error).message}`);
    }
  }

  function start(data: string): void {
    inFlight++;
    handle(data)
      .catch(() => null)
      .then((reply) => {
        inFlight--;
        if (reply !== null) send(reply);
        pump();
      });
  }

  /** Sends what may be sent now; keeps the watch running while anything waits. */
  function pump(): void {
    if (closed) return;
    if (!congested()) {
      for (const [name, text] of pending) {
        pending.delete(name);
        send(text);
        if (congested()) break;
      }
    }
    while (backlog.length && inFlight < maxInFlight && !congested()) {
      const data = backlog.shift()!;
      backlogBytes -= data.length;
      start(data);
    }
    const waiting = pending.size > 0 || backlog.length > 0;
    const behind = waiting || sock.bufferedAmount > lowWater;
    if (!behind) {
      behindSince = null;
      if (paused) {
        paused = false;
        sock.resume();
      }
      if (timer) clearInterval(timer);
      timer = null;
      return;
    }
    if (waiting && !paused) {
      paused = true;
      sock.pause();
    }
    behindSince ??= now();
    if (now() - behindSince > slowMs) return drop(`it has not read what it was sent for ${Math.round((now() - behindSince) / 1000)} s`);
    timer ??= setInterval(pump, checkMs);
  }

  function close(): void {
    closed = true;
    if (timer) clearInterval(timer);
    timer = null;
    pending.clear();
    backlog.length = 0;
    backlogBytes = 0;
  }

  return {
    event(name, text) {
      if (closed) return;
      if (pending.size === 0 && !congested()) return send(text);
      pending.delete(name); // the newest goes to the back, in arrival order
      pending.set(name, text);
      pump();
    },
    request(data) {
      if (closed) return;
      if (backlog.length === 0 && inFlight < maxInFlight && !congested()) return start(data);
      if (backlogBytes + data.length > maxBacklogBytes) return drop('too many requests waiting for a client that does not read');
      backlog.push(data);
      backlogBytes += data.length;
      pump();
    },
    behind: () => pending.size > 0 || congested(),
    stats: () => ({
      inFlight,
      backlog: backlog.length,
      backlogBytes,
      pendingEvents: pending.size,
      behindMs: behindSince === null ? 0 : now() - behindSince
    }),
    close
  };
}
