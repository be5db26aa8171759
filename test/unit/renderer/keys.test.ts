import { describe, expect, it } from 'vitest';
import { PANIC_HOLD_MS } from '../../../src/shared/keys';
import { createKeyController, keyMeaning, modsText, pushSeen, type KeyEventLike, type StageIntent } from '../../../src/renderer/src/lib/keys';

type Ev = KeyEventLike & { prevented: boolean; stopped: boolean };

function press(key: string, mods: Partial<KeyEventLike> = {}): Ev {
  const e: Ev = {
    key,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    repeat: false,
    prevented: false,
    stopped: false,
    ...mods,
    preventDefault() {
      e.prevented = true;
    },
    stopPropagation() {
      e.stopped = true;
    }
  };
  return e;
}

function setup(keymap: Record<string, 'next' | 'blackout' | 'ignore'> = {}) {
  const sent: StageIntent[] = [];
  let t = 1_000;
  const keys = createKeyController((i) => sent.push(i), () => keymap, () => t);
  return {
    keys,
    sent,
    names: () => sent.map((i) => i.type),
    advance: (ms: number) => {
      t += ms;
    }
  };
}

describe('key controller', () => {
  it('turns clicker keys into intents and keeps them from the browser', () => {
    const { keys, names } = setup();
    const evs = [press('PageDown'), press('PageUp'), press('.'), press('Escape', { shiftKey: true }), press('Home'), press('End')];
    for (const e of evs) {
      keys.down(e);
      keys.up(e);
    }
    expect(names()).toEqual(['next', 'prev', 'blackout', 'panic', 'first', 'last']);
    for (const e of evs) {
      expect(e.prevented).toBe(true);
      expect(e.stopped).toBe(true);
    }
  });

  it('treats the start/stop button (F5, Esc) as the timer toggle, never a reload', () => {
    const { keys, names } = setup();
    const f5 = press('F5');
    const esc = press('Escape');
    keys.down(f5);
    keys.down(esc);
    expect(names()).toEqual(['timer', 'timer']);
    expect(f5.prevented && esc.prevented).toBe(true);
  });

  it('swallows hazard keys and reload shortcuts without sending anything', () => {
    const { keys, sent } = setup();
    const evs = [press('Tab'), press('r', { ctrlKey: true }), press('R', { metaKey: true }), press('F11')];
    for (const e of evs) keys.down(e);
    expect(sent).toEqual([]);
    for (const e of evs) expect(e.prevented).toBe(true);
  });

  it('eats auto-repeat so a held button moves one chapter', () => {
    const { keys, names } = setup();
    const held = press('PageDown', { repeat: true });
    keys.down(press('PageDown'));
    keys.down(held);
    keys.down(held);
    expect(names()).toEqual(['next']);
    expect(held.prevented).toBe(true);
  });

  it('lets unrelated keys through untouched', () => {
    const { keys, sent } = setup();
    const x = press('x');
    const copy = press('c', { ctrlKey: true });
    keys.down(x);
    keys.down(copy);
    expect(sent).toEqual([]);
    expect(x.prevented).toBe(false);
    expect(copy.prevented).toBe(false);
  });

  it('jumps with G, digits and Enter', () => {
    const { keys, sent } = setup();
    for (const k of ['g', '1', '2', 'Enter']) keys.down(press(k));
    expect(sent).toEqual([{ type: 'goto', index: 11 }]);
  });

  it('fires panic when the blackout key is held, once, and not after a blur', () => {
    const { keys, names, advance } = setup();
    const b = press('b');
    keys.down(b);
    expect(keys.holding()).toBe(true);
    advance(PANIC_HOLD_MS - 100);
    keys.tick();
    expect(names()).toEqual(['blackout']);
    advance(200);
    keys.tick();
    keys.tick();
    expect(names()).toEqual(['blackout', 'panic']);
    expect(keys.holding()).toBe(false);
    keys.up(b);

    keys.down(press('b'));
    keys.reset(); // the window lost focus: the key-up may never come
    advance(PANIC_HOLD_MS * 2);
    keys.tick();
    expect(names()).toEqual(['blackout', 'panic', 'blackout']);
  });

  it('follows the presenter\'s learned bindings', () => {
    const { keys, names } = setup({ F9: 'next', PageDown: 'ignore' });
    const ignored = press('PageDown');
    keys.down(press('F9'));
    keys.down(ignored);
    expect(names()).toEqual(['next']);
    expect(ignored.prevented).toBe(true);
  });
});

