// A PD process's links from the TiKV processes (GET /sim/v1/link, upgraded to newline-delimited
// JSON): what this PD knows about TiKV it learns from them.
// - a link that closes without a goodbye is a process that died (docker kill: the kernel
//   closes its sockets, so peers see the reset at once): its regions elect new leaders after
//   U[10, 20) s;
// - a link that goes silent (docker pause, network disconnect) is noticed after a timeout, and
//   the election is counted from the last message: U[15, 35) s;
// - "ping" messages (every ~1 s) carry that liveness; "hb" messages are the 10 s store
//   heartbeats that PD's state_name comes from.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { LinkedEngine } from '../core/linked-engine';
import { STORE_DEFS } from '../core/model';
import { LINK_PATH, LINK_PROTOCOL, readLines, sendLine } from './node-util';

interface StoreLink {
  socket: Socket;
  store: string | null;
  boot: string;
  start: number;
  bye: 'exit' | 'reconnect' | null;
}

interface StoreView {
  link: StoreLink | null;
  /** Boot id of the TiKV process last linked (null: never linked to this PD). */
  boot: string | null;
  lastSeen: number;
  /** The engine was told the store is gone (link reset, timeout or goodbye). */
  lost: boolean;
}

export interface StoreLinksOptions {
  engine: LinkedEngine;
  log: (msg: string) => void;
  bootAt: number;
  /** Silence after which a store is unreachable, wall ms. */
  linkTimeoutMs: number;
  /** A store that never linked by bootAt + bootGraceMs is not running. */
  bootGraceMs: number;
  /** This PD process is closing: refuse new links. */
  closed: () => boolean;
  /** This PD has mirrored a leader's region cache (not a fresh cluster any more). */
  synced: () => boolean;
  /** This PD is the leader (pongs say so, so a stopping TiKV knows whose count to trust). */
  isLeader: () => boolean;
}

export interface StoreLinks {
  /** The PD server's HTTP upgrade handler. */
  onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
  /** Periodic check for silent links (`lateBy`: how late this timer fired, wall ms). */
  checkStores(now: number, lateBy: number): void;
  /** Drops every link (the PD process closes). */
  closeAll(): void;
}

export function createStoreLinks(opts: StoreLinksOptions): StoreLinks {
  const { engine, log, linkTimeoutMs } = opts;
  const stores = new Map<string, StoreView>(
    STORE_DEFS.map((d) => [
      d.name,
      { link: null, boot: null, lastSeen: opts.bootAt + opts.bootGraceMs - linkTimeoutMs, lost: false }
    ])
  );

  const touch = (view: StoreView, name: string, link: StoreLink, now: number): void => {
    view.lastSeen = now;
    if (view.lost && view.link === link) {
      view.lost = false;
      engine.storeLinked(name, link.start, false);
      log(`${name} reachable again`);
    }
  };

  const onLinkMessage = (link: StoreLink, msg: Record<string, unknown>): void => {
    const now = Date.now();
    engine.advance(now);
    if (msg.t === 'hello') {
      const name = typeof msg.store === 'string' ? msg.store : '';
      const view = stores.get(name);
      const boot = typeof msg.boot === 'string' ? msg.boot : '';
      const start = typeof msg.start === 'number' && Number.isFinite(msg.start) ? Math.floor(msg.start) : Math.floor(now / 1000);
      if (!view || !boot) {
        link.socket.destroy();
        return;
      }
      const old = view.link;
      view.link = link;
      if (old && old !== link) old.socket.destroy();
      link.store = name;
      link.boot = boot;
      link.start = start;
      const prevBoot = view.boot;
      view.boot = boot;
      view.lastSeen = now;
      const state = engine.describe(name);
      // Bootstrap: a fresh cluster's stores are running from the start; their first heartbeat
      // comes at once. A store that (re)starts later heartbeats ~10 s after its start.
      const fresh = prevBoot === null && !opts.synced() && state.state === 'running' && !state.partitioned;
      const restarted = prevBoot !== null && prevBoot !== boot;
      engine.storeLinked(name, start, restarted);
      const how = restarted ? 'a restarted process' : prevBoot === null ? (fresh ? 'bootstrap' : 'first link') : 'same process';
      if (view.lost || restarted || prevBoot === null) log(`${name} linked (${how})`);
      view.lost = false;
      sendLine(link.socket, { t: 'welcome', fresh });
      return;
    }
    const name = link.store;
    const view = name ? stores.get(name) : undefined;
    if (!name || !view || view.link !== link) return;
    switch (msg.t) {
      case 'ping':
        touch(view, name, link, now);
        sendLine(link.socket, { t: 'pong', leaders: engine.storeLeaderCount(name), pdLeader: opts.isLeader() });
        break;
      case 'hb':
        touch(view, name, link, now);
        engine.storeHeartbeat(name);
        break;
      case 'stopping':
        touch(view, name, link, now);
        log(`${name} is stopping: draining its leaders`);
        engine.stop(name);
        break;
      case 'bye':
        link.bye = msg.exit === true ? 'exit' : 'reconnect';
        if (link.bye === 'exit') {
          view.lost = true;
          engine.storeLinkLost(name, 'exit');
          log(`${name} exited`);
        }
        break;
      default:
        break;
    }
  };

  const onLinkClose = (link: StoreLink): void => {
    const name = link.store;
    const view = name ? stores.get(name) : undefined;
    if (!name || !view || view.link !== link) return;
    view.link = null;
    if (link.bye !== null) return; // an announced exit (handled) or a reconnect
    engine.advance(Date.now());
    if (!view.lost) {
      view.lost = true;
      engine.storeLinkLost(name, 'exit');
      log(`${name}: link reset (the process died)`);
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://pd').pathname;
    if (opts.closed() || path !== LINK_PATH || String(req.headers.upgrade ?? '').toLowerCase() !== LINK_PROTOCOL) {
      socket.destroy();
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${LINK_PROTOCOL}\r\nConnection: Upgrade\r\n\r\n`);
    socket.setNoDelay(true);
    const link: StoreLink = { socket, store: null, boot: '', start: 0, bye: null };
    socket.on('error', () => undefined);
    socket.on('close', () => onLinkClose(link));
    readLines(socket, head, (msg) => onLinkMessage(link, msg));
  };

  const checkStores = (now: number, lateBy: number): void => {
    engine.advance(now);
    if (lateBy > linkTimeoutMs / 2) {
      // This process was frozen: the silence was ours. Give every link a fresh chance.
      for (const v of stores.values()) if (!v.lost) v.lastSeen = Math.max(v.lastSeen, now);
      return;
    }
    for (const [name, v] of stores) {
      if (v.lost || now - v.lastSeen <= linkTimeoutMs) continue;
      v.lost = true;
      if (v.boot === null) {
        // Never linked since this PD started: the process is not running.
        engine.storeLinkLost(name, 'exit');
        log(`${name} never linked: not running`);
      } else {
        engine.storeLinkLost(name, 'timeout', v.lastSeen);
        log(`${name} silent for ${Math.round(now - v.lastSeen)} ms: unreachable`);
      }
    }
  };

  return {
    onUpgrade,
    checkStores,
    closeAll: () => {
      for (const v of stores.values()) v.link?.socket.destroy();
    }
  };
}
