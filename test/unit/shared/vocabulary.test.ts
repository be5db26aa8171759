import { describe, expect, it } from 'vitest';
import { describeFault, faultCaption, parseAction } from '../../../src/shared/actions';
import { REQUEST_NAMES, parseRequest } from '../../../src/shared/contract';
import { intentToRequest, sendCall, type RequestCall, type StageIntent } from '../../../src/shared/keys';
import { FAULT_KINDS, FAULT_WORDS, isNodeName, nodeRole } from '../../../src/shared/vocabulary';

describe('the fault vocabulary', () => {
  it('has every word for every kind, and builds captions and descriptions from it', () => {
    for (const kind of FAULT_KINDS) {
      const w = FAULT_WORDS[kind];
      for (const word of [w.verb, w.ing, w.past, w.noun, w.undo]) expect(word.length).toBeGreaterThan(0);
    }
    expect(faultCaption({ kind: 'partition', target: { type: 'named', name: 'tikv2' } })).toBe('Cutting off tikv2');
    expect(faultCaption({ kind: 'kill', target: { type: 'pd-leader' } })).toBe('Killing the PD leader');
    expect(describeFault({ kind: 'stop', target: { type: 'random-tikv' } })).toBe('stop a random TiKV');
    expect(FAULT_WORDS.pause.undo).toBe('unpause');
  });

  it('knows a demo node by its name, the same pattern for decks, requests and Docker', () => {
    expect(isNodeName('tikv0')).toBe(true);
    expect(isNodeName('pd12')).toBe(true);
    expect(isNodeName('tikv')).toBe(false);
    expect(isNodeName('mysql0')).toBe(false);
    expect(isNodeName('tikv0-old')).toBe(false);
    expect(nodeRole('pd1')).toBe('pd');
    expect(nodeRole('tikv3')).toBe('tikv');
    expect(nodeRole('db1')).toBeNull();
    expect(parseAction('kill:mysql0').ok).toBe(false);
    expect(parseRequest('injectFault', [{ kind: 'kill', target: { type: 'named', name: 'mysql0' } }]).ok).toBe(false);
  });
});

describe('key intents as requests (one map for the shell and the page)', () => {
  const all: StageIntent[] = [
    { type: 'next' },
    { type: 'prev' },
    { type: 'first' },
    { type: 'last' },
    { type: 'blackout' },
    { type: 'freeze' },
    { type: 'panic' },
    { type: 'restoreAll' },
    { type: 'timer' },
    { type: 'goto', index: 2 }
  ];

  it('makes a request the contract accepts, for every intent', () => {
    for (const i of all) {
      const call = intentToRequest(i, 8);
      expect(REQUEST_NAMES).toContain(call.name);
      expect(parseRequest(call.name, call.args)).toEqual({ ok: true, args: call.args });
    }
    expect(intentToRequest({ type: 'timer' }, 8)).toEqual({ name: 'timer', args: ['toggle'] });
    expect(intentToRequest({ type: 'blackout' }, 8)).toEqual({ name: 'blackout', args: [] });
  });

  it('clamps a G-jump to the deck', () => {
    expect(intentToRequest({ type: 'goto', index: 2 }, 8)).toEqual({ name: 'goTo', args: [2] });
    expect(intentToRequest({ type: 'goto', index: 41 }, 8)).toEqual({ name: 'goTo', args: [7] });
    expect(intentToRequest({ type: 'goto', index: 5 }, 0)).toEqual({ name: 'goTo', args: [0] });
  });

  it('sends the call through a typed sender, name and arguments in order', () => {
    const seen: unknown[][] = [];
    const call: RequestCall = intentToRequest({ type: 'goto', index: 3 }, 8);
    const r = sendCall(call, (name, ...args) => {
      seen.push([name, ...args]);
      return 'sent';
    });
    expect(r).toBe('sent');
    expect(seen).toEqual([['goTo', 3]]);
  });
});
