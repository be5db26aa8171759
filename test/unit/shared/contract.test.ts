import { describe, expect, it } from 'vitest';
import { parseAction } from '../../../src/shared/actions';
import { isRequestName, parseRequest, REQUEST_NAMES, ackOf, actChannel, requestChannel } from '../../../src/shared/contract';
import { initialKeyTracker, keyDown, keyIntent, keysLost, keyTick, keyUp, PANIC_HOLD_MS } from '../../../src/shared/keys';

describe('contract validation', () => {
  it('accepts good arguments', () => {
    expect(parseRequest('goTo', [3])).toEqual({ ok: true, args: [3] });
    expect(parseRequest('blackout', [])).toEqual({ ok: true, args: [] });
    expect(parseRequest('blackout', [true])).toEqual({ ok: true, args: [true] });
    const spec = { kind: 'kill', target: { type: 'named', name: 'tikv1' } };
    expect(parseRequest('injectFault', [spec])).toEqual({ ok: true, args: [spec] });
  });

  it('refuses bad arguments with a sentence naming the request and the argument', () => {
    const r = parseRequest('goTo', ['3']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^bad arguments for "goTo": argument 0:/);
    expect(parseRequest('goTo', [-1]).ok).toBe(false);
    expect(parseRequest('goTo', [1.5]).ok).toBe(false);
    expect(parseRequest('next', [1]).ok).toBe(false);
    expect(parseRequest('injectFault', [{ kind: 'kill', target: { type: 'named', name: 'postgres' } }]).ok).toBe(false);
    expect(parseRequest('injectFault', [{ kind: 'rm', target: { type: 'random-tikv' } }]).ok).toBe(false);
    expect(parseRequest('injectFault', [{ kind: 'kill', target: { type: 'random-tikv' }, extra: 1 }]).ok).toBe(false);
    expect(parseRequest('goTo', 'not an array').ok).toBe(false);
  });

  it('refuses the majority rule opt-in in a request: only a deck slide may carry it', () => {
    for (const allowQuorumLoss of [true, false]) {
      const r = parseRequest('injectFault', [{ kind: 'kill', target: { type: 'named', name: 'tikv0' }, allowQuorumLoss }]);
      expect(r).toEqual({
        ok: false,
        error:
          'bad arguments for "injectFault": argument 0.allowQuorumLoss: allowQuorumLoss is not accepted in a request: only a deck slide can opt in ("allow-quorum-loss: true")'
      });
    }
  });

  it('refuses to bind a modifier key: it is held with every other key', () => {
    for (const key of ['Shift', 'Control', 'Alt', 'Meta']) expect(parseRequest('setKeyBinding', [key, 'panic']).ok).toBe(false);
    expect(parseRequest('setKeyBinding', ['F13', 'panic']).ok).toBe(true);
  });

  it('names channels once, from the request list', () => {
    expect(REQUEST_NAMES).toContain('restoreAll');
    expect(isRequestName('restoreAll')).toBe(true);
    expect(isRequestName('constructor')).toBe(false);
    expect(isRequestName('__proto__')).toBe(false);
    expect(new Set(REQUEST_NAMES.map(requestChannel)).size).toBe(REQUEST_NAMES.length);
    // act's channels are their own: none is a request's.
    expect(new Set([...REQUEST_NAMES.map(requestChannel), ...REQUEST_NAMES.map(actChannel)]).size).toBe(2 * REQUEST_NAMES.length);
  });

  it('acknowledges without the value, and keeps an error whole', () => {
    expect(ackOf({ ok: true, value: { index: 3 } })).toEqual({ ok: true, value: null });
    expect(ackOf({ ok: false, error: 'blocked' })).toEqual({ ok: false, error: 'blocked' });
  });
});

describe('deck actions', () => {
  it('parses the grammar', () => {
    expect(parseAction('kill-random-tikv')).toEqual({
      ok: true,
      action: { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } }
    });
    expect(parseAction('pause:tikv2')).toEqual({
      ok: true,
      action: { type: 'fault', fault: { kind: 'pause', target: { type: 'named', name: 'tikv2' } } }
    });
    expect(parseAction('kill-pd-leader').ok).toBe(true);
    expect(parseAction('restore-all')).toEqual({ ok: true, action: { type: 'restore-all' } });
  });
  it('explains what is wrong', () => {
    const r = parseAction('explode');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/unknown action "explode": expected one of kill-random-tikv/);
    const n = parseAction('kill:mysql');
    expect(n.ok).toBe(false);
    if (!n.ok) expect(n.error).toMatch(/unknown node "mysql"/);
  });
});

