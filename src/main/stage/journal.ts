// The presenter's record of what happened: the action log (sent to the views) and the short
// list of notices (shown on the presenter view). Both bounded, so a long show stays flat.
import type { ActionLogEntry } from '../../shared/show';

export const LOG_LIMIT = 200;
export const NOTICE_LIMIT = 20;

export interface Journal {
  log(what: string, outcome: ActionLogEntry['outcome'], detail?: string | null): void;
  notice(text: string): void;
  entries(): ActionLogEntry[];
  notices(): string[];
  /** Forgets the notices (the show runs again); the action log stays. */
  clearNotices(): void;
}

export function createJournal(opts: { onLog(entries: ActionLogEntry[], added: ActionLogEntry): void; now?: () => number }): Journal {
  const now = opts.now ?? Date.now;
  let entries: ActionLogEntry[] = [];
  let notices: string[] = [];
  let seq = 0;
  return {
    log(what, outcome, detail = null) {
      // Copy-on-write (a view may hold the old list); at most LOG_LIMIT entries are copied.
      const added: ActionLogEntry = { seq: ++seq, at: now(), what, outcome, detail };
      entries = [...entries, added].slice(-LOG_LIMIT);
      opts.onLog(entries, added);
    },
    notice(text) {
      // The same sentence again (Restore all pressed while a node keeps failing) moves to the end
      // instead of filling the list and pushing every other notice out.
      notices = [...notices.filter((n) => n !== text), text].slice(-NOTICE_LIMIT);
    },
    entries: () => entries,
    notices: () => notices,
    clearNotices() {
      notices = [];
    }
  };
}
