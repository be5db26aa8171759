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
}

export function createJournal(opts: { onLog(entries: ActionLogEntry[]): void; now?: () => number }): Journal {
  const now = opts.now ?? Date.now;
  let entries: ActionLogEntry[] = [];
  let notices: string[] = [];
  let seq = 0;
  return {
    log(what, outcome, detail = null) {
      entries = [...entries, { seq: ++seq, at: now(), what, outcome, detail }].slice(-LOG_LIMIT);
      opts.onLog(entries);
    },
    notice(text) {
      notices = [...notices, text].slice(-NOTICE_LIMIT);
    },
    entries: () => entries,
    notices: () => notices
  };
}