describe('clicker keys', () => {
  it('maps next, previous, blackout, ends', () => {
    for (const key of ['PageDown', 'ArrowRight', 'ArrowDown', ' ', 'Enter', 'n', 'N']) expect(keyIntent({ key }).type).toBe('next');
    for (const key of ['PageUp', 'ArrowLeft', 'ArrowUp', 'Backspace', 'p', 'P']) expect(keyIntent({ key }).type).toBe('prev');
    for (const key of ['b', 'B', '.']) expect(keyIntent({ key }).type).toBe('blackout');
    expect(keyIntent({ key: 'Home' }).type).toBe('first');
    expect(keyIntent({ key: 'End' }).type).toBe('last');
    expect(keyIntent({ key: 'r' }).type).toBe('restoreAll');
    expect(keyIntent({ key: 'r', ctrlKey: true }).type).toBe('swallow'); // Ctrl+R never reloads
  });
  it('swallows hazards and repeats; F5/Esc are one start/stop toggle (the talk timer)', () => {
    expect(keyIntent({ key: 'Tab' }).type).toBe('swallow');
    for (const key of ['F5', 'Escape']) expect(keyIntent({ key }).type).toBe('timer');
    expect(keyIntent({ key: 'F5', shiftKey: true }).type).toBe('timer');
    expect(keyIntent({ key: 'F5', repeat: true }).type).toBe('swallow');
    expect(keyIntent({ key: 'r', ctrlKey: true }).type).toBe('swallow');
    expect(keyIntent({ key: 'PageDown', repeat: true }).type).toBe('swallow');
    expect(keyIntent({ key: 'Escape', shiftKey: true }).type).toBe('panic');
    expect(keyIntent({ key: 'x' }).type).toBe('pass');
  });
});

describe('key tracker', () => {
  it('jumps with G, a number and Enter', () => {
    let t = initialKeyTracker;
    for (const key of ['g', '1', '2']) {
      const r = keyDown(t, { key }, 0);
      expect(r.intents).toEqual([]);
      expect(r.handled).toBe(true);
      t = r.tracker;
    }
    expect(t.goto).toBe('12');
    const r = keyDown(t, { key: 'Enter' }, 0);
    expect(r.intents).toEqual([{ type: 'goto', index: 11 }]);
    expect(r.tracker.goto).toBeNull();
    // Enter alone is "next"; Escape cancels a jump; a stale jump times out.
    expect(keyDown(r.tracker, { key: 'Enter' }, 0).intents).toEqual([{ type: 'next' }]);
    const cancelled = keyDown(keyDown(initialKeyTracker, { key: 'g' }, 0).tracker, { key: 'Escape' }, 0);
    expect(cancelled.intents).toEqual([]);
    expect(cancelled.tracker.goto).toBeNull();
    const stale = keyDown(keyDown(initialKeyTracker, { key: 'g' }, 0).tracker, { key: 'Enter' }, 10_000);
    expect(stale.intents).toEqual([{ type: 'next' }]);
  });
  it('turns a held blackout key into the panic gesture after 1.5 s', () => {
    let r = keyDown(initialKeyTracker, { key: 'b' }, 1000);
    expect(r.intents).toEqual([{ type: 'blackout' }]);
    r = keyDown(r.tracker, { key: 'b', repeat: true }, 1500);
    expect(r.intents).toEqual([]);
    expect(keyTick(r.tracker, 1000 + PANIC_HOLD_MS - 1).intents).toEqual([]);
    const p = keyTick(r.tracker, 1000 + PANIC_HOLD_MS);
    expect(p.intents).toEqual([{ type: 'panic' }]);
    expect(keyTick(p.tracker, 9999).intents).toEqual([]); // once per hold
    expect(keyTick(keyUp(r.tracker, 'b'), 9999).intents).toEqual([]); // released in time
  });
  it('a release that comes back as another character still ends the hold: no panic by accident', () => {
    // Shift+B, Shift let go first: B goes up as "b".
    const shiftB = keyDown(initialKeyTracker, { key: 'B', shiftKey: true }, 1000).tracker;
    expect(shiftB.held).not.toBeNull();
    const shiftUp = keyUp(shiftB, 'Shift');
    expect(shiftUp.held).not.toBeNull(); // a modifier is not the key
    expect(keyTick(keyUp(shiftUp, 'b'), 1000 + PANIC_HOLD_MS).intents).toEqual([]);
    // "." pressed, Shift pressed meanwhile: it goes up as ">".
    const dot = keyDown(initialKeyTracker, { key: '.' }, 1000).tracker;
    expect(keyTick(keyUp(dot, '>'), 1000 + PANIC_HOLD_MS).intents).toEqual([]);
    // Focus lost mid-hold: the release will never be seen.
    expect(keyTick(keysLost(dot), 1000 + PANIC_HOLD_MS).intents).toEqual([]);
  });
  it('lets the presenter rebind keys', () => {
    expect(keyIntent({ key: 'F13' }).type).toBe('pass');
    expect(keyIntent({ key: 'F13' }, { F13: 'next' }).type).toBe('next');
    expect(keyIntent({ key: 'PageDown' }, { PageDown: 'ignore' }).type).toBe('swallow');
    expect(keyDown(initialKeyTracker, { key: 'AudioVolumeUp' }, 0, { AudioVolumeUp: 'blackout' }).intents).toEqual([{ type: 'blackout' }]);
  });
});
