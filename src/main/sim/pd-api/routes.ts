// PD's API routes over an engine: what each endpoint answers, with PD's error texts. The HTTP
// shell (server.ts) matches a request to a route, decides whether it is answered here or by
// the leader, and sends the reply.
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingMessage } from 'node:http';
import type { EngineCore } from '../core/engine-core';
import { parseGoDuration, NS_PER_MS, type GoJson } from '../core/format';
import { memberAlive, type MemberState } from '../core/model';
import type { Rng } from '../core/rng';
import {
  configJson,
  healthEntryJson,
  leaderJson,
  membersJson,
  regionStatsJson,
  regionsJson,
  replicationConfigJson,
  scheduleConfigJson,
  statusJson,
  storeInfoJson,
  storesJson
} from './pdjson';

export const API = '/pd/api/v1';

export interface Ctx {
  engine: EngineCore;
  url: URL;
  req: IncomingMessage;
  entry: MemberState;
  body: string;
}

export interface Reply {
  status: number;
  /** JSON value, or raw text with its content type. */
  json?: GoJson;
  text?: string;
}

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Served by whichever member is hit (not proxied to the leader). */
  local: boolean;
  handler: Handler;
}

export interface RouteDeps {
  /** Shuffles store lists, as PD's map iteration does. */
  orderRng: Rng;
  /** The scaled wait a frozen member costs /health, wall ms. */
  waitMs: number;
  /** /health: ping a member over the network (one member per process). */
  health?: (member: MemberState) => Promise<boolean>;
}

export const ok = (json: GoJson): Reply => ({ status: 200, json });
export const err = (status: number, message: string): Reply => ({ status, json: message });

export function pdRoutes(engine: EngineCore, deps: RouteDeps): Route[] {
  const { orderRng, waitMs } = deps;
  return [
    {
      method: 'GET',
      pattern: /^\/stores$/,
      local: false,
      handler: ({ url }) => {
        const raw = url.searchParams.getAll('state');
        let accept: number[] = [0, 1];
        if (url.searchParams.has('state')) {
          accept = [];
          for (const v of raw) {
            if (!/^[+-]?\d+$/.test(v)) return err(500, `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
            const n = Number.parseInt(v, 10);
            if (n !== 0 && n !== 1 && n !== 2) return err(500, `unknown StoreState: ${n}`);
            accept.push(n);
          }
        }
        const stores = engine.stores.filter((s) => accept.includes(s.tombstone ? 2 : 0));
        return ok(storesJson(engine, orderRng.shuffle([...stores])));
      }
    },
    {
      method: 'GET',
      pattern: /^\/stores\/check$/,
      local: false,
      handler: ({ url }) => {
        const names = ['down', 'disconnected', 'up', 'offline', 'tombstone'];
        const want: string[] = [];
        for (const v of url.searchParams.getAll('state')) {
          const lower = v.toLowerCase();
          if (lower !== '' && !names.includes(lower)) return err(400, `unknown StoreState: ${v}`);
          if (lower !== '') want.push(lower);
        }
        const stores = engine.stores.filter(
          (s) => want.length === 0 || want.includes(engine.storeStateName(s).toLowerCase())
        );
        return ok(storesJson(engine, orderRng.shuffle([...stores])));
      }
    },
    {
      method: 'GET',
      pattern: /^\/store\/([^/]+)$/,
      local: false,
      handler: ({ url }) => {
        const raw = decodeURIComponent(url.pathname.slice(`${API}/store/`.length));
        if (!/^\d+$/.test(raw)) return err(400, `strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
        const store = engine.stores.find((s) => String(s.id) === raw.replace(/^0+(?=\d)/, ''));
        if (!store) return err(404, `[PD:core:ErrStoreNotFound]store id ${raw} not found`);
        return ok(storeInfoJson(engine, store));
      }
    },
    {
      method: 'GET',
      pattern: /^\/health$/,
      local: true,
      handler: async () => {
        // CheckHealth pings each member in turn; a frozen member costs its timeout.
        const out: GoJson[] = [];
        for (const m of engine.members) {
          if (deps.health) {
            out.push(healthEntryJson(m, await deps.health(m)));
            continue;
          }
          const healthy = memberAlive(m);
          if (!healthy && m.proc !== 'exited' && waitMs > 0) await sleep(waitMs);
          out.push(healthEntryJson(m, healthy));
        }
        return ok(out);
      }
    },
    { method: 'GET', pattern: /^\/ping$/, local: true, handler: () => ({ status: 200, text: '' }) },
    { method: 'GET', pattern: /^\/status$/, local: true, handler: ({ entry }) => ok(statusJson(engine, entry)) },
    { method: 'GET', pattern: /^\/version$/, local: true, handler: () => ok({ version: 'v8.5.5' }) },
    { method: 'GET', pattern: /^\/members$/, local: false, handler: () => ok(membersJson(engine)) },
    { method: 'GET', pattern: /^\/leader$/, local: false, handler: () => ok(leaderJson(engine)) },
    { method: 'GET', pattern: /^\/config$/, local: true, handler: ({ entry }) => ok(configJson(engine, entry)) },
    { method: 'POST', pattern: /^\/config$/, local: false, handler: (ctx) => postConfig(engine, ctx.body) },
    { method: 'GET', pattern: /^\/config\/schedule$/, local: false, handler: () => ok(scheduleConfigJson(engine)) },
    { method: 'GET', pattern: /^\/config\/replicate$/, local: false, handler: () => ok(replicationConfigJson(engine)) },
    { method: 'GET', pattern: /^\/regions$/, local: false, handler: () => ok(regionsJson(engine, engine.regions)) },
    {
      method: 'GET',
      pattern: /^\/regions\/count$/,
      local: false,
      handler: () => ok({ count: engine.regions.length, regions: null })
    },
    {
      method: 'GET',
      pattern: /^\/regions\/store\/([^/]+)$/,
      local: false,
      handler: ({ url }) => {
        const raw = url.pathname.slice(`${API}/regions/store/`.length);
        if (!/^\d+$/.test(raw)) return err(400, `strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
        const store = engine.stores.find((s) => String(s.id) === raw);
        const regions = store ? engine.regions.filter((r) => r.peers.some((p) => p.store === store.index)) : [];
        return ok(regionsJson(engine, regions));
      }
    },
    { method: 'GET', pattern: /^\/stats\/region$/, local: false, handler: () => ok(regionStatsJson(engine)) }
  ];
}

/** POST /config: PD's SetConfig for the keys the simulator knows. */
function postConfig(engine: EngineCore, body: string): Reply {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch (e) {
    return err(400, e instanceof Error ? e.message : 'invalid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return err(400, 'json: cannot unmarshal into Go value of type map[string]interface {}');
  }
  for (const [k, v] of Object.entries(input)) {
    const key = k.startsWith('schedule.') ? k.slice('schedule.'.length) : k;
    if (key === 'max-store-down-time') {
      if (typeof v !== 'string') return err(400, `json: cannot unmarshal ${typeof v} into Go value of type string`);
      let ns: bigint;
      try {
        ns = parseGoDuration(v);
      } catch (e) {
        return err(400, e instanceof Error ? e.message : String(e));
      }
      engine.setMaxStoreDownTime(Number(ns / NS_PER_MS));
    } else if (key in engine.scheduleConfig) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        return err(400, `config item ${k} has an invalid value`);
      }
      engine.scheduleConfig[key] = v;
    } else {
      return err(400, `config item ${k} not found`);
    }
  }
  return ok('The config is updated.');
}
