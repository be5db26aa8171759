// Reading a deck file from disk, defensively: a deck may be opened from any path a view sends
// (openDeck) or rewritten while the show runs. Only regular files are read (a FIFO would hold
// a thread of the pool until someone writes to it; a directory or a device is no deck), up to
// a size cap, within a time limit. Every failure is a sentence, never a throw.
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { unreadableAs } from '../file-kind';

/** Decks are Markdown: 2 MB is far beyond any talk, and keeps every state broadcast small. */
export const DECK_MAX_BYTES = 2 * 1024 * 1024;
export const DECK_READ_TIMEOUT_MS = 5000;

export type DeckText = { ok: true; text: string } | { ok: false; message: string };

const checkStats = (s: Stats, maxBytes: number): string | null => unreadableAs(s, 'deck', maxBytes);

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Reads a deck's text (UTF-8), or says why it cannot. */
export async function readDeckText(path: string, opts: { maxBytes?: number; timeoutMs?: number } = {}): Promise<DeckText> {
  const maxBytes = opts.maxBytes ?? DECK_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? DECK_READ_TIMEOUT_MS;
  const fail = (message: string): DeckText => ({ ok: false, message: `cannot read the deck: ${message}` });
  // Checked before opening: opening a FIFO for reading blocks until a writer comes.
  try {
    const bad = checkStats(await stat(path), maxBytes);
    if (bad) return fail(bad);
  } catch (e) {
    return fail(why(e));
  }
  let timer: NodeJS.Timeout | null = null;
  const timeout = new Promise<DeckText>((ok) => {
    timer = setTimeout(() => ok(fail(`reading took longer than ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([readChecked(path, maxBytes).catch((e: unknown) => fail(why(e))), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function readChecked(path: string, maxBytes: number): Promise<DeckText> {
  // O_NONBLOCK: if the file was swapped for a FIFO since stat, opening it still returns at once.
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const bad = checkStats(await fh.stat(), maxBytes);
    if (bad) return { ok: false, message: `cannot read the deck: ${bad}` };
    const buf = Buffer.alloc(maxBytes + 1);
    let len = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, len, buf.length - len, len);
      if (bytesRead === 0) break;
      len += bytesRead;
      if (len > maxBytes)
        return { ok: false, message: `cannot read the deck: it grew past ${Math.round(maxBytes / 1024 / 1024)} MB while being read` };
    }
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, len)) };
    } catch {
      return { ok: false, message: 'cannot read the deck: it is not UTF-8 text' };
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}
