// Reading a file whose path anyone may have changed since it was checked (a deck rewritten, a
// deck image swapped): one handle, checked on that handle, read up to a cap and never more.
// Opened with O_NONBLOCK, so a FIFO put in its place opens at once (and is refused) instead of
// holding a thread of the pool until a writer comes. Shared by the deck reader and app://.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { capText, unreadableAs } from './file-kind';

type Refusal = { ok: false; why: 'not-file' | 'too-large' | 'replaced' | 'grew'; reason: string };
/** not-file: a folder, FIFO, device; too-large: over the cap; replaced: not the dev/ino checked; grew: past the cap while read. */
export type CheckedRead = { ok: true; body: Buffer<ArrayBuffer>; size: number } | Refusal;

/**
 * `file` opened as `what` ("deck"), checked on its handle: a regular file of at most `maxBytes`.
 * `same`: the dev and ino an earlier check saw; another file there is refused (open follows a
 * symlink put in its place, out of the folder it was checked in). On success the caller owns
 * the handle and must close it; open errors are thrown.
 */
export async function openRegularFile(
  file: string,
  what: string,
  maxBytes: number,
  same: { dev: number; ino: number } | null = null
): Promise<{ ok: true; fh: FileHandle; size: number } | Refusal> {
  const fh = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const s = await fh.stat();
    const bad = unreadableAs(s, what, maxBytes);
    const refusal: Refusal | null = bad
      ? { ok: false, why: s.isFile() ? 'too-large' : 'not-file', reason: bad }
      : same && (s.dev !== same.dev || s.ino !== same.ino)
        ? { ok: false, why: 'replaced', reason: 'another file took its place after it was checked' }
        : null;
    if (!refusal) return { ok: true, fh, size: s.size };
    await fh.close().catch(() => undefined);
    return refusal;
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

/** `file` read whole through openRegularFile, never more than `maxBytes` (+1 to see it grew). `headOnly`: checked, not read. */
export async function readRegularFile(
  file: string,
  what: string,
  maxBytes: number,
  opts: { same?: { dev: number; ino: number } | null; headOnly?: boolean } = {}
): Promise<CheckedRead> {
  const o = await openRegularFile(file, what, maxBytes, opts.same ?? null);
  if (!o.ok) return o;
  try {
    if (opts.headOnly) return { ok: true, body: Buffer.alloc(0), size: o.size };
    const body = await readAtMost(o.fh, o.size, maxBytes + 1);
    if (body.byteLength > maxBytes) return { ok: false, why: 'grew', reason: `it grew past ${capText(maxBytes)} while being read` };
    return { ok: true, body, size: o.size };
  } finally {
    await o.fh.close().catch(() => undefined);
  }
}

/** The HTTP status of a refusal: not a regular file is not found; too large or swapped, forbidden. */
export function refusalStatus(r: Refusal): 403 | 404 {
  return r.why === 'not-file' ? 404 : 403;
}

/** At most `limit` bytes from the start of the handle; room for `expected` + 1 first, more only if it grew. */
async function readAtMost(fh: FileHandle, expected: number, limit: number): Promise<Buffer<ArrayBuffer>> {
  let buf = Buffer.alloc(Math.min(expected + 1, limit));
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      if (len >= limit) break;
      const bigger = Buffer.alloc(Math.min(buf.length * 2, limit));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const { bytesRead } = await fh.read(buf, len, buf.length - len, len);
    if (bytesRead === 0) break;
    len += bytesRead;
  }
  return buf.subarray(0, len);
}
