// Clicker and keyboard handling for every view: one capture-phase keydown listener on the
// window, driven by the shared key tracker (src/shared/keys.ts: next/prev, blackout, F5/Esc
// as one timer toggle, G-number-Enter jumps, holding the blackout key = panic, the
// presenter's learned bindings). DOM-free so it can be tested in Node.
//
// Two presenter-only modes sit in front of the tracker:
// - capturing (the key-learning screen): every key is recorded and eaten, none drives the
//   show, and reload keys (F5, Ctrl+R) still never reach the browser;
// - editing (a text field the presenter clicked into, e.g. the deck path): typing goes to the
//   field, but reload/focus hazards are still eaten, Escape leaves the field, and the clicker's
//   PageDown/PageUp leave the field and drive the show as usual.
import { initialKeyTracker, keyDown, keyIntent, keyTick, keyUp, type KeyIntent, type KeyTracker, type StageIntent } from '../../../shared/keys';
import { MODIFIER_KEYS, type KeyAction } from '../../../shared/show';

export type { StageIntent } from '../../../shared/keys';

export interface KeyEventLike {
  key: string;
  /** Physical key (KeyboardEvent.code); shown on the key-learning screen. */
  code?: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat: boolean;
  preventDefault(): void;
  stopPropagation(): void;
}

/** A key as the key-learning screen shows it. */
export interface KeySeen {
  key: string;
  code: string;
  repeat: boolean;
  /** "Shift", "Ctrl+Shift", or "" */
  mods: string;
  at: number;
}

export interface KeyController {
  /** keydown (capture phase). */
  down(e: KeyEventLike): void;
  /** keyup. */
  up(e: { key: string }): void;
  /** Call while a key is held (see `holding`): the long-press panic fires from here. */
  tick(): void;
  /** True while a key that can become a long press is down. */
  holding(): boolean;
  /** The window lost focus: a key-up may never come, so forget held keys. */
  reset(): void;
}

export interface KeyControllerHooks {
  /** The key-learning screen is capturing: record keys, never drive the show. */
  capturing?: () => boolean;
  onCapture?: (k: KeySeen) => void;
  /** A text field has the focus: let typing through. */
  editing?: () => boolean;
  /** Leave the text field (Escape, or a clicker key). */
  endEditing?: () => void;
  /** The G-jump being typed: digits so far, or null when none. */
  onGoto?: (digits: string | null) => void;
}

const MODIFIERS = new Set(MODIFIER_KEYS);

/** Keys that only a clicker sends while someone types: they leave the field and drive the show. */
const CLICKER_WHILE_EDITING = new Set(['PageDown', 'PageUp']);
/** Keys a text field must never get: they reload, leave full screen or move the focus. */
const EDIT_HAZARDS = new Set(['F5', 'F11', 'F12', 'Tab', 'BrowserRefresh', 'BrowserBack', 'BrowserForward']);

export function modsText(e: Pick<KeyEventLike, 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>): string {
  return [e.ctrlKey && 'Ctrl', e.metaKey && 'Meta', e.altKey && 'Alt', e.shiftKey && 'Shift'].filter(Boolean).join('+');
}

/** Newest first, at most `max`. */
export function pushSeen(list: readonly KeySeen[], k: KeySeen, max = 8): KeySeen[] {
  return [k, ...list].slice(0, max);
}

/** What a key does right now, in words, for the key-learning screen ("next", "nothing (passed to the page)"). */
export function keyMeaning(k: Pick<KeySeen, 'key' | 'repeat' | 'mods'>, keymap: Record<string, KeyAction>): string {
  const mods = k.mods.split('+');
  const intent = keyIntent(
    { key: k.key, repeat: k.repeat, shiftKey: mods.includes('Shift'), ctrlKey: mods.includes('Ctrl'), metaKey: mods.includes('Meta'), altKey: mods.includes('Alt') },
    keymap
  );
  if (k.key === 'g' || k.key === 'G') return keymap[k.key] ? String(keymap[k.key]) : 'go to chapter (G, number, Enter)';
  switch (intent.type) {
    case 'pass':
      return 'nothing';
    case 'swallow':
      return k.repeat ? 'nothing (auto-repeat is ignored)' : 'nothing (eaten: never reloads or moves focus)';
    case 'timer':
      return 'start/pause the talk timer';
    case 'goto':
      return 'go to chapter';
    default:
      return intent.type;
  }
}

export function createKeyController(
  send: (i: StageIntent) => void,
  keymap: () => Record<string, KeyAction> = () => ({}),
  now: () => number = Date.now,
  hooks: KeyControllerHooks = {}
): KeyController {
  let tracker: KeyTracker = initialKeyTracker;
  const setTracker = (t: KeyTracker): void => {
    const before = tracker.goto;
    tracker = t;
    if (t.goto !== before) hooks.onGoto?.(t.goto);
  };
  const emit = (intents: KeyIntent[]): void => {
    for (const i of intents) if (i.type !== 'swallow' && i.type !== 'pass') send(i);
  };
  const eat = (e: KeyEventLike): void => {
    e.preventDefault();
    e.stopPropagation();
  };
  return {
    down(e) {
      if (hooks.capturing?.()) {
        // The key-learning screen: every key is recorded and eaten (F5 and Ctrl+R included).
        eat(e);
        setTracker({ ...tracker, held: null, goto: null });
        // A modifier on its own is only the start of a combination: record the combination.
        if (MODIFIERS.has(e.key)) return;
        hooks.onCapture?.({ key: e.key, code: e.code ?? '', repeat: e.repeat, mods: modsText(e), at: now() });
        return;
      }
      if (hooks.editing?.()) {
        const reload = (e.ctrlKey || e.metaKey) && keyIntent({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey }).type === 'swallow';
        if (reload || EDIT_HAZARDS.has(e.key)) return eat(e);
        if (e.key === 'Escape' && !e.shiftKey) {
          eat(e);
          hooks.endEditing?.();
          return;
        }
        if (CLICKER_WHILE_EDITING.has(e.key) || (e.key === 'Escape' && e.shiftKey)) hooks.endEditing?.();
        else return; // typing: the field gets it
      }
      const step = keyDown(
        tracker,
        { key: e.key, shiftKey: e.shiftKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, repeat: e.repeat },
        now(),
        keymap()
      );
      setTracker(step.tracker);
      if (step.handled) {
        // Every key we handle or swallow is kept from the browser: no reload, no leaving full
        // screen, no focus moves, no scrolling.
        eat(e);
      }
      emit(step.intents);
    },
    up(e) {
      setTracker(keyUp(tracker, e.key));
    },
    tick() {
      const step = keyTick(tracker, now());
      setTracker(step.tracker);
      emit(step.intents);
    },
    holding: () => tracker.held !== null && !tracker.held.fired,
    reset() {
      setTracker({ ...tracker, held: null, goto: null });
    }
  };
}
