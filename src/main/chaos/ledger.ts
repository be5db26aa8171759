// The fault ledger: every fault is written (and fsynced) before it is applied and marked
// restored after, so a crash or a quit mid-show never leaves a node dead without the app
// knowing how to bring it back. An append-only JSON-lines file: a torn last line (a crash
// mid-write) costs at most that line, never the file.
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { faultSpecSchema } from '../../shared/contract';
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

/** Parses the file's text; returns the entries and the number of unreadable lines. Pure. */
export function parseLedger(text: string): { entries: LedgerEntry[]; bad: number } {
  const entries: LedgerEntry[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = entrySchema.safeParse(JSON.parse(line));
      if (r.success) entries.push(r.data);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { entries, bad };
}

export interface Ledger {
  readonly path: string;
  append(entry: LedgerEntry): void;
  records(): LedgerRecord[];
  /** Faults not yet restored (open, or failed and maybe half-applied). */
  unresolved(scope?: string): LedgerRecord[];
}

export function openLedger(path: string): Ledger {
  mkdirSync(dirname(path), { recursive: true });
  let entries: LedgerEntry[] = [];
  try {
    const text = readFileSync(path, 'utf8');
    entries = parseLedger(text).entries;
    // A crash mid-write leaves a torn last line: end it, so the next entry starts clean.
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(path, '\n');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    appendFileSync(path, '');
  }
  return {
    path,
    append(entry: LedgerEntry): void {
      const parsed = entrySchema.parse(entry);
      // Write and fsync before returning: the caller applies the fault only after this.
      const fd = openSync(path, 'a');
      try {
        writeSync(fd, JSON.stringify(parsed) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      entries.push(parsed);
    },
    records: () => foldLedger(entries),
    unresolved: (scope?: string) =>
      foldLedger(entries).filter((r) => r.status !== 'restored' && (scope === undefined || r.scope === scope))
  };
}
