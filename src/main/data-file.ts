// Small JSON data files in the data folder (keymap.json, rehearsals.json): a file that does not
// parse is never read as empty and then overwritten. It is moved aside as
// `<name>.damaged-<time>` and the caller gets a notice for the presenter naming where it went.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { z } from 'zod';

export interface DataFileRead<T> {
  /** The file's content; null when there is none (missing or damaged). */
  value: T | null;
  /** For the presenter: what was wrong and where the file went; null when all is well. */
  notice: string | null;
}

/** `fault-ledger.jsonl.damaged-2024-05-01T10-20-30-123Z`: sortable, and legal on every file system. */
export function damagedName(path: string, now = new Date()): string {
  return `${path}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** Moves a damaged file aside; returns the new path, or null when it could not be moved. */
export function moveAside(path: string, now = new Date()): string | null {
  let target = damagedName(path, now);
  for (let n = 2; existsSync(target); n++) target = `${damagedName(path, now)}-${n}`;
  try {
    renameSync(path, target);
    return target;
  } catch {
    return null;
  }
}

type Check<T> = { ok: true; value: T } | { ok: false; why: string };

function check<T>(text: string, schema: z.ZodType<T>): Check<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, why: `not JSON (${(e as Error).message})` };
  }
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, why: `unexpected content${issue ? ` at ${issue.path.join('.') || 'top level'}: ${issue.message}` : ''}` };
}

/** Reads and checks a JSON data file; a damaged one is moved aside, with a notice. */
export function readDataFile<T>(path: string, schema: z.ZodType<T>, what: string): DataFileRead<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { value: null, notice: null };
    return { value: null, notice: `${what} (${path}) cannot be read: ${(e as Error).message}` };
  }
  const r = check(text, schema);
  if (r.ok) return { value: r.value, notice: null };
  const moved = moveAside(path);
  const where = moved ? `moved aside to ${basename(moved)}` : 'left in place (it could not be moved aside)';
  return { value: null, notice: `${what} (${basename(path)}) was damaged: ${r.why}; ${where}, starting afresh` };
}

/**
 * Writes a JSON data file through a temporary file and a rename (never half-written). A file
 * already there that does not parse is moved aside first, never overwritten: returns the
 * notice for that, else null.
 */
export function writeDataFile<T>(path: string, schema: z.ZodType<T>, value: T, what: string): string | null {
  mkdirSync(dirname(path), { recursive: true });
  let notice: string | null = null;
  if (existsSync(path)) {
    const current = readDataFile(path, schema, what);
    notice = current.notice;
    if (notice && existsSync(path)) throw new Error(`${notice}; not overwriting it`);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  renameSync(tmp, path);
  return notice;
}
