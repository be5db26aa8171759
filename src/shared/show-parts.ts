// The ShowState in three parts, so that a key press sends a few hundred bytes, not the deck:
// - deck: every chapter in full (narration, notes), sent once per deck change;
// - position: where the show is (index, beat, reveal step, blackout), sent on every move;
// - details: what happened and the presenter's state (timeline, diagnosis, faults, notices,
//   talk timer), sent when it changes.
// Main splits (deckPart, splitShow); each view puts them back together (composeShow). Pure.
import type { Chapter, ChapterSummary, ShowState } from './show';

type DeckKeys = 'deckTitle' | 'deckFile' | 'chapters' | 'total' | 'chapter' | 'next';
type DetailKeys = 'mode' | 'modeReason' | 'timeline' | 'diagnosis' | 'faults' | 'notices' | 'startedAt' | 'presenter';

export interface ShowDeck {
  deckTitle: string;
  deckFile: string;
  chapters: Chapter[];
}
/** Everything of the ShowState that is neither the deck nor the details: small, on every move. */
export type ShowPosition = Omit<ShowState, DeckKeys | DetailKeys>;
export type ShowDetails = Pick<ShowState, DetailKeys>;

export function chapterSummary(c: Chapter): ChapterSummary {
  return { id: c.id, title: c.title, action: c.action, duration: c.duration };
}

export function deckPart(deckTitle: string, deckFile: string, chapters: readonly Chapter[]): ShowDeck {
  return { deckTitle, deckFile, chapters: [...chapters] };
}

export function splitShow(s: ShowState): { position: ShowPosition; details: ShowDetails } {
  // Whatever a ShowState gains later lands in the position unless it is named here.
  const { deckTitle: _t, deckFile: _f, chapters: _c, total: _n, chapter: _h, next: _x, mode, modeReason, timeline, diagnosis, faults, notices, startedAt, presenter, ...position } = s;
  return { position, details: { mode, modeReason, timeline, diagnosis, faults, notices, startedAt, presenter } };
}

const summaries = new WeakMap<ShowDeck, ChapterSummary[]>();

/** The ShowState again, or null while the parts do not fit together (a position past a new deck's end). */
export function composeShow(deck: ShowDeck, position: ShowPosition, details: ShowDetails): ShowState | null {
  const chapter = deck.chapters[position.index];
  if (!chapter) return null;
  let list = summaries.get(deck);
  if (!list) {
    list = deck.chapters.map(chapterSummary);
    summaries.set(deck, list);
  }
  return {
    ...position,
    ...details,
    deckTitle: deck.deckTitle,
    deckFile: deck.deckFile,
    chapters: list,
    total: deck.chapters.length,
    chapter,
    next: deck.chapters[position.index + 1] ?? null
  };
}
