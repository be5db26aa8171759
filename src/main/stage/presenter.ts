// The presenter's session: talk timer, freeze, key bindings, rehearsal recording, and the deck
// being shown (open another, reload on save, keep the last good one on a bad save). It holds
// only the presenter's own state; the show is reached through the small ShowPort below.
import { join, resolve as resolvePath } from 'node:path';
import { defaultPresenterExtras, type KeyAction, type KeyMode, type PresenterExtras, type TimelineEvent, type TimerCommand } from '../../shared/show';
import { loadKeymap, writeKeymap } from '../keymap-store';
import { formatDeckError, loadDeck, type Deck, type DeckError } from '../show/deck';
import { watchDeck, type DeckWatcher } from '../show/deck-watch';
import { loadRehearsals, rehearsalCues, writeRehearsal, type ChapterVisit, type RehearsalStore } from '../show/rehearsal';
import { timerCommand } from '../show/talk-timer';
import type { Journal } from './journal';

/** What the session needs of the show. */
export interface ShowPort {
  index(): number;
  chapterId(index: number): string | null;
  timeline(): TimelineEvent[];
  replaceDeck(deck: Deck): void;
  /** Sends the show state to every view. */
  publish(): void;
}

export interface PresenterSession {
  /** The presenter's part of every ShowState. */
  extras(): PresenterExtras;
  /** Called before each publish: starts the talk timer on the first move, notes rehearsal visits. */
  observe(index: number): void;
  freeze(on?: boolean): void;
  timer(cmd: TimerCommand): void;
  bindKey(key: string, action: KeyAction | null): void;
  rehearsal(on: boolean): void;
  keyMode(mode: KeyMode): void;
  /** True when it changed. */
  gotoTyping(digits: string | null): boolean;
  /** The show runs again: the talk timer stopped at zero, the audience unfrozen. Key bindings and rehearsals stay. */
  reset(): void;
  /** Loads, watches and shows another deck; throws with file:line when it is bad. */
  openDeck(path: string): Promise<void>;
  /** Starts watching the deck given at boot. */
  watch(): void;
  close(): Promise<void>;
}

/** The talk's target: the sum of the chapters' planned durations, when the deck gives them. Pure. */
export function deckTargetMs(deck: Deck): number | null {
  const d = deck.chapters.map((c) => c.duration).filter((x): x is number => x !== null);
  return d.length ? d.reduce((a, b) => a + b, 0) * 1000 : null;
}

