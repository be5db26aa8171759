// Pure parsers for the PD HTTP API subset the poller reads: /stores, /members, /health,
// /regions/count and /config/replicate. They take the raw body text, never throw, and return
// either a value or one plain-words error.
//
// Why lossless-json: member_id and cluster_id exceed 2^53 (some exceed 2^63) and
// last_heartbeat is in nanoseconds (~1.8e18). JSON.parse would round them silently, so integers
// that are not safe JS numbers are parsed as bigint and every id leaves here as a decimal string.
//
// Why zod: a body of the wrong shape must not reach the map as an empty cluster. Fields PD omits
// (omitempty) get PD's defaults; fields we rely on that are present with the wrong type are a
// shape error for the whole answer.
import { isInteger, parse as parseLossless } from 'lossless-json';
import { z } from 'zod';
import { MAX_PLAUSIBLE_REPLICAS, type PdState } from '../../shared/cluster';
import type { PdMemberView, PdStoreView } from './types';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** What /members tells us, besides health (which only /health knows). */
export interface PdMembersInfo {
  clusterId: string | null;
  /** Name of the PD leader; null when PD omitted `leader` (unknown, e.g. during an election). */
  leader: string | null;
  /** Sorted by name; health is null here (the poller merges /health in). */
  members: PdMemberView[];
}

export interface PdHealthEntry {
  name: string;
  memberId: string;
  health: boolean | null;
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Safe integers become numbers, larger integers bigint (exact), everything else a float. */
function parsePdNumber(text: string): number | bigint {
  if (isInteger(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  return Number.parseFloat(text);
}

const EXCERPT_CHARS = 120;

/**
 * How much of a body an error description looks at. A body may be up to 8 MiB; an error page says
 * what it is near its top, and scanning only this much keeps every description fast.
 */
export const DESCRIBE_SCAN_CHARS = 64 * 1024;

/** The start of a body, as much of it as an error description looks at. */
export function bodyHead(text: string): string {
  return text.length > DESCRIBE_SCAN_CHARS ? text.slice(0, DESCRIBE_SCAN_CHARS) : text;
}

/** A short one-line excerpt of a body for an error message. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const start = text.trimStart();
  const cut = start.length > DESCRIBE_SCAN_CHARS;
  const flat = bodyHead(start).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : cut ? `${flat}…` : flat;
}

/**
 * The text of the first `<tag …>text</tag>` (the tag's case ignored), as
 * /<tag[^>]*>([^<]*)<\/tag>/i finds it, in linear time: that regex takes quadratic time on
 * "<tag<tag<tag…" with no ">" (80 KB of it took seconds). Pure.
 */
export function tagText(html: string, tag: string): string | undefined {
  const open = new RegExp(`<${tag}`, 'gi');
  const close = new RegExp(`</${tag}>`, 'iy');
  for (let m = open.exec(html); m !== null; m = open.exec(html)) {
    // [^>]* ends at the first '>', so every start before that '>' ends the same way.
    const gt = html.indexOf('>', m.index + m[0].length);
    if (gt < 0) return undefined;
    const lt = html.indexOf('<', gt + 1);
    if (lt < 0) return undefined;
    close.lastIndex = lt;
    if (close.test(html)) return html.slice(gt + 1, lt);
    open.lastIndex = gt + 1;
  }
  return undefined;
}

/** text.replace(/<[^>]*>/g, ' ') in linear time: that regex is quadratic on "<<<<…" with no ">". Pure. */
export function stripTags(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) break; // no tag ends after here: the rest stays as it is
    out += `${text.slice(i, lt)} `;
    i = gt + 1;
  }
  return out + text.slice(i);
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text) && /<(!doctype|html|head|body|title|h1|p|pre|center)\b/i.test(text);
}

/** Describes a body that is not the JSON we asked for, in plain words. */
export function describeNonJson(body: string): string {
  const text = bodyHead(body.trimStart());
  if (text === '') return 'an empty answer';
  if (looksLikeHtml(text)) {
    const title = tagText(text, 'title') ?? tagText(text, 'h1');
    return title && title.trim() !== '' ? `an HTML page ("${excerpt(title, 80)}")` : 'an HTML page';
  }
  return `text that is not JSON ("${excerpt(body, 80)}")`;
}