describe('key controller: the key-learning screen, text fields and the G-jump display', () => {
  function hooked(state: { capturing?: boolean; editing?: boolean }) {
    const sent: StageIntent[] = [];
    const seen: { key: string; code: string; repeat: boolean; mods: string }[] = [];
    const gotos: (string | null)[] = [];
    let ended = 0;
    const keys = createKeyController((i) => sent.push(i), () => ({}), () => 5_000, {
      capturing: () => state.capturing === true,
      onCapture: (k) => seen.push({ key: k.key, code: k.code, repeat: k.repeat, mods: k.mods }),
      editing: () => state.editing === true,
      endEditing: () => {
        ended++;
        state.editing = false;
      },
      onGoto: (d) => gotos.push(d)
    });
    return { keys, sent, seen, gotos, ended: () => ended };
  }

  it('records every key while capturing, eats it (F5 and Ctrl+R too), and drives nothing', () => {
    const h = hooked({ capturing: true });
    const evs = [press('PageDown', { code: 'PageDown' }), press('b', { code: 'KeyB' }), press('F5'), press('r', { ctrlKey: true }), press('Control', { ctrlKey: true })];
    for (const e of evs) h.keys.down(e);
    h.keys.down(press('PageDown', { repeat: true }));
    expect(h.sent).toEqual([]);
    for (const e of evs) expect(e.prevented).toBe(true);
    expect(h.seen).toEqual([
      { key: 'PageDown', code: 'PageDown', repeat: false, mods: '' },
      { key: 'b', code: 'KeyB', repeat: false, mods: '' },
      { key: 'F5', code: '', repeat: false, mods: '' },
      { key: 'r', code: '', repeat: false, mods: 'Ctrl' },
      { key: 'PageDown', code: '', repeat: true, mods: '' }
    ]);
    // Holding B while capturing is not a panic.
    expect(h.keys.holding()).toBe(false);
  });

  it('lets typing reach a focused text field, but never a reload or a focus move', () => {
    const state = { editing: true };
    const h = hooked(state);
    const typed = ['b', '.', 'n', ' ', 'ArrowLeft', 'Backspace', 'Enter'].map((k) => press(k));
    for (const e of typed) h.keys.down(e);
    expect(h.sent).toEqual([]);
    for (const e of typed) expect(e.prevented).toBe(false);
    const hazards = [press('F5'), press('Tab'), press('r', { ctrlKey: true })];
    for (const e of hazards) h.keys.down(e);
    for (const e of hazards) expect(e.prevented).toBe(true);
    expect(h.sent).toEqual([]);
    const esc = press('Escape');
    h.keys.down(esc);
    expect(esc.prevented).toBe(true);
    expect(h.ended()).toBe(1);
    expect(h.sent).toEqual([]);
  });

  it('lets the clicker leave a text field and drive the show', () => {
    const state = { editing: true };
    const h = hooked(state);
    h.keys.down(press('PageDown'));
    expect(h.ended()).toBe(1);
    expect(h.sent).toEqual([{ type: 'next' }]);
    state.editing = true;
    h.keys.down(press('Escape', { shiftKey: true }));
    expect(h.sent.map((i) => i.type)).toEqual(['next', 'panic']);
  });

  it('reports the G-jump as it is typed, and when it ends', () => {
    const h = hooked({});
    for (const k of ['g', '1', '2', 'Backspace', 'Enter']) h.keys.down(press(k));
    expect(h.gotos).toEqual(['', '1', '12', '1', null]);
    expect(h.sent).toEqual([{ type: 'goto', index: 0 }]);
    h.keys.down(press('g'));
    h.keys.down(press('Escape'));
    expect(h.gotos.slice(-2)).toEqual(['', null]);
    expect(h.sent).toHaveLength(1);
  });
});

describe('key meanings on the key-learning screen', () => {
  it('says what a key does now, bindings included', () => {
    const k = (key: string, mods = '', repeat = false) => ({ key, mods, repeat });
    expect(keyMeaning(k('PageDown'), {})).toBe('next');
    expect(keyMeaning(k('PageDown', '', true), {})).toBe('nothing (auto-repeat is ignored)');
    expect(keyMeaning(k('F5'), {})).toBe('start/pause the talk timer');
    expect(keyMeaning(k('Escape', 'Shift'), {})).toBe('panic');
    expect(keyMeaning(k('Tab'), {})).toBe('nothing (eaten: never reloads or moves focus)');
    expect(keyMeaning(k('x'), {})).toBe('nothing');
    expect(keyMeaning(k('g'), {})).toBe('go to chapter (G, number, Enter)');
    expect(keyMeaning(k('F9'), { F9: 'freeze' })).toBe('freeze');
    expect(modsText({ shiftKey: true, ctrlKey: true, metaKey: false, altKey: false })).toBe('Ctrl+Shift');
    const list = pushSeen(pushSeen([], { key: 'a', code: 'KeyA', repeat: false, mods: '', at: 1 }, 2), { key: 'b', code: 'KeyB', repeat: false, mods: '', at: 2 }, 2);
    expect(pushSeen(list, { key: 'c', code: 'KeyC', repeat: false, mods: '', at: 3 }, 2).map((x) => x.key)).toEqual(['c', 'b']);
  });
});
