// One TiKV store as its own process (the simulator in containers). It holds no data: it is
// the liveness that PD and clients see.
// - A link to every PD (tikv-links.ts) carrying its liveness and the 10 s store heartbeat. The
//   first heartbeat of a (re)started store comes ~10 s after its start, as TiKV's; in a fresh
//   cluster (PD says so) at once.
// - Its raft/client port (20160) answers "ping" lines, so clients notice a dead or frozen store.
// - Its status port (20180) answers GET /status with 200 and an empty body.
// - SIGTERM: a graceful stop. It tells PD it is stopping (PD's evict-stopping-store moves its
//   leaders away), waits until the PD leader reports 0 leaders on it or graceful-shutdown-timeout
//   (20 s, scaled) passes, says goodbye and exits.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { TIMINGS } from '../core/model';
import { NODE_TIMINGS, every, logger, randomId, readLines, scaled, sendLine } from './node-util';
import { createPdLinks, type PdLinks } from './tikv-links';

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
  const pingMs = scaled(speed, NODE_TIMINGS.linkPing, 50, 1000);
  const linkTimeoutMs = scaled(speed, NODE_TIMINGS.linkTimeout, 1000);
  const hbMs = TIMINGS.storeHeartbeat / speed;
  let nextHb = startedAt + (TIMINGS.firstHeartbeat + Math.random() * TIMINGS.firstHeartbeatJitter) / speed;
  let hbSent = false;
  let randomPhase = false;
  let stopping = false;
  let closed = false;

  const ports = await startStorePorts(opts);
  const pd = createPdLinks({
    name: opts.name,
    pds: opts.pds,
    boot: randomId(),
    start: Math.floor(startedAt / 1000),
    linkTimeoutMs,
    retryMs: scaled(speed, 500, 100, 1000),
    closed: () => closed,
    stopping: () => stopping,
    onFreshWelcome: () => {
      if (hbSent) return;
      nextHb = Date.now();
      randomPhase = true;
    }
  });

  const stopTimer = every(pingMs, (now, lateBy) => {
    const frozen = lateBy > linkTimeoutMs / 2;
    // A fresh cluster's first heartbeat waits until a PD says it leads: PD drops a heartbeat that
    // comes before its election, and the next one would come up to 20 s after bootstrap, long
    // enough for PD's 20 s rule to call a brand-new store Disconnected (TiKV itself starts
    // serving only once PD has bootstrapped the cluster).
    const beat = now >= nextHb && !(randomPhase && !pd.links.some((l) => l.welcomed && l.pdLeader));
    if (beat) {
      // After a bootstrap's immediate first heartbeat, a random phase (as stores have).
      nextHb = randomPhase ? now + hbMs * (0.2 + 0.8 * Math.random()) : Math.max(nextHb + hbMs, now + hbMs / 2);
      randomPhase = false;
      hbSent = true;
    }
    pd.tick(now, frozen, beat);
  });

  log(`TiKV ${opts.name} on :${ports.port} (sim speed ${speed}, PD ${pd.links.map((l) => l.pd).join(',')})`);

  const shutdown = async (graceful: boolean): Promise<void> => {
    if (closed) return;
    if (graceful && !stopping) {
      stopping = true;
      for (const l of pd.links) if (l.socket && l.welcomed) sendLine(l.socket, { t: 'stopping' });
      await waitForDrain(pd, TIMINGS.gracefulShutdownTimeout / speed, pingMs, log);
    }
    closed = true;
    stopTimer();
    pd.closeAll(graceful);
    await ports.close();
  };

  return {
    port: ports.port,
    statusPort: ports.statusPort,
    stop: () => shutdown(true),
    close: () => shutdown(false)
  };
}

/**
 * A graceful stop: waits until the PD leader reports 0 leaders on this store, or no PD has
 * been reachable for 1 s, or graceful-shutdown-timeout (`timeoutMs`, wall) passes.
 */
async function waitForDrain(pd: PdLinks, timeoutMs: number, pingMs: number, log: (msg: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let noLinkSince: number | null = null;
  for (;;) {
    const now = Date.now();
    if (now >= deadline) {
      log('graceful-shutdown-timeout: exiting with leaders left');
      return;
    }
    const leaderLink = pd.links.find((l) => l.socket && l.welcomed && l.pdLeader);
    if (leaderLink && leaderLink.leaders === 0) {
      log('all leaders moved away: exiting');
      return;
    }
    const anyLink = pd.links.some((l) => l.socket && l.welcomed);
    noLinkSince = anyLink ? null : (noLinkSince ?? now);
    if (noLinkSince !== null && now - noLinkSince > 1000) {
      log('no PD reachable: exiting');
      return;
    }
    await new Promise((r) => setTimeout(r, Math.max(20, Math.min(pingMs, 200))));
  }
}

/**
 * The store's ports: raft/client (answers "ping" lines, so clients notice a dead or frozen
 * store) and status (GET /status, 200 with an empty body; none when statusPort is -1).
 */
async function startStorePorts(
  opts: TikvNodeOptions
): Promise<{ port: number; statusPort: number | null; close(): Promise<void> }> {
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
  return {
    port: addressPort(raft),
    statusPort: status ? addressPort(status) : null,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([close(raft), status ? close(status) : Promise.resolve()]);
    }
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
