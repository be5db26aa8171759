// The ycsb process's view of the stores: each store's client port is probed over a kept-open
// connection. A killed store resets it at once (down at once); a frozen or cut-off one stops
// answering and is down after the probe timeout; a new connection is tried after a retry delay.
import { connect as netConnect, type Socket } from 'node:net';
import { every, readLines, sendLine } from './node-util';

interface Probe {
  name: string;
  socket: Socket | null;
  connecting: boolean;
  up: boolean;
  upSince: number;
  lastPong: number;
  retry: NodeJS.Timeout | null;
}

export interface StoreProbesOptions {
  /** Client port of the stores (20160). */
  tikvPort: number;
  /** Address overrides by store name (tests outside Docker). */
  tikvAddrs?: Map<string, { host: string; port: number }>;
  probeMs: number;
  probeTimeoutMs: number;
  retryMs: number;
  log: (msg: string) => void;
}

export interface StoreProbes {
  /** Starts probing the store unless it already is. */
  ensure(name: string): void;
  /** The store answers its client port. */
  reachable(name: string): boolean;
  /** Wall ms since which it answers (0 when never). */
  upSince(name: string): number;
  anyUp(): boolean;
  stop(): void;
}

export function createStoreProbes(opts: StoreProbesOptions): StoreProbes {
  const { log, probeTimeoutMs, retryMs } = opts;
  const probes = new Map<string, Probe>();
  let closed = false;

  const setDown = (p: Probe): void => {
    if (p.up) log(`${p.name} unreachable`);
    p.up = false;
  };

  const startProbe = (name: string): void => {
    const p: Probe = { name, socket: null, connecting: false, up: false, upSince: 0, lastPong: 0, retry: null };
    probes.set(name, p);
    connectProbe(p);
  };

  const connectProbe = (p: Probe): void => {
    if (closed || p.socket || p.connecting) return;
    p.connecting = true;
    const addr = opts.tikvAddrs?.get(p.name) ?? { host: p.name, port: opts.tikvPort };
    const socket = netConnect({ host: addr.host, port: addr.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(), Math.max(probeTimeoutMs, 500));
    socket.on('connect', () => {
      clearTimeout(timer);
      p.connecting = false;
      p.socket = socket;
      p.lastPong = Date.now();
      sendLine(socket, { t: 'ping' });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      p.connecting = false;
      if (p.socket === socket || p.socket === null) {
        p.socket = null;
        setDown(p);
      }
      if (!closed && !p.retry) {
        p.retry = setTimeout(() => {
          p.retry = null;
          connectProbe(p);
        }, retryMs);
      }
    });
    readLines(socket, null, (msg) => {
      if (msg.t !== 'pong' || p.socket !== socket) return;
      const now = Date.now();
      p.lastPong = now;
      if (!p.up) {
        p.up = true;
        p.upSince = now;
        log(`${p.name} reachable`);
      }
    });
  };

  const stopProbes = every(opts.probeMs, (now, lateBy) => {
    for (const p of probes.values()) {
      if (!p.socket) continue;
      if (lateBy > probeTimeoutMs / 2) p.lastPong = now;
      if (now - p.lastPong > probeTimeoutMs) {
        // No answer: a frozen or cut-off store. Start over with a new connection.
        setDown(p);
        const s = p.socket;
        p.socket = null;
        s.destroy();
        continue;
      }
      sendLine(p.socket, { t: 'ping' });
    }
  });

  return {
    ensure: (name) => {
      if (!probes.has(name)) startProbe(name);
    },
    reachable: (name) => probes.get(name)?.up ?? false,
    upSince: (name) => probes.get(name)?.upSince ?? 0,
    anyUp: () => [...probes.values()].some((p) => p.up),
    stop: () => {
      closed = true;
      stopProbes();
      for (const p of probes.values()) {
        if (p.retry) clearTimeout(p.retry);
        p.socket?.destroy();
      }
    }
  };
}
