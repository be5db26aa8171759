import { describe, expect, it } from 'vitest';
import { parseAction } from '../../../src/shared/actions';
import { isRequestName, parseRequest, REQUEST_NAMES, requestChannel } from '../../../src/shared/contract';
import { keyIntent } from '../../../src/shared/keys';

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

  it('names channels once, from the request list', () => {
    expect(REQUEST_NAMES).toContain('restoreAll');
    expect(isRequestName('restoreAll')).toBe(true);
    expect(isRequestName('constructor')).toBe(false);
    expect(isRequestName('__proto__')).toBe(false);
    expect(new Set(REQUEST_NAMES.map(requestChannel)).size).toBe(REQUEST_NAMES.length);
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
  });
  it('swallows hazards and repeats', () => {
    for (const key of ['F5', 'Escape', 'Tab']) expect(keyIntent({ key }).type).toBe('swallow');
    expect(keyIntent({ key: 'F5', shiftKey: true }).type).toBe('swallow');
    expect(keyIntent({ key: 'r', ctrlKey: true }).type).toBe('swallow');
    expect(keyIntent({ key: 'PageDown', repeat: true }).type).toBe('swallow');
    expect(keyIntent({ key: 'Escape', shiftKey: true }).type).toBe('panic');
    expect(keyIntent({ key: 'x' }).type).toBe('pass');
  });
});
