// Files opened from a path anyone may send (a deck, a recording) are read only when they are
// regular files under a size cap: a FIFO blocks the reader until a writer comes, a device such
// as /dev/zero never ends. The refusal in plain words, shared by every such reader.
import type { Stats } from 'node:fs';

const MiB = 1024 * 1024;

/** What a path is, in words, when it is not a regular file. Pure. */
export function fileKind(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A size cap in words: "2 MB", "64 MB", "1.5 MB". Pure. */
export function capText(maxBytes: number): string {
  return `${+(maxBytes / MiB).toFixed(1)} MB`;
}

/** Why a file cannot be read as `what` ("deck"): not a regular file, or over maxBytes; null when it can. Pure. */
export function unreadableAs(s: Stats, what: string, maxBytes: number): string | null {
  if (!s.isFile()) return `it is ${fileKind(s)}, not a ${what} file`;
  if (s.size > maxBytes) return `it is ${(s.size / MiB).toFixed(1)} MB; a ${what} may be at most ${capText(maxBytes)}`;
  return null;
}
