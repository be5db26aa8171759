// The fault ledger: every fault is written (and fsynced) before it is applied and marked
// restored after, so a crash or a quit mid-show never leaves a node dead without the app
// knowing how to bring it back. An append-only JSON-lines file: a torn or unreadable line is
// never dropped in silence: it is counted, the file is kept aside and a clean one started.
import { appendFileSync, closeSync, rmSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { faultSpecSchema } from '../../shared/contract';
import { moveAside } from '../data-file';
import type { FaultRecord } from '../../shared/show';

const entrySchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('open'),
    id: z.string(),
    spec: faultSpecSchema,
    node: z.string(),
    /** Which cluster the fault belongs to (compose project, or "sim"). */
    scope: z.string(),
    at: z.number()
  }),
  z.object({ op: z.literal('restored'), id: z.string(), at: z.number() }),
  z.object({ op: z.literal('failed'), id: z.string(), at: z.number(), error: z.string() })
]);
export type LedgerEntry = z.infer<typeof entrySchema>;

export interface LedgerRecord extends FaultRecord {
  scope: string;
}

/** Folds ledger entries into fault records, in injection order. Pure. */
export function foldLedger(entries: LedgerEntry[]): LedgerRecord[] {
  const byId = new Map<string, LedgerRecord>();
  for (const e of entries) {
    if (e.op === 'open') {
      byId.set(e.id, {
        id: e.id,
        spec: e.spec,
        node: e.node,
        scope: e.scope,
        injectedAt: e.at,
        restoredAt: null,
        status: 'open',
        error: null
      });
      continue;
    }
    const r = byId.get(e.id);
    if (!r) continue;
    if (e.op === 'restored') {
      r.status = 'restored';
      r.restoredAt = e.at;
      r.error = null;
    } else {
      // A failed apply may still have half-happened: it stays to be undone, marked failed.
      r.status = 'failed';
      r.error = e.error;
    }
  }
  return [...byId.values()];
}

/** A live ledger outlives every run: past this many lines it is rewritten at open (see compactLedger). */
export const COMPACT_OVER_LINES = 2000;
/** Restored faults kept by a compaction, the newest ones (open and failed faults are always kept). */
export const COMPACT_KEEP_RESTORED = 200;

/**
 * The entries worth keeping: every entry of a fault not yet restored, and of the newest
 * `keepRestored` restored ones; lines about a fault the ledger never opened go. Pure.
 */
export function compactLedger(entries: LedgerEntry[], keepRestored = COMPACT_KEEP_RESTORED): LedgerEntry[] {
  const records = foldLedger(entries);
  const keep = new Set(records.filter((r) => r.status !== 'restored').map((r) => r.id));
  const restored = records.filter((r) => r.status === 'restored');
  for (const r of restored.slice(Math.max(0, restored.length - keepRestored))) keep.add(r.id);
  return entries.filter((e) => keep.has(e.id));
}

/** Node names a damaged line still mentions: what the presenter should check by hand. */
const NODE_MENTION = /\b(?:tikv|pd)\d{1,4}\b/g;

/**
 * Parses the file's text; returns the entries, the number of unreadable lines and the node
 * names those lines mention. Pure; never throws, whatever the bytes.
 */
export function parseLedger(text: string): { entries: LedgerEntry[]; bad: number; mentioned: string[] } {
  const entries: LedgerEntry[] = [];
  const mentioned = new Set<string>();
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let ok = false;
    try {
      const r = entrySchema.safeParse(JSON.parse(line));
      if (r.success) {
        entries.push(r.data);
        ok = true;
      }
    } catch {
      // counted below
    }
    if (ok) continue;
    bad++;
    for (const m of line.slice(0, 4096).match(NODE_MENTION) ?? []) mentioned.add(m);
  }
  return { entries, bad, mentioned: [...mentioned].sort() };
}

/** What was found wrong with the ledger file when it was opened. */
export interface LedgerDamage {
  /** Unreadable lines. */
  lines: number;
  /** Where the damaged file went (`fault-ledger.jsonl.damaged-<time>`); null if it could not be moved. */
  movedTo: string | null;
  /** Entries that could be read, kept in the clean ledger. */
  readable: number;
  /** Faults still open among the readable entries. */
  open: LedgerRecord[];
  /** Node names that the unreadable lines mention (check these by hand; Restore all revives them). */
  mentioned: string[];
}

/** One sentence for the presenter view and preflight. */
export function describeLedgerDamage(d: LedgerDamage): string {
  const where = d.movedTo ? `the damaged file is kept as ${basename(d.movedTo)}` : 'the damaged file could not be moved aside';
  const nodes = d.mentioned.length ? `; the unreadable lines mention ${d.mentioned.join(', ')}` : '';
  const open = d.open.length ? `; open faults read: ${d.open.map((r) => `${r.spec.kind} ${r.node}`).join(', ')}` : '';
  return `Fault ledger: ${d.lines} unreadable line${d.lines === 1 ? '' : 's'} (${d.readable} read)${nodes}${open}; ${where}. Press Restore all to bring every node back.`;
}

