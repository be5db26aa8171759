// Clicker keys, as one pure mapping used by every window (a capture listener in the browser,
// before-input-event in Electron). Clickers send PageDown/PageUp, arrows, B or '.', and F5/Esc.
// What an intent asks of main (intentToRequest) is written here once for both.
import type { RequestArgs, RequestName } from './contract';
import { MODIFIER_KEYS, type KeyAction } from './show';

export type KeyIntent =
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'blackout' }
  | { type: 'freeze' }
  | { type: 'panic' }
  /** Bring every faulted node back (safe at any time: every undo is idempotent). */
  | { type: 'restoreAll' }
  /** The clicker's start/stop button (F5 and Esc on alternate presses): toggles the talk timer. */
  | { type: 'timer' }
  /** G, a number and Enter: jump to chapter `index` (0-based). */
  | { type: 'goto'; index: number }
  /** A hazard key (reload, leave full screen, move focus): eaten, does nothing. */
  | { type: 'swallow' }
  /** Not ours: let it through. */
  | { type: 'pass' };

export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** True for auto-repeat (a held clicker button). */
  repeat?: boolean;
}

const NEXT = new Set(['PageDown', 'ArrowRight', 'ArrowDown', ' ', 'Spacebar', 'Enter', 'n', 'N']);
const PREV = new Set(['PageUp', 'ArrowLeft', 'ArrowUp', 'Backspace', 'p', 'P']);
const BLACKOUT = new Set(['b', 'B', '.']);
/** Logitech's start/stop button alternates F5 and Esc: both are one toggle, so it never drifts. */
const START_STOP = new Set(['F5', 'Escape', 'Esc', 'BrowserRefresh']);
const HAZARD = new Set(['Tab', 'F11', 'F12', 'BrowserBack', 'BrowserForward', 'ContextMenu']);

/** Holding the blackout key this long is the panic gesture. */
export const PANIC_HOLD_MS = 1500;
/** A G-jump abandoned for this long is cancelled. */
export const GOTO_TIMEOUT_MS = 4000;

function actionIntent(a: KeyAction): KeyIntent {
  return a === 'ignore' ? { type: 'swallow' } : { type: a };
}

/** One key press, without memory of earlier keys. Custom bindings win over the defaults. */
export function keyIntent(k: KeyInput, keymap: Record<string, KeyAction> = {}): KeyIntent {
  // Reload, close and zoom shortcuts must never reach the page (Ctrl/Cmd+R, Ctrl+W...).
  if (k.ctrlKey || k.metaKey) {
    const lower = k.key.toLowerCase();
    if (['r', 'w', 'q', 'l', 'p', 's', 'o', 'n', 't', '+', '-', '=', '0', '[', ']'].includes(lower)) return { type: 'swallow' };
    return { type: 'pass' };
  }
  if (k.key === 'Escape' && k.shiftKey) return k.repeat ? { type: 'swallow' } : { type: 'panic' };
  let intent: KeyIntent = { type: 'pass' };
  const bound = keymap[k.key];
  if (bound) intent = actionIntent(bound);
  else if (START_STOP.has(k.key)) intent = { type: 'timer' };
  else if (HAZARD.has(k.key)) return { type: 'swallow' };
  else if (k.altKey) return { type: 'pass' };
  else if (NEXT.has(k.key)) intent = { type: 'next' };
  else if (PREV.has(k.key)) intent = { type: 'prev' };
  else if (BLACKOUT.has(k.key)) intent = { type: 'blackout' };
  else if (k.key === 'f' || k.key === 'F') intent = { type: 'freeze' };
  else if (k.key === 'r' || k.key === 'R') intent = { type: 'restoreAll' };
  else if (k.key === 'Home') intent = { type: 'first' };
  else if (k.key === 'End') intent = { type: 'last' };
  // A held button auto-repeats: eat the repeats so one press moves one chapter.
  if (intent.type !== 'pass' && k.repeat) return { type: 'swallow' };
  return intent;
}

/** What the key tracker remembers between keys: a G-jump being typed, a key being held. */
export interface KeyTracker {
  /** Digits typed after G, or null when no jump is being typed. */
  goto: string | null;
  gotoAt: number;
  /** The blackout key being held (for the panic gesture). */
  held: { key: string; since: number; fired: boolean } | null;
}

export const initialKeyTracker: KeyTracker = { goto: null, gotoAt: 0, held: null };

