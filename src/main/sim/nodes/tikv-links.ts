// A TiKV process's links to every PD (HTTP upgrade on the PD's client port, then
// newline-delimited JSON): "hello" with its boot id and start time, a "ping" every ~1 s
// (scaled) that PD uses to notice a frozen or cut-off process, the 10 s store heartbeat ("hb"),
// "stopping" during a graceful stop and "bye" at the end. A link that stops answering is
// dropped and made again.
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { LINK_PATH, LINK_PROTOCOL, readLines, sendLine } from './node-util';

export interface PdLink {
  pd: string;
  socket: Socket | null;
  connecting: boolean;
  welcomed: boolean;
  lastMsg: number;
  retryTimer: NodeJS.Timeout | null;
  /** From the last pong: this PD leads, and how many leaders it sees on this store. */
  pdLeader: boolean;
  leaders: number | null;
}

export interface PdLinksOptions {
  /** The store's name (tikv0...). */
  name: string;
  pds: { host: string; port: number }[];
  /** This process's boot id and start time (Unix seconds). */
  boot: string;
  start: number;
  linkTimeoutMs: number;
  retryMs: number;
  closed: () => boolean;
  stopping: () => boolean;
  /** A PD welcomed this store into a fresh cluster (its first heartbeat may go at once). */
  onFreshWelcome: () => void;
}

export interface PdLinks {
  readonly links: readonly PdLink[];
  /** One timer step: drop links that went silent, ping the others (and heartbeat on `beat`). */
  tick(now: number, frozen: boolean, beat: boolean): void;
  /** Ends every link: with a goodbye (graceful) or by a reset. */
  closeAll(graceful: boolean): void;
}

export function createPdLinks(opts: PdLinksOptions): PdLinks {
  const { linkTimeoutMs, retryMs } = opts;
  const links: PdLink[] = opts.pds.map((pd) => ({
    pd: `${pd.host}:${pd.port}`,
    socket: null,
    connecting: false,
    welcomed: false,
    lastMsg: 0,
    retryTimer: null,
    pdLeader: false,
    leaders: null
  }));

  const scheduleConnect = (l: PdLink, delay: number): void => {
    if (opts.closed() || l.retryTimer) return;
    l.retryTimer = setTimeout(() => {
      l.retryTimer = null;
      connect(l, opts.pds[links.indexOf(l)]!);
    }, delay);
  };

  const drop = (l: PdLink, reason: 'reconnect' | 'exit'): void => {
    const s = l.socket;
    l.socket = null;
    l.welcomed = false;
    l.pdLeader = false;
    l.leaders = null;
    if (s) {
      sendLine(s, { t: 'bye', exit: reason === 'exit' });
      s.end();
      setTimeout(() => s.destroy(), 200).unref();
    }
  };

  const onUpgraded = (l: PdLink, socket: Socket, head: Buffer): void => {
    socket.setNoDelay(true);
    l.socket = socket;
    l.lastMsg = Date.now();
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (l.socket !== socket) return;
      l.socket = null;
      l.welcomed = false;
      l.pdLeader = false;
      l.leaders = null;
      scheduleConnect(l, retryMs);
    });
    readLines(socket, head, (msg) => {
      if (l.socket !== socket) return;
      l.lastMsg = Date.now();
      if (msg.t === 'welcome') {
        l.welcomed = true;
        if (msg.fresh === true) opts.onFreshWelcome();
        if (opts.stopping()) sendLine(socket, { t: 'stopping' });
      } else if (msg.t === 'pong') {
        l.pdLeader = msg.pdLeader === true;
        l.leaders = typeof msg.leaders === 'number' ? msg.leaders : null;
      }
    });
    sendLine(socket, { t: 'hello', store: opts.name, boot: opts.boot, start: opts.start });
  };

  const connect = (l: PdLink, pd: { host: string; port: number }): void => {
    if (opts.closed() || l.socket || l.connecting) return;
    l.connecting = true;
    const req = request({
      host: pd.host,
      port: pd.port,
      path: LINK_PATH,
      headers: { Connection: 'Upgrade', Upgrade: LINK_PROTOCOL }
    });
    const timer = setTimeout(() => req.destroy(new Error('connect timeout')), Math.max(linkTimeoutMs, 1000));
    const fail = (): void => {
      clearTimeout(timer);
      l.connecting = false;
      scheduleConnect(l, retryMs);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      res.resume();
      fail();
    });
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      l.connecting = false;
      if (opts.closed()) {
        socket.destroy();
        return;
      }
      onUpgraded(l, socket, head);
    });
    req.end();
  };

  links.forEach((l, i) => connect(l, opts.pds[i]!));

  return {
    links,
    tick: (now, frozen, beat) => {
      for (const l of links) {
        if (!l.socket) continue;
        if (frozen) l.lastMsg = now;
        if (now - l.lastMsg > linkTimeoutMs) {
          // No answer from this PD (frozen, or a network cut): start over with a new link.
          drop(l, 'reconnect');
          scheduleConnect(l, retryMs);
          continue;
        }
        if (!l.welcomed) continue;
        sendLine(l.socket, { t: 'ping' });
        if (beat) sendLine(l.socket, { t: 'hb' });
      }
    },
    closeAll: (graceful) => {
      for (const l of links) {
        if (l.retryTimer) clearTimeout(l.retryTimer);
        if (graceful) drop(l, 'exit');
        else l.socket?.destroy();
      }
    }
  };
}