/**
 * Parses a PD body as JSON without losing big integers. `what` names the endpoint in the
 * error ("/stores"). A JSON string at the top level is how PD's handlers report errors.
 */
export function parsePdJson(body: string, what: string): ParseResult<unknown> {
  let value: unknown;
  try {
    value = parseLossless(body, null, {
      parseNumber: parsePdNumber,
      // JSON.parse semantics (last key wins) rather than lossless-json's default throw.
      onDuplicateKey: ({ newValue }) => newValue
    });
  } catch {
    return { ok: false, error: `PD's answer to ${what} is ${describeNonJson(body)}, not JSON` };
  }
  if (typeof value === 'string') {
    return { ok: false, error: `PD answered ${what} with an error: "${excerpt(value)}"` };
  }
  return { ok: true, value };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 2)
    .map((i) => {
      const path = i.path.map(String).join('.');
      return path === '' ? i.message : `${path}: ${i.message}`;
    })
    .join('; ');
}

function shaped<S extends z.ZodType>(schema: S, body: string, what: string): ParseResult<z.output<S>> {
  const json = parsePdJson(body, what);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (!result.success) {
    return { ok: false, error: `PD's answer to ${what} has an unexpected shape (${describeIssues(result.error)})` };
  }
  return { ok: true, value: result.data };
}

// ---------------------------------------------------------------------------------------------
// Field schemas

/** An id as a decimal string, exact: number, bigint, or a string of digits. */
const idSchema = z
  .union([z.number().int().nonnegative(), z.bigint().nonnegative(), z.string().trim().regex(/^\d+$/, 'a decimal id')])
  .transform((v) => (typeof v === 'string' ? BigInt(v).toString() : v.toString()));

/** A non-negative count as a number. */
const countSchema = z
  .union([z.number().int().nonnegative(), z.bigint().nonnegative()])
  .transform((v) => (typeof v === 'bigint' ? Number(v) : v));

/** An integer that may exceed 2^53 (last_heartbeat in ns), as bigint. */
const bigIntSchema = z.union([z.number().int(), z.bigint()]).transform((v) => (typeof v === 'bigint' ? v : BigInt(v)));

/** Go encodes a nil slice as null. */
function list<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);
}

// ---------------------------------------------------------------------------------------------
// Helpers

const STATE_NAMES: Record<string, PdState> = {
  up: 'up',
  disconnected: 'disconnected',
  down: 'down',
  offline: 'offline',
  tombstone: 'tombstone'
};

/**
 * PD's `state_name` (computed on every request) drives the state. When it is absent we fall back
 * to the protobuf enum `state`: omitted or 0 = Up, 1 = Offline, 2 = Tombstone.
 */
export function storeState(stateName: string | undefined, state: number | string | undefined): PdState {
  if (stateName !== undefined) return STATE_NAMES[stateName.trim().toLowerCase()] ?? 'unknown';
  if (state === undefined || state === 0 || state === 'Up') return 'up';
  if (state === 1 || state === 'Offline') return 'offline';
  if (state === 2 || state === 'Tombstone') return 'tombstone';
  return 'unknown';
}

/**
 * The host part of an address: tikv0 from tikv0:20160, ::1 from [::1]:20160, the whole string
 * for a bare host or a bare IPv6 address; a scheme or path is dropped.
 */
export function hostOfAddress(address: string): string {
  let a = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = a.indexOf('/');
  if (slash >= 0) a = a.slice(0, slash);
  const at = a.lastIndexOf('@');
  if (at >= 0) a = a.slice(at + 1);
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end > 0 ? a.slice(1, end) : a.slice(1);
  }
  const colons = a.split(':').length - 1;
  if (colons === 1) return a.slice(0, a.indexOf(':'));
  return a; // no port, or a bare IPv6 address
}

const NS_PER_MS = 1_000_000n;