export interface Ledger {
  readonly path: string;
  append(entry: LedgerEntry): void;
  records(): LedgerRecord[];
  /** Faults not yet restored (open, or failed and maybe half-applied). */
  unresolved(scope?: string): LedgerRecord[];
  /** What was wrong with the file when it was opened; null when it read cleanly. */
  damage(): LedgerDamage | null;
}

function writeSynced(path: string, text: string, flags: 'a' | 'w'): void {
  const fd = openSync(path, flags);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Moves a damaged ledger aside and starts a clean one with the readable entries. */
function quarantine(path: string, entries: LedgerEntry[], bad: number, mentioned: string[]): LedgerDamage {
  const movedTo = moveAside(path);
  // If it could not be moved, it is not rewritten either: nothing on disk is ever lost.
  if (movedTo) writeSynced(path, entries.map((e) => JSON.stringify(e) + '\n').join(''), 'w');
  const open = foldLedger(entries).filter((r) => r.status !== 'restored');
  return { lines: bad, movedTo, readable: entries.length, open, mentioned };
}

/**
 * Compacts the file through a temporary file and a rename, so a crash leaves either the old
 * ledger or the new one. If that fails, or the file grew since it was read (another process,
 * e.g. a second app on the same data folder, appended a fault), the old file and every entry
 * stay as they were.
 */
function rewrite(path: string, entries: LedgerEntry[], sizeRead: number): LedgerEntry[] {
  const kept = compactLedger(entries);
  const tmp = `${path}.compact-${process.pid}`;
  try {
    writeSynced(tmp, kept.map((e) => JSON.stringify(e) + '\n').join(''), 'w');
    if (statSync(path).size !== sizeRead) throw new Error('the ledger changed while it was compacted');
    renameSync(tmp, path);
    return kept;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the old ledger is untouched either way
    }
    return entries;
  }
}

export interface LedgerOptions {
  /** Compact a ledger grown past COMPACT_OVER_LINES (the app's own live ledger; never a reader like preflight). */
  compact?: boolean;
}

export function openLedger(path: string, opts: LedgerOptions = {}): Ledger {
  mkdirSync(dirname(path), { recursive: true });
  let entries: LedgerEntry[] = [];
  let damage: LedgerDamage | null = null;
  try {
    const bytes = readFileSync(path);
    const text = bytes.toString('utf8');
    let size = bytes.length; // what this process knows of; compaction checks nobody appended since
    const parsed = parseLedger(text);
    entries = parsed.entries;
    if (parsed.bad > 0) damage = quarantine(path, entries, parsed.bad, parsed.mentioned);
    // A crash mid-write leaves a torn last line: end it, so the next entry starts clean.
    else if (text.length > 0 && !text.endsWith('\n')) {
      appendFileSync(path, '\n');
      size += 1;
    }
    if (opts.compact && !damage && entries.length > COMPACT_OVER_LINES) entries = rewrite(path, entries, size);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    appendFileSync(path, '');
  }
  return {
    path,
    append(entry: LedgerEntry): void {
      const parsed = entrySchema.parse(entry);
      // Write and fsync before returning: the caller applies the fault only after this.
      writeSynced(path, JSON.stringify(parsed) + '\n', 'a');
      entries.push(parsed);
    },
    records: () => foldLedger(entries),
    unresolved: (scope?: string) =>
      foldLedger(entries).filter((r) => r.status !== 'restored' && (scope === undefined || r.scope === scope)),
    damage: () => damage
  };
}

/**
 * Opens the fault ledger. A ledger that cannot be opened (no permission, a folder in its
 * place) turns chaos off with a reason rather than stopping the show: a fault that could not
 * be recorded must never be injected.
 */
export function openLedgerSafely(path: string, what = 'the fault ledger', opts: LedgerOptions = {}): { ledger: Ledger | null; ledgerError: string | null } {
  try {
    return { ledger: openLedger(path, opts), ledgerError: null };
  } catch (e) {
    return { ledger: null, ledgerError: `${what} ${path} cannot be opened (${(e as Error).message}); faults are off until it can` };
  }
}

/** A ledger started afresh (a cluster that cannot outlive this run: the simulator, a replay). */
export function openFreshLedger(path: string, what?: string): { ledger: Ledger | null; ledgerError: string | null } {
  try {
    rmSync(path, { force: true });
  } catch {
    // openLedgerSafely says what is wrong with that path
  }
  return openLedgerSafely(path, what);
}
