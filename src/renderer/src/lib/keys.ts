// Clicker and keyboard handling for every view: one capture-phase keydown listener on the
// window, driven by the shared key tracker (src/shared/keys.ts: next/prev, blackout, F5/Esc
// as one timer toggle, G-number-Enter jumps, holding the blackout key = panic, the
// presenter's learned bindings). DOM-free so it can be tested in Node.
import { initialKeyTracker, keyDown, keyTick, keyUp, type KeyIntent, type KeyTracker } from '../../../shared/keys';
import type { KeyAction } from '../../../shared/show';

/** An intent that becomes a request. */
export type StageIntent = Exclude<KeyIntent, { type: 'swallow' } | { type: 'pass' }>;

export interface KeyEventLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat: boolean;
  preventDefault(): void;
  stopPropagation(): void;
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

export function createKeyController(
  send: (i: StageIntent) => void,
  keymap: () => Record<string, KeyAction> = () => ({}),
  now: () => number = Date.now
): KeyController {
  let tracker: KeyTracker = initialKeyTracker;
  const emit = (intents: KeyIntent[]): void => {
    for (const i of intents) if (i.type !== 'swallow' && i.type !== 'pass') send(i);
  };
  return {
    down(e) {
      const step = keyDown(
        tracker,
        { key: e.key, shiftKey: e.shiftKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, repeat: e.repeat },
        now(),
        keymap()
      );
      tracker = step.tracker;
      if (step.handled) {
        // Every key we handle or swallow is kept from the browser: no reload, no leaving full
        // screen, no focus moves, no scrolling.
        e.preventDefault();
        e.stopPropagation();
      }
      emit(step.intents);
    },
    up(e) {
      tracker = keyUp(tracker, e.key);
    },
    tick() {
      const step = keyTick(tracker, now());
      tracker = step.tracker;
      emit(step.intents);
    },
    holding: () => tracker.held !== null && !tracker.held.fired,
    reset() {
      tracker = { ...tracker, held: null, goto: null };
    }
  };
}