function heartbeatMs(lastHeartbeatNs: bigint | undefined, lastHeartbeatTs: string | undefined): number | null {
  if (lastHeartbeatNs !== undefined && lastHeartbeatNs > 0n) return Number(lastHeartbeatNs / NS_PER_MS);
  if (lastHeartbeatTs !== undefined) {
    const ms = Date.parse(lastHeartbeatTs);
    // Go's zero time ("0001-01-01T00:00:00Z") means "never".
    if (Number.isFinite(ms) && ms > 0) return ms;
  }
  return null;
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const nameCollator = new Intl.Collator('en', { numeric: true });

// ---------------------------------------------------------------------------------------------
// /stores

const storeEntrySchema = z.object({
  store: z.object({
    id: idSchema,
    address: z.string().optional(),
    state: z.union([z.number(), z.string()]).optional(),
    state_name: z.string().optional(),
    last_heartbeat: bigIntSchema.optional()
  }),
  status: z
    .object({
      leader_count: countSchema.optional(),
      region_count: countSchema.optional(),
      last_heartbeat_ts: z.string().optional(),
      available: z.string().optional(),
      capacity: z.string().optional()
    })
    .nullable()
    .optional()
});

const storesSchema = z.object({ stores: list(storeEntrySchema) });

/** GET /pd/api/v1/stores (or /stores/check): stores sorted by numeric id. */
export function parseStores(body: string): ParseResult<PdStoreView[]> {
  const parsed = shaped(storesSchema, body, '/stores');
  if (!parsed.ok) return parsed;
  const stores = parsed.value.stores.map(({ store, status }): PdStoreView => {
    const address = store.address ?? '';
    const host = hostOfAddress(address);
    return {
      storeId: store.id,
      name: host !== '' ? host : `store-${store.id}`,
      address,
      state: storeState(store.state_name, store.state),
      leaderCount: status?.leader_count ?? 0,
      regionCount: status?.region_count ?? 0,
      lastHeartbeatMs: heartbeatMs(store.last_heartbeat, status?.last_heartbeat_ts),
      availableBytes: availableOf(status?.capacity, status?.available)
    };
  });
  stores.sort((a, b) => compareIds(a.storeId, b.storeId));
  return { ok: true, value: stores };
}

const SIZE_UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50, EiB: 2 ** 60 };

/** PD's sizes ("0B", "290.7MiB", "58.42GiB": go-units %.4g in binary units) → bytes; null if not one. */
export function parseGoSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([KMGTPE]iB|B)\s*$/i.exec(text);
  if (!m) return null;
  const unit = Object.keys(SIZE_UNITS).find((u) => u.toLowerCase() === m[2]!.toLowerCase());
  return unit === undefined ? null : Math.round(Number(m[1]) * SIZE_UNITS[unit]!);
}

/** A store's free bytes; null when PD has no stats for it (capacity "0B": no heartbeat since PD started). */
function availableOf(capacity: string | undefined, available: string | undefined): number | null {
  const cap = capacity === undefined ? null : parseGoSize(capacity);
  if (available === undefined || !cap) return null;
  return parseGoSize(available);
}

// ---------------------------------------------------------------------------------------------
// /config

/** GET /pd/api/v1/config: a JSON object (the sections are read by pd-config.ts). */
export function parseConfigObject(body: string): ParseResult<Record<string, unknown>> {
  return shaped(z.record(z.string(), z.unknown()), body, '/config');
}

// ---------------------------------------------------------------------------------------------
// /config/replicate

/** What a rejected max-replicas was, for the error: a 400-digit number or a long string is cut. */
function shown(v: unknown): string {
  const text = typeof v === 'bigint' || typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  return excerpt(text, 40);
}

/**
 * PD's max-replicas is a uint64: a whole number. A value this app cannot believe is rejected with
 * what it was, so the diagnosis never does its arithmetic on a misread answer. An integer past
 * 2^53 arrives as bigint (exact): too large, whatever it is.
 */
const maxReplicasSchema = z
  .union([z.number(), z.bigint()], { error: (iss) => (iss.input === undefined ? 'missing' : `not a number (${shown(iss.input)})`) })
  .refine((v) => typeof v === 'bigint' || Number.isInteger(v), { error: (iss) => `not a whole number (${shown(iss.input)})`, abort: true })
  .refine((v) => v >= 1, { error: (iss) => `below 1 (${shown(iss.input)})`, abort: true })
  .refine((v) => v <= MAX_PLAUSIBLE_REPLICAS, { error: (iss) => `above ${MAX_PLAUSIBLE_REPLICAS}, not a plausible replica count (${shown(iss.input)})` })
  .transform((v) => Number(v));

const replicateSchema = z.object({ 'max-replicas': maxReplicasSchema });

