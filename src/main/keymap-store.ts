// The presenter's own key bindings (from the key-learning screen), kept in the data folder.
// A damaged file is moved aside with a notice, never read as empty and then overwritten.
import { z } from 'zod';
import { KEY_ACTIONS, MODIFIER_KEYS, type KeyAction } from '../shared/show';
import { readDataFile, writeDataFile } from './data-file';

const schema = z.record(z.string().min(1).max(32), z.enum(KEY_ACTIONS));
const WHAT = 'The key bindings file';

/** The bindings, and a notice for the presenter when the file was damaged (and moved aside). */
export function loadKeymap(path: string): { keymap: Record<string, KeyAction>; notice: string | null } {
  const r = readDataFile(path, schema, WHAT);
  // A modifier bound by hand ({"Shift": "panic"}) would act at every Shift press: left out, said.
  const keymap = Object.fromEntries(Object.entries(r.value ?? {}).filter(([k]) => !MODIFIER_KEYS.includes(k)));
  const dropped = Object.keys(r.value ?? {}).filter((k) => MODIFIER_KEYS.includes(k));
  const ignored = dropped.length ? `${WHAT} binds ${dropped.join(', ')}: a modifier key cannot be bound, so ${dropped.length === 1 ? 'that line is' : 'those lines are'} ignored` : null;
  return { keymap, notice: [r.notice, ignored].filter(Boolean).join('; ') || null };
}

/** The bindings only; prefer loadKeymap, which also says when the file was damaged. */
export function readKeymap(path: string): Record<string, KeyAction> {
  return loadKeymap(path).keymap;
}

/** Saves the bindings; returns a notice when a damaged file had to be moved aside first. */
export function writeKeymap(path: string, keymap: Record<string, KeyAction>): string | null {
  return writeDataFile(path, schema, keymap, WHAT);
}
