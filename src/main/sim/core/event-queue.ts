// The engine's time-ordered event queue: a binary heap ordered by wall ms, ties broken by
// insertion order, so a given seed and sequence of commands always runs events in one order.

export interface SimEvent {
  at: number;
  seq: number;
  run: () => void;
}

export class EventQueue {
  private readonly heap: SimEvent[] = [];
  private seq = 0;

  /** The earliest event, without removing it. */
  peek(): SimEvent | undefined {
    return this.heap[0];
  }

  push(at: number, run: () => void): void {
    const ev: SimEvent = { at, seq: this.seq++, run };
    const q = this.heap;
    q.push(ev);
    let i = q.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = q[p] as SimEvent;
      if (!before(ev, parent)) break;
      q[i] = parent;
      i = p;
    }
    q[i] = ev;
  }

  /** Removes the earliest event. */
  pop(): void {
    const q = this.heap;
    const last = q.pop();
    if (!last || q.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mEv = last;
      const lEv = q[l];
      const rEv = q[r];
      if (lEv && before(lEv, mEv)) {
        m = l;
        mEv = lEv;
      }
      if (rEv && before(rEv, mEv)) {
        m = r;
        mEv = rEv;
      }
      if (m === i) break;
      q[i] = mEv;
      i = m;
    }
    q[i] = last;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
