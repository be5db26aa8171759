import { describe, expect, it } from 'vitest';
import { PANIC_HOLD_MS } from '../../../src/shared/keys';
import { createKeyController, type KeyEventLike, type StageIntent } from '../../../src/renderer/src/lib/keys';

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