export interface KeyStep {
  tracker: KeyTracker;
  intents: KeyIntent[];
  /** True when the key must be eaten (preventDefault) even if no intent came out. */
  handled: boolean;
}

/** A key went down (first press or auto-repeat). Pure. */
export function keyDown(t: KeyTracker, k: KeyInput, now: number, keymap: Record<string, KeyAction> = {}): KeyStep {
  let tracker = t.goto !== null && now - t.gotoAt > GOTO_TIMEOUT_MS ? { ...t, goto: null } : t;
  // G, digits, Enter: jump. Escape or any other key cancels the jump.
  if (!k.ctrlKey && !k.metaKey && !k.altKey) {
    if ((k.key === 'g' || k.key === 'G') && !keymap[k.key] && !k.repeat)
      return { tracker: { ...tracker, goto: '', gotoAt: now }, intents: [], handled: true };
    if (tracker.goto !== null) {
      if (/^[0-9]$/.test(k.key)) {
        if (k.repeat) return { tracker, intents: [], handled: true };
        return { tracker: { ...tracker, goto: (tracker.goto + k.key).slice(0, 3), gotoAt: now }, intents: [], handled: true };
      }
      if (k.key === 'Backspace') return { tracker: { ...tracker, goto: tracker.goto.slice(0, -1), gotoAt: now }, intents: [], handled: true };
      if (k.key === 'Enter') {
        const n = Number(tracker.goto);
        const intents: KeyIntent[] = tracker.goto !== '' && n >= 1 ? [{ type: 'goto', index: n - 1 }] : [];
        return { tracker: { ...tracker, goto: null }, intents, handled: true };
      }
      tracker = { ...tracker, goto: null };
      if (k.key === 'Escape' && !k.shiftKey) return { tracker, intents: [], handled: true };
    }
  }
  const intent = keyIntent(k, keymap);
  if (intent.type === 'blackout' && !k.repeat) tracker = { ...tracker, held: { key: k.key, since: now, fired: false } };
  const intents = intent.type === 'pass' || intent.type === 'swallow' ? [] : [intent];
  return { tracker, intents, handled: intent.type !== 'pass' };
}

const MODIFIERS = new Set(MODIFIER_KEYS);

/**
 * A key went up. Any key but a modifier ends a held blackout key: its release can come back
 * as another character (Shift+B let go after Shift is "b"; "." with Shift is ">"), and a hold
 * that missed its release would fire the panic gesture (Restore all) in the middle of a demo.
 * Pure.
 */
export function keyUp(t: KeyTracker, key: string): KeyTracker {
  return t.held && !MODIFIERS.has(key) ? { ...t, held: null } : t;
}

/** The window lost the keyboard: a key held now will never be seen going up. Pure. */
export function keysLost(t: KeyTracker): KeyTracker {
  return t.held ? { ...t, held: null } : t;
}

/** Time passed while a key is held: the blackout key held for 1.5 s is the panic gesture. Pure. */
export function keyTick(t: KeyTracker, now: number): KeyStep {
  if (t.held && !t.held.fired && now - t.held.since >= PANIC_HOLD_MS)
    return { tracker: { ...t, held: { ...t.held, fired: true } }, intents: [{ type: 'panic' }], handled: true };
  return { tracker: t, intents: [], handled: false };
}

/** An intent that becomes a request. */
export type StageIntent = Exclude<KeyIntent, { type: 'swallow' } | { type: 'pass' }>;

/** A request with its arguments, as one value. */
export type RequestCall = { [K in RequestName]: { name: K; args: RequestArgs<K> } }[RequestName];

/** The request a key intent makes; a G-jump is clamped to the deck's `total` chapters. Pure. */
export function intentToRequest(i: StageIntent, total: number): RequestCall {
  switch (i.type) {
    case 'timer':
      return { name: 'timer', args: ['toggle'] };
    case 'goto':
      return { name: 'goTo', args: [Math.max(0, Math.min(i.index, total - 1))] };
    default:
      return { name: i.type, args: [] };
  }
}

/** Makes the call through a typed sender (the page's `send`, main's dispatch). */
export function sendCall<R>(call: RequestCall, send: <K extends RequestName>(name: K, ...args: RequestArgs<K>) => R): R {
  // The union pairs each name with its own arguments; TypeScript cannot correlate them itself.
  return (send as (name: RequestName, ...args: unknown[]) => R)(call.name, ...call.args);
}
