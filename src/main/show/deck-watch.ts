// Reloads a deck when its file changes (rehearsal). Editors save by rename, so the file is
// watched through chokidar with a short settle time; a bad deck is reported (file:line: what)
// and the show keeps the last good one.
import { watch, type FSWatcher } from 'chokidar';
import { formatDeckError, loadDeck, type Deck } from './deck';

export interface DeckWatcher {
  close(): Promise<void>;
}

export function watchDeck(
  path: string,
  on: { deck(deck: Deck): void; errors(lines: string[]): void },
  settleMs = 120
): DeckWatcher {
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const reload = async (): Promise<void> => {
    const r = await loadDeck(path);
    if (closed) return;
    if (r.ok) on.deck(r.deck);
    else on.errors(r.errors.map(formatDeckError));
  };
  const watcher: FSWatcher = watch(path, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: settleMs, pollInterval: 30 }
  });
  watcher.on('all', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void reload(), 30);
  });
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    }
  };
}
