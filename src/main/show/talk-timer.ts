// The talk timer (elapsed time with pause and reset), pure.
import { timerElapsed, type TalkTimer, type TimerCommand } from '../../shared/show';

export function timerCommand(t: TalkTimer, cmd: TimerCommand, now: number): TalkTimer {
  const run = cmd === 'toggle' ? !t.running : cmd === 'start' ? true : cmd === 'pause' ? false : t.running;
  if (cmd === 'reset') return { ...t, elapsedMs: 0, since: t.running ? now : null };
  if (run === t.running) return t;
  return run ? { ...t, running: true, since: now } : { ...t, running: false, elapsedMs: timerElapsed(t, now), since: null };
}
