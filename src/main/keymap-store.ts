// The presenter's own key bindings (from the key-learning screen), kept in the data folder.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { KEY_ACTIONS, type KeyAction } from '../shared/show';

const schema = z.record(z.string().min(1).max(32), z.enum(KEY_ACTIONS as [KeyAction, ...KeyAction[]]));

export function readKeymap(path: string): Record<string, KeyAction> {
  try {
    const r = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

export function writeKeymap(path: string, keymap: Record<string, KeyAction>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(keymap, null, 2));
}
