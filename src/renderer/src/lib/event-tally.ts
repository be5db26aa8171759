// A state fetched with getState is one moment of main's; events keep coming while the answer is
// on its way, and main may send a later change's event before that answer (it reads the state,
// then answers a few microtasks later). Applying the answer then would take the page back a
// step: a chapter shown and then undone. Every change is broadcast, so an event that arrived
// after the question is at least as new as the answer: the answer fills only the other parts.
import type { EventName } from '../../../shared/contract';

/** The part of the state an event replaces: an appended log line changes the log. */
const partOf = (e: EventName): EventName => (e === 'logEntry' ? 'log' : e);

export interface EventTally {
  /** An event arrived (call before handing it on). */
  saw(event: EventName): void;
  /** Now, as a question is sent: later, which parts have had an event since. */
  mark(): { replaced(event: EventName): boolean };
}

export function createEventTally(): EventTally {
  const counts = new Map<EventName, number>();
  const count = (e: EventName): number => counts.get(partOf(e)) ?? 0;
  return {
    saw(event) {
      counts.set(partOf(event), count(event) + 1);
    },
    mark() {
      const before = new Map(counts);
      return { replaced: (event) => count(event) !== (before.get(partOf(event)) ?? 0) };
    }
  };
}
