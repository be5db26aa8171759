// The talk timer (elapsed time with pause and reset), pure.
import type { TalkTimer } from '../../shared/show';

export function timerElapsed(t: TalkTimer, now: number): number {
  return t.elapsedMs + (t.running && t.since !== null ? Math.max(0, now - t.since) : 0);
}

export function timerCommand(t: TalkTimer, cmd: 'start' | 'pause' | 'toggle' | 'reset', now: number): TalkTimer {
  const run = cmd === 'toggle' ? !t.running : cmd === 'start' ? true : cmd === 'pause' ? false : t.running;
  if (cmd === 'reset') return { ...t, elapsedMs: 0, since: t.running ? now : null };
  if (run === t.running) return t;
  return run ? { ...t, running: true, since: now } : { ...t, running: false, elapsedMs: timerElapsed(t, now), since: null };
}
