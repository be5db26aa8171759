// PD's settings from resources/cluster/pd.toml, applied where they take effect. PD reads its
// [schedule] and [replication] sections (and [pd-server]) from the file only on the first boot
// of a data dir: after that they live in etcd (server/config/persist_options.go), so an edit of
// pd.toml is silently ignored on existing volumes. Here the live values are read back through
// GET /pd/api/v1/config and whatever differs is set through POST /pd/api/v1/config, the way
// pd-ctl does it. The comparison is pure; the I/O is the PD client.
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import type { PdClient } from './pd-client';

/** The sections PD persists in etcd (the rest of pd.toml is read at every start). */
export const PERSISTED_SECTIONS = ['schedule', 'replication', 'pd-server'] as const;

export type PdSettingValue = string | number | boolean;

export interface PdSetting {
  /** Dotted, as POST /config takes it: "schedule.max-merge-region-size". */
  key: string;
  value: PdSettingValue;
}

export interface PdConfigDiff {
  key: string;
  want: PdSettingValue;
  /** What GET /config says now (undefined when PD does not show the key). */
  live: unknown;
}

export interface PdConfigSync {
  /** Settings pd.toml asks for in the persisted sections. */
  wanted: PdSetting[];
  /** What differed when first read (before any change). */
  differed: PdConfigDiff[];
  /** What still differs after applying (empty when all is in line). */
  remaining: PdConfigDiff[];
  /** True when a POST /config was sent and PD accepted it. */
  applied: boolean;
  /** Why PD could not be read or set, in plain words. */
  error: string | null;
}

/** The persisted settings a pd.toml asks for. Pure. Throws on TOML that does not parse. */
export function settingsFromToml(text: string): PdSetting[] {
  const doc = parseToml(text) as Record<string, unknown>;
  const out: PdSetting[] = [];
  for (const section of PERSISTED_SECTIONS) {
    const table = doc[section];
    if (!table || typeof table !== 'object') continue;
    for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push({ key: `${section}.${k}`, value: v });
      else if (typeof v === 'bigint') out.push({ key: `${section}.${k}`, value: Number(v) });
    }
  }
  return out;
}

export function loadPdSettings(path: string): PdSetting[] {
  return settingsFromToml(readFileSync(path, 'utf8'));
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("1m", "1m0s", "30m0s", "1h30m") in ms; null if it is not one. Pure. */
export function goDurationMs(text: string): number | null {
  const t = text.trim();
  if (t === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(t)) return null;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return ms;
}

function sameValue(want: PdSettingValue, live: unknown): boolean {
  if (live === undefined || live === null) return false;
  if (typeof live === 'bigint') live = Number(live);
  if (typeof want === 'number') return Number(live) === want;
  if (typeof want === 'boolean') return String(live) === String(want);
  if (typeof live !== 'string') return false;
  const a = goDurationMs(want);
  const b = goDurationMs(live);
  if (a !== null && b !== null) return a === b;
  return want === live;
}

function liveValue(live: Record<string, unknown>, key: string): unknown {
  const [section, ...rest] = key.split('.');
  const table = live[section!];
  if (!table || typeof table !== 'object') return undefined;
  return (table as Record<string, unknown>)[rest.join('.')];
}

/**
 * The settings whose live value differs. PD shows max-merge-region-keys as its effective value
 * (0 means "size × 10000", pkg/schedule/config GetMaxMergeRegionKeys), so a wanted 0 is
 * compared with that. Pure.
 */
export function diffPdConfig(wanted: PdSetting[], live: Record<string, unknown>): PdConfigDiff[] {
  const out: PdConfigDiff[] = [];
  for (const w of wanted) {
    let want = w.value;
    if (w.key === 'schedule.max-merge-region-keys' && want === 0) {
      const size = wanted.find((x) => x.key === 'schedule.max-merge-region-size')?.value ?? liveValue(live, 'schedule.max-merge-region-size');
      want = Number(size ?? 0) * 10_000;
    }
    const now = liveValue(live, w.key);
    if (!sameValue(want, now)) out.push({ key: w.key, want: w.value, live: now });
  }
  return out;
}

/** "schedule.max-merge-region-size 20 (pd.toml: 0)". Pure. */
export function describeDiffs(diffs: PdConfigDiff[]): string {
  return diffs.map((d) => `${d.key} ${d.live === undefined ? 'not shown' : String(d.live)} (pd.toml: ${String(d.want)})`).join(', ');
}

/** The command that sets the same by hand. Pure. */
export function pdConfigCommand(pdUrl: string, diffs: PdConfigDiff[]): string {
  const body = JSON.stringify(Object.fromEntries(diffs.map((d) => [d.key, d.want])));
  return `curl -X POST ${pdUrl}/pd/api/v1/config -H 'content-type: application/json' -d '${body}'`;
}

/**
 * Reads PD's live config, and (when `apply`) sets what differs from pd.toml, then reads it
 * again to say what still differs. The budget is above PD's 3 s wait for a leader.
 */
export async function syncPdConfig(client: PdClient, wanted: PdSetting[], opts: { apply: boolean; timeoutMs?: number }): Promise<PdConfigSync> {
  const timeoutMs = opts.timeoutMs ?? 4_000;
  const result: PdConfigSync = { wanted, differed: [], remaining: [], applied: false, error: null };
  if (wanted.length === 0) return result;
  const before = await client.config({ timeoutMs });
  if (!before.ok) return { ...result, error: `could not read PD's config: ${before.error.message}` };
  result.differed = diffPdConfig(wanted, before.value);
  result.remaining = result.differed;
  if (!opts.apply || result.differed.length === 0) return result;
  const body = Object.fromEntries(result.differed.map((d) => [d.key, d.want]));
  const set = await client.postJson('/config', body, { timeoutMs });
  if (!set.ok) return { ...result, error: `PD refused the settings: ${set.error.message}` };
  result.applied = true;
  const after = await client.config({ timeoutMs });
  if (!after.ok) return { ...result, error: `could not read PD's config back: ${after.error.message}` };
  result.remaining = diffPdConfig(wanted, after.value);
  return result;
}
