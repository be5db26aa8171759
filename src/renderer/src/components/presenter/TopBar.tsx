// The presenter's top bar: the mode (and why), what the audience sees right now (blacked out,
// frozen), a G-jump being typed, the talk timer with its controls and pacing, the wall clock.
import type { JSX } from 'react';
import { GOTO_TIMEOUT_MS } from '../../../../shared/keys';
import { timerElapsed, type ShowState } from '../../../../shared/show';
import { elapsedText, shortClockText } from '../../lib/format';
import { pacing, paceText } from '../../lib/pacing';
import { send, useNow, useServerNow, useUi } from '../../state';
import { ModeBadge } from '../Bits';
import { Btn } from '../Btn';

function GotoFlag({ show }: { show: ShowState }): JSX.Element | null {
  const goto = useUi((s) => s.goto);
  const now = useNow();
  if (!goto || now - goto.at > GOTO_TIMEOUT_MS) return null;
  const n = Number(goto.digits);
  const target = goto.digits !== '' && n >= 1 ? show.chapters[Math.min(n, show.total) - 1] : undefined;
  return (
    <span className="p-flag p-flag-goto" data-testid="goto-flag">
      GO TO {goto.digits || '_'}
      {target ? ` · ${target.title}` : ''} · Enter
    </span>
  );
}

/** The talk timer, its pacing and its buttons: re-rendered by the one-second clock, alone. */
function TalkTimer({ show }: { show: ShowState }): JSX.Element {
  const serverNow = useServerNow();
  const t = show.presenter.timer;
  const elapsed = timerElapsed(t, serverNow);
  const pace = t.running || elapsed > 0 ? pacing(show, t.targetMs, elapsed) : null;
  return (
      <div className="p-timer" data-testid="talk-timer">
        <span className="p-clock-label">{t.running ? 'Talk' : elapsed > 0 ? 'Talk · paused' : 'Talk · not started'}</span>
        <span className={`p-clock${t.running ? '' : ' p-clock-paused'}`}>
          {elapsedText(elapsed)}
          {t.targetMs !== null && <span className="p-clock-target"> / {elapsedText(t.targetMs)}</span>}
        </span>
        {pace && (
          <span className={`p-pace p-pace-${pace.status}`} title={pace.estimated ? 'some chapter durations are estimated' : undefined}>
            {paceText(pace, elapsedText)}
            {pace.estimated ? ' (est.)' : ''}
          </span>
        )}
        <span className="p-timer-btns">
          <Btn
            size="small"
            label={t.running ? 'Pause' : 'Start'}
            keys="F5/Esc"
            onPress={() => send('timer', t.running ? 'pause' : 'start')}
            testId="btn-timer"
          />
          <Btn size="small" label="Reset" onPress={() => send('timer', 'reset')} />
        </span>
      </div>
  );
}

function WallClock(): JSX.Element {
  return (
    <div className="p-wall">
      <span className="p-clock-label">Clock</span>
      <span className="p-clock">{shortClockText(useNow())}</span>
    </div>
  );
}

// The bar itself follows the show only: the clocks tick in their own small components.
export function TopBar({ show }: { show: ShowState }): JSX.Element {
  return (
    <header className="p-top">
      <div className="p-top-mode" title={show.modeReason}>
        <ModeBadge mode={show.mode} className="p-mode" />
        <span className="p-mode-reason">
          <b>{show.mode === 'sim' ? 'Simulated cluster' : show.mode === 'replay' ? 'Recorded show (replay)' : 'Live cluster'}</b> · {show.modeReason}
        </span>
      </div>
      <div className="p-flags">
        {show.blackout && (
          <span className="p-flag p-flag-black" data-testid="flag-blackout">
            AUDIENCE BLACKED OUT
          </span>
        )}
        {show.presenter.frozen && (
          <span className="p-flag p-flag-frozen" data-testid="flag-frozen">
            AUDIENCE FROZEN
          </span>
        )}
        {show.presenter.rehearsal.recording && <span className="p-flag p-flag-rec">● REHEARSAL</span>}
        <GotoFlag show={show} />
      </div>
      <TalkTimer show={show} />
      <WallClock />
    </header>
  );
}