export function createPresenterSession(opts: {
  dataDir: string;
  deck: Deck;
  journal: Journal;
  show: ShowPort;
  now?: () => number;
}): PresenterSession {
  const { journal, show } = opts;
  const now = opts.now ?? Date.now;
  const keymapPath = join(opts.dataDir, 'keymap.json');
  const rehearsalPath = join(opts.dataDir, 'rehearsals.json');
  let deckFile = opts.deck.file;
  // A damaged file is moved aside with a notice, never read as empty and overwritten.
  const keys = loadKeymap(keymapPath);
  const stored = loadRehearsals(rehearsalPath);
  for (const n of [keys.notice, stored.notice]) if (n) journal.notice(n);
  let rehearsals: RehearsalStore = stored.store;
  const state: PresenterExtras = {
    ...defaultPresenterExtras(),
    keymap: keys.keymap,
    timer: { running: false, elapsedMs: 0, since: null, targetMs: deckTargetMs(opts.deck) },
    deckWarnings: opts.deck.warnings ?? []
  };
  state.rehearsal.recordedAt = rehearsals[deckFile]?.recordedAt ?? null;
  let visits: ChapterVisit[] = [];
  let rehearsalStart = 0;
  let lastIndex = show.index();
  let watcher: DeckWatcher | null = null;

  function applyDeck(next: Deck): void {
    state.deckErrors = [];
    state.deckWarnings = next.warnings ?? [];
    if (next.file !== deckFile) {
      deckFile = next.file;
      state.rehearsal.recordedAt = rehearsals[deckFile]?.recordedAt ?? null;
    }
    state.timer = { ...state.timer, targetMs: deckTargetMs(next) };
    show.replaceDeck(next);
    show.publish();
  }
  function deckErrors(errors: DeckError[]): void {
    state.deckErrors = errors;
    const lines = errors.map(formatDeckError);
    for (const l of lines) console.error(`tikv-stage: deck error: ${l}`);
    journal.log('deck not reloaded', 'failed', lines.join('; '));
    show.publish();
  }
  const startWatching = (file: string): void => {
    watcher = watchDeck(file, { deck: applyDeck, errors: deckErrors });
  };

  return {
    extras: () => ({ ...state, rehearsal: { ...state.rehearsal, cues: rehearsals[deckFile]?.cues ?? {} } }),
    observe(index) {
      if (index === lastIndex) return;
      // The talk timer starts when the presenter first moves on from the opening chapter.
      if (lastIndex === 0 && index > 0 && !state.timer.running && state.timer.elapsedMs === 0)
        state.timer = timerCommand(state.timer, 'start', now());
      lastIndex = index;
      const id = show.chapterId(index);
      if (state.rehearsal.recording && id) visits.push({ chapterId: id, at: now() });
    },
    freeze(on) {
      state.frozen = on ?? !state.frozen;
    },
    timer(cmd) {
      state.timer = timerCommand(state.timer, cmd, now());
    },
    bindKey(key, action) {
      const next = { ...state.keymap };
      if (action === null) delete next[key];
      else next[key] = action;
      state.keymap = next;
      // The binding works from now on either way; only keeping it for the next run can fail.
      try {
        const notice = writeKeymap(keymapPath, next);
        if (notice) journal.notice(notice);
      } catch (e) {
        journal.notice(`the key binding works now, but could not be saved to ${keymapPath}: ${(e as Error).message}`);
      }
    },
    rehearsal(on) {
      const at = now();
      if (on && !state.rehearsal.recording) {
        state.rehearsal = { ...state.rehearsal, recording: true };
        rehearsalStart = at;
        const id = show.chapterId(show.index());
        visits = id ? [{ chapterId: id, at }] : [];
        journal.log('rehearsal recording', 'info');
      } else if (!on && state.rehearsal.recording) {
        const cues = rehearsalCues(visits, show.timeline().filter((e) => e.at >= rehearsalStart), at);
        // Stopped and kept for this run first: a disk that cannot take the file (full, no
        // permission) must not leave "REHEARSAL" recording for the rest of the show.
        rehearsals = { ...rehearsals, [deckFile]: { recordedAt: at, cues } };
        state.rehearsal = { recording: false, recordedAt: at, cues };
        try {
          const notice = writeRehearsal(rehearsalPath, deckFile, at, cues);
          if (notice) journal.notice(notice);
          journal.log('rehearsal saved', 'ok', `${Object.keys(cues).length} chapters`);
        } catch (e) {
          const why = `the rehearsal stopped, but could not be saved to ${rehearsalPath}: ${(e as Error).message}; its cues stay until the app quits`;
          journal.notice(why);
          journal.log('rehearsal not saved', 'failed', why);
        }
      }
    },
    keyMode(mode) {
      state.keyMode = mode;
    },
    reset() {
      state.timer = { ...state.timer, running: false, elapsedMs: 0, since: null };
      state.frozen = false;
      state.gotoTyping = null;
      // The timer starts again on the first move from the opening chapter.
      lastIndex = 0;
    },
    gotoTyping(digits) {
      if (state.gotoTyping === digits) return false;
      state.gotoTyping = digits;
      return true;
    },
    async openDeck(path) {
      const r = await loadDeck(resolvePath(path));
      if (!r.ok) {
        deckErrors(r.errors);
        throw new Error(r.errors.map(formatDeckError).join('\n'));
      }
      await watcher?.close();
      startWatching(r.deck.file);
      applyDeck(r.deck);
      journal.log('deck opened', 'ok', r.deck.file);
    },
    watch() {
      if (!watcher) startWatching(deckFile);
    },
    async close() {
      await watcher?.close();
    }
  };
}
