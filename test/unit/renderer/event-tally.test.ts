import { describe, expect, it } from 'vitest';
import { createEventTally } from '../../../src/renderer/src/lib/event-tally';

describe('event tally', () => {
  it('says which parts had an event since the mark, and only those', () => {
    const t = createEventTally();
    t.saw('position');
    t.saw('cluster');
    const asked = t.mark();
    expect(asked.replaced('position')).toBe(false);
    t.saw('position');
    t.saw('logEntry');
    expect(asked.replaced('position')).toBe(true);
    expect(asked.replaced('cluster')).toBe(false);
    expect(asked.replaced('deck')).toBe(false);
    // An appended log line changes the log.
    expect(asked.replaced('log')).toBe(true);
    // A later mark starts from then; the earlier one is unchanged by it.
    const again = t.mark();
    expect(again.replaced('position')).toBe(false);
    expect(asked.replaced('position')).toBe(true);
  });
});
