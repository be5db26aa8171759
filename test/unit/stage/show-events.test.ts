// The show in parts: what main sends on a move (only the small position), and that each view
// puts back exactly the ShowState main had.
import { describe, expect, it } from 'vitest';
import { createShow } from '../../../src/main/show/runtime';
import { createShowEvents } from '../../../src/main/stage/show-events';
import { appendLog } from '../../../src/renderer/src/lib/store';
import type { EventName, EventPayloads } from '../../../src/shared/contract';
import { composeShow, deckPart, splitShow } from '../../../src/shared/show-parts';
import type { ActionLogEntry } from '../../../src/shared/show';
import { builtinDeck } from '../show/helpers';

function setup() {
  const sent: { event: EventName; bytes: number; payload: unknown }[] = [];
  const events = createShowEvents(<E extends EventName>(event: E, payload: EventPayloads[E]) => sent.push({ event, bytes: JSON.stringify(payload).length, payload }));
  const show = createShow({ deck: builtinDeck(), executor: { run: async () => ({ ok: true, message: 'ok' }) } });
  const publish = (): void => events.publish(show.state(), show.director().chapters);
  return { sent, events, show, publish };
}

describe('show events', () => {
  it('sends the deck once, then only the position on a move, and nothing when nothing changed', () => {
    const { sent, show, publish } = setup();
    publish();
    expect(sent.map((s) => s.event)).toEqual(['deck', 'position', 'details']);
    sent.length = 0;
    show.goTo(4); // no beat on Detection: only where we are changes
    publish();
    expect(sent.map((s) => s.event)).toEqual(['position']);
    expect(sent[0]!.bytes).toBeLessThan(600);
    sent.length = 0;
    publish();
    expect(sent).toEqual([]);
    show.dispose();
  });

  it('sends a deck again only when its content changed, not when the same chapters come as a new list', () => {
    const { sent, events, show } = setup();
    const chapters = show.director().chapters;
    events.publish(show.state(), chapters);
    sent.length = 0;
    events.publish(show.state(), chapters.map((c) => ({ ...c })));
    expect(sent).toEqual([]);
    const edited = chapters.map((c, i) => (i === 0 ? { ...c, title: `${c.title}!` } : c));
    events.publish(show.state(), edited);
    expect(sent.map((s) => s.event)).toEqual(['deck']);
    expect((sent[0]!.payload as { chapters: { title: string }[] }).chapters[0]!.title).toBe(`${chapters[0]!.title}!`);
    show.dispose();
  });

  it("does not send the deck on the first move to views that fetched it, but sends one that changed since", () => {
    const { sent, events, show, publish } = setup();
    const chapters = show.director().chapters;
    events.deck(show.state(), chapters); // a view's getState
    show.goTo(1);
    publish();
    expect(sent.map((s) => s.event)).toEqual(['position', 'details']);
    sent.length = 0;
    // A second view fetches the same deck; then the deck is edited: both must get the new one.
    events.deck(show.state(), chapters);
    const edited = chapters.map((c, i) => (i === 0 ? { ...c, title: `${c.title}!` } : c));
    events.publish(show.state(), edited);
    expect(sent.map((s) => s.event)).toEqual(['deck']);
    show.dispose();
  });

  it('sends the deck after an edit that came between a view fetching it and the first move', () => {
    const { sent, events, show } = setup();
    const chapters = show.director().chapters;
    events.deck(show.state(), chapters); // view A has the first deck
    const edited = chapters.map((c, i) => (i === 1 ? { ...c, title: `${c.title}?` } : c));
    events.deck(show.state(), edited); // view B fetches after the edit
    events.publish(show.state(), edited);
    expect(sent.map((s) => s.event)).toContain('deck'); // view A must not keep the old one
    show.dispose();
  });

  it('puts back the very ShowState that was split', () => {
    const { events, show } = setup();
    show.goTo(5);
    const s = show.state();
    const { position, details } = splitShow(s);
    const back = composeShow(JSON.parse(JSON.stringify(events.deck(s, show.director().chapters))), position, details);
    expect(back).toEqual(JSON.parse(JSON.stringify(s)));
    // A position past the end of the deck it is put with waits for its own deck.
    expect(composeShow(deckPart('t', 'f', show.director().chapters.slice(0, 2)), position, details)).toBeNull();
    show.dispose();
  });
});

describe('appendLog', () => {
  const line = (seq: number): ActionLogEntry => ({ seq, at: seq, what: `line ${seq}`, outcome: 'info', detail: null });
  it('appends each new line once and keeps the last 200', () => {
    let log: ActionLogEntry[] = [];
    for (let i = 1; i <= 250; i++) log = appendLog(log, line(i));
    expect(log).toHaveLength(200);
    expect(log[0]!.seq).toBe(51);
    expect(appendLog(log, line(250))).toBe(log);
    expect(appendLog(log, line(251)).at(-1)!.seq).toBe(251);
  });
});
