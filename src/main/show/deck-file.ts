// Reading a deck file from disk, defensively: a deck may be opened from any path a view sends
// (openDeck) or rewritten while the show runs. Only regular files are read (a FIFO would hold
// a thread of the pool until someone writes to it; a directory or a device is no deck), up to
// a size cap, within a time limit. Every failure is a sentence, never a throw.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { unreadableAs } from '../file-kind';
import { readRegularFile } from '../file-read';

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
  const r = await readRegularFile(path, 'deck', maxBytes);
  if (!r.ok) return { ok: false, message: `cannot read the deck: ${r.reason}` };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(r.body) };
  } catch {
    return { ok: false, message: 'cannot read the deck: it is not UTF-8 text' };
  }
}
