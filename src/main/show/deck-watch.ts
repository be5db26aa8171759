// Reloads a deck when its file changes (rehearsal). Editors save by rename, so the file is
// watched through chokidar with a short settle time; a bad deck is reported (file:line: what)
// and the show keeps the last good one. Nothing a saved file holds can throw out of here.
import { watch, type FSWatcher } from 'chokidar';
import { loadDeck, type Deck, type DeckError, type DeckResult } from './deck';

export interface DeckWatcher {
  close(): Promise<void>;
}

export function watchDeck(
  path: string,
  on: { deck(deck: Deck): void; errors(errors: DeckError[]): void },
  settleMs = 120,
  load: (path: string) => Promise<DeckResult> = loadDeck
): DeckWatcher {
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let running = false;
  let again = false;
  const report = (errors: DeckError[]): void => {
    try {
      on.errors(errors);
    } catch {
      // the presenter's view could not take it; the show keeps its deck either way
    }
  };
  const reload = async (): Promise<void> => {
    // One load at a time: a burst of saves ends with the file's last content.
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const r = await load(path);
      if (closed) return;
      if (r.ok) on.deck(r.deck);
      else report(r.errors);
    } catch (e) {
      if (!closed) report([{ file: path, line: 0, message: `the deck could not be reloaded: ${e instanceof Error ? e.message : String(e)}` }]);
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        void reload();
      }
    }
  };
  const watcher: FSWatcher = watch(path, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: settleMs, pollInterval: 30 }
  });
  watcher.on('all', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void reload(), 30);
  });
  watcher.on('error', (e) => report([{ file: path, line: 0, message: `watching the deck failed: ${e instanceof Error ? e.message : String(e)}` }]));
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    }
  };
}
