// One TiKV store as its own process (the simulator in containers). It holds no data: it is
// the liveness that PD and clients see.
// - A link to every PD (HTTP upgrade on the PD's client port): "hello" with its boot id and
//   start time, a "ping" every ~1 s (scaled) that PD uses to notice a frozen or cut-off
//   process, and the 10 s store heartbeat ("hb"). The first heartbeat of a (re)started store
//   comes ~10 s after its start, as TiKV's; in a fresh cluster (PD says so) at once.
// - Its raft/client port (20160) answers "ping" lines, so clients notice a dead or frozen store.
// - Its status port (20180) answers GET /status with 200 and an empty body.
// - SIGTERM: a graceful stop. It tells PD it is stopping (PD's evict-stopping-store moves its
//   leaders away), waits until the PD leader reports 0 leaders on it or graceful-shutdown-timeout
//   (20 s, scaled) passes, says goodbye and exits.
import { request, createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { TIMINGS } from './engine';
import { LINK_PATH, LINK_PROTOCOL, NODE_TIMINGS, every, logger, randomId, readLines, scaled, sendLine } from './node-util';

export interface TikvNodeOptions {
  name: string;
  /** PD client addresses (pd0:2379, ...). */
  pds: { host: string; port: number }[];
  host: string;
  /** Raft/client port (20160); 0 = any. */
  port: number;
  /** Status port (20180); 0 = any; -1 = none. */
  statusPort: number;
  speed: number;
  log?: (msg: string) => void;
}

interface PdLink {
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

export interface TikvNode {
  port: number;
  statusPort: number | null;
  /** Graceful stop (what SIGTERM does); resolves once it said goodbye. */
  stop(): Promise<void>;
  /** Close without goodbye (tests). */
  close(): Promise<void>;
}

export async function startTikvNode(opts: TikvNodeOptions): Promise<TikvNode> {
  const log = opts.log ?? logger(opts.name);
  const speed = opts.speed;
  const startedAt = Date.now();
  const start = Math.floor(startedAt / 1000);
  const boot = randomId();
  const pingMs = scaled(speed, NODE_TIMINGS.linkPing, 50, 1000);
  const linkTimeoutMs = scaled(speed, NODE_TIMINGS.linkTimeout, 1000);
  const retryMs = scaled(speed, 500, 100, 1000);
  const hbMs = TIMINGS.storeHeartbeat / speed;
  let nextHb = startedAt + (TIMINGS.firstHeartbeat + Math.random() * TIMINGS.firstHeartbeatJitter) / speed;
  let hbSent = false;
  let randomPhase = false;
  let stopping = false;
  let closed = false;

  // --- the raft/client port: answers pings, so clients notice a dead or frozen store --------
  const sockets = new Set<Socket>();
  const raft: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    readLines(socket, null, (msg) => {
      if (msg.t === 'ping') sendLine(socket, { t: 'pong', store: opts.name });
    });
  });
  await listen(raft, opts.port, opts.host);
  const port = addressPort(raft);

  let status: HttpServer | null = null;
  if (opts.statusPort >= 0) {
    status = createHttpServer((req, res) => {
      if (req.url === '/status' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Length': 0 });
        res.end();
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    });
    await listen(status, opts.statusPort, opts.host);
  }

  // --- links to the PDs --------------------------------------------------------------------
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
    if (closed || l.retryTimer) return;
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

  const connect = (l: PdLink, pd: { host: string; port: number }): void => {
    if (closed || l.socket || l.connecting) return;
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
      if (closed) {
        socket.destroy();
        return;
      }
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
          if (msg.fresh === true && !hbSent) {
            nextHb = Date.now();
            randomPhase = true;
          }
          if (stopping) sendLine(socket, { t: 'stopping' });
        } else if (msg.t === 'pong') {
          l.pdLeader = msg.pdLeader === true;
          l.leaders = typeof msg.leaders === 'number' ? msg.leaders : null;
        }
      });
      sendLine(socket, { t: 'hello', store: opts.name, boot, start });
    });
    req.end();
  };

  links.forEach((l, i) => connect(l, opts.pds[i]!));

  const stopTimer = every(pingMs, (now, lateBy) => {
    const frozen = lateBy > linkTimeoutMs / 2;
    const beat = now >= nextHb;
    if (beat) {
      // After a bootstrap's immediate first heartbeat, a random phase (as stores have).
      nextHb = randomPhase ? now + hbMs * (0.2 + 0.8 * Math.random()) : Math.max(nextHb + hbMs, now + hbMs / 2);
      randomPhase = false;
      hbSent = true;
    }
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
  });

  log(`TiKV ${opts.name} on :${port} (sim speed ${speed}, PD ${links.map((l) => l.pd).join(',')})`);

  const shutdown = async (graceful: boolean): Promise<void> => {
    if (closed) return;
    if (graceful && !stopping) {
      stopping = true;
      for (const l of links) if (l.socket && l.welcomed) sendLine(l.socket, { t: 'stopping' });
      const deadline = Date.now() + TIMINGS.gracefulShutdownTimeout / speed;
      let noLinkSince: number | null = null;
      for (;;) {
        const now = Date.now();
        if (now >= deadline) {
          log('graceful-shutdown-timeout: exiting with leaders left');
          break;
        }
        const leaderLink = links.find((l) => l.socket && l.welcomed && l.pdLeader);
        if (leaderLink && leaderLink.leaders === 0) {
          log('all leaders moved away: exiting');
          break;
        }
        const anyLink = links.some((l) => l.socket && l.welcomed);
        noLinkSince = anyLink ? null : (noLinkSince ?? now);
        if (noLinkSince !== null && now - noLinkSince > 1000) {
          log('no PD reachable: exiting');
          break;
        }
        await new Promise((r) => setTimeout(r, Math.max(20, Math.min(pingMs, 200))));
      }
    }
    closed = true;
    stopTimer();
    for (const l of links) {
      if (l.retryTimer) clearTimeout(l.retryTimer);
      if (graceful) drop(l, 'exit');
      else l.socket?.destroy();
    }
    for (const s of sockets) s.destroy();
    await Promise.all([close(raft), status ? close(status) : Promise.resolve()]);
  };

  return {
    port,
    statusPort: status ? addressPort(status) : null,
    stop: () => shutdown(true),
    close: () => shutdown(false)
  };
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: TcpServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function addressPort(server: TcpServer | HttpServer): number {
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}
