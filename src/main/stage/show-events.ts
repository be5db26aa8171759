// The show as events (src/shared/show-parts.ts): each part goes out only when it changed, the
// small position first, so that a key press reaches the views before anything heavier is
// compared. The deck is compared by identity first (the director keeps its chapter list until a
// deck reload), then by its JSON: a reload that changed nothing (the watcher's first read, the
// image check) is not 7 KB to every view and a re-render of every stage. The others by their JSON.
import type { EventName, EventPayloads } from '../../shared/contract';
import type { Chapter, ShowState } from '../../shared/show';
import { deckPart, splitShow, type ShowDeck } from '../../shared/show-parts';

type Emit = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

export interface ShowEvents {
  /** The deck part for these chapters (the same object while they do not change), as the
   *  state (getState) hands it out. */
  deck(s: Pick<ShowState, 'deckTitle' | 'deckFile'>, chapters: readonly Chapter[]): ShowDeck;
  /** Emits the parts of this state that differ from what was last emitted. */
  publish(s: ShowState, chapters: readonly Chapter[]): void;
}

export function createShowEvents(emit: Emit): ShowEvents {
  let deck: { chapters: readonly Chapter[]; title: string; file: string; part: ShowDeck; json: string } | null = null;
  let sentDeck: ShowDeck | null = null;
  let position = '';
  let details = '';

  const deckOf: ShowEvents['deck'] = (s, chapters) => {
    if (!deck || deck.chapters !== chapters || deck.title !== s.deckTitle || deck.file !== s.deckFile) {
      const part = deckPart(s.deckTitle, s.deckFile, chapters);
      const json = JSON.stringify(part);
      deck = { chapters, title: s.deckTitle, file: s.deckFile, part: deck?.json === json ? deck.part : part, json };
    }
    return deck.part;
  };

  return {
    deck(s, chapters) {
      const d = deckOf(s, chapters);
      // The first deck anyone reads from the state (a view's getState among them) is the
      // baseline: every view has it or a later one before any event, so the first move does not
      // send it again (7 KB and a re-render of every stage on the talk's first key). Every later
      // change goes through publish and differs from it by identity, so it goes out.
      sentDeck ??= d;
      return d;
    },
    publish(s, chapters) {
      const d = deckOf(s, chapters);
      if (d !== sentDeck) {
        sentDeck = d;
        emit('deck', d);
      }
      const parts = splitShow(s);
      const p = JSON.stringify(parts.position);
      if (p !== position) {
        position = p;
        emit('position', parts.position);
      }
      const x = JSON.stringify(parts.details);
      if (x !== details) {
        details = x;
        emit('details', parts.details);
      }
    }
  };
}