/** GET /pd/api/v1/config/replicate: `{"max-replicas": 3, "location-labels": "", …}` → 3. */
export function parseMaxReplicas(body: string): ParseResult<number> {
  const parsed = shaped(replicateSchema, body, '/config/replicate');
  if (!parsed.ok) return parsed;
  return { ok: true, value: parsed.value['max-replicas'] };
}

// ---------------------------------------------------------------------------------------------
// /members

const memberSchema = z.object({
  name: z.string().optional(),
  member_id: idSchema.optional(),
  client_urls: list(z.string()).optional(),
  peer_urls: list(z.string()).optional()
});

const membersSchema = z.object({
  header: z.object({ cluster_id: idSchema.optional() }).nullable().optional(),
  members: list(memberSchema),
  leader: memberSchema.nullable().optional()
});

type RawMember = z.output<typeof memberSchema>;

/** A member's name; an unstarted etcd member has none, so fall back to its URL's host or id. */
function memberName(m: RawMember): string {
  if (m.name !== undefined && m.name.trim() !== '') return m.name.trim();
  const url = m.client_urls?.[0] ?? m.peer_urls?.[0];
  if (url !== undefined) {
    const host = hostOfAddress(url);
    if (host !== '') return host;
  }
  return `member-${m.member_id ?? '?'}`;
}

/** GET /pd/api/v1/members: members sorted by name, the leader's name, the cluster id. */
export function parseMembers(body: string): ParseResult<PdMembersInfo> {
  const parsed = shaped(membersSchema, body, '/members');
  if (!parsed.ok) return parsed;
  const { header, members, leader } = parsed.value;
  const leaderId = leader?.member_id;
  const leaderName = leader ? memberName(leader) : null;
  const views = members.map((m): PdMemberView => {
    const name = memberName(m);
    const isLeader =
      leader !== null && leader !== undefined && (leaderId !== undefined && m.member_id !== undefined ? leaderId === m.member_id : leaderName === name);
    return { memberId: m.member_id ?? '', name, health: null, isLeader };
  });
  views.sort((a, b) => nameCollator.compare(a.name, b.name) || compareIds(a.memberId || '0', b.memberId || '0'));
  return {
    ok: true,
    value: { clusterId: header?.cluster_id ?? null, leader: leaderName, members: views }
  };
}

// ---------------------------------------------------------------------------------------------
// /health

const healthSchema = list(
  z.object({
    name: z.string().optional(),
    member_id: idSchema.optional(),
    client_urls: list(z.string()).optional(),
    health: z.boolean().optional()
  })
);

/** GET /pd/api/v1/health: one entry per member, sorted by name. */
export function parseHealth(body: string): ParseResult<PdHealthEntry[]> {
  const parsed = shaped(healthSchema, body, '/health');
  if (!parsed.ok) return parsed;
  const entries = parsed.value.map(
    (h): PdHealthEntry => ({ name: memberName(h), memberId: h.member_id ?? '', health: h.health ?? null })
  );
  entries.sort((a, b) => nameCollator.compare(a.name, b.name));
  return { ok: true, value: entries };
}

// ---------------------------------------------------------------------------------------------
// /regions/count

const regionCountSchema = z.object({ count: countSchema });

/** GET /pd/api/v1/regions/count: `{"count": N, "regions": null}`. */
export function parseRegionCount(body: string): ParseResult<number> {
  const parsed = shaped(regionCountSchema, body, '/regions/count');
  if (!parsed.ok) return parsed;
  return { ok: true, value: parsed.value.count };
}

// ---------------------------------------------------------------------------------------------
// Merging /health into /members

/**
 * Overlays /health onto the members from /members (matched by member id, else by name). When
 * /members never answered, the members come from /health alone (leader unknown).
 */
export function mergeHealth(members: PdMemberView[], health: PdHealthEntry[] | null): PdMemberView[] {
  if (health === null) return members;
  if (members.length === 0) {
    return health.map((h) => ({ memberId: h.memberId, name: h.name, health: h.health, isLeader: false }));
  }
  return members.map((m) => {
    const h =
      (m.memberId !== '' ? health.find((e) => e.memberId === m.memberId) : undefined) ??
      health.find((e) => e.name === m.name);
    return { ...m, health: h ? h.health : null };
  });
}
