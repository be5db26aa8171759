// Record and replay, in the presenter view. In replay mode: which recording plays, when and on
// what it was made (a replay is never passed off as live). Otherwise: the backup recording for
// this deck and the switch to it, which arms on the first press (click or Shift+L) and fires on
// the second; when Docker or PD stop answering in live mode it is offered here, never taken.
import { useEffect, useRef, useState, type JSX } from 'react';
import type { RecordingSummary, ReplayExtras, ShowState } from '../../../../shared/show';
import { ask } from '../../state';
import { Btn } from '../Btn';

/** How long an armed switch waits for its second press. */
export const ARM_MS = 5000;
export const SWITCH_KEY = 'L';

function madeOn(r: Pick<RecordingSummary, 'madeIn' | 'madeAt'>): string {
  const where = r.madeIn === 'live' ? 'the real cluster' : r.madeIn === 'sim' ? 'the simulated cluster' : 'a replay';
  return `recorded ${new Date(r.madeAt).toLocaleString()} on ${where}`;
}

function Playing({ p }: { p: NonNullable<ReplayExtras['playing']> }): JSX.Element {
  return (
    <div className="p-problem p-problem-warn" data-testid="replay-playing">
      <b>REPLAY, not a live cluster:</b> {p.file}, {madeOn(p)} with the deck “{p.deckTitle}”.
      {p.madeIn !== 'live' && ' It was made on the simulator: say so if you present it.'}
      {p.damagedAtLine !== null && ` The recording is damaged: it plays up to line ${p.damagedAtLine}.`}
      {p.notes.map((n) => (
        <div key={n} className="p-muted">
          {n}
        </div>
      ))}
    </div>
  );
}

/** A switch to one recording: the first press arms, the second (within ARM_MS) fires. */
function useArmedSwitch(): {
  armed: string | null;
  busy: boolean;
  error: { text: string; path: string | null; partial: boolean } | null;
  press(path: string | null, upToDamage?: boolean): void;
} {
  const [armed, setArmed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; path: string | null; partial: boolean } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const press = (path: string | null, upToDamage = false): void => {
    const key = path ?? '(fallback)';
    if (armed !== key) {
      setArmed(key);
      if (error?.path !== path) setError(null);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setArmed(null), ARM_MS);
      return;
    }
    setArmed(null);
    setBusy(true);
    void ask('switchToReplay', path, upToDamage).then((r) => {
      setBusy(false);
      if (!r.ok) setError({ text: r.error, path, partial: /damaged: line \d+/.test(r.error) && !upToDamage });
    });
  };
  return { armed, busy, error, press };
}

export function ReplayPanel({ show }: { show: ShowState }): JSX.Element | null {
  const replay = show.presenter.replay;
  const sw = useArmedSwitch();
  const [list, setList] = useState<RecordingSummary[] | null>(null);
  const fallbackPath = replay?.fallback?.path ?? null;
  const canSwitch = show.mode !== 'replay' && !!replay?.fallback;
  const pressRef = useRef(sw.press);
  pressRef.current = sw.press;
  useEffect(() => {
    if (!canSwitch) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== SWITCH_KEY || !e.shiftKey || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
      // Typing a capital L in a text field (the deck path) is typing, never a switch.
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || (t instanceof HTMLElement && t.isContentEditable)) return;
      e.preventDefault();
      pressRef.current(fallbackPath);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canSwitch, fallbackPath]);
  if (!replay) return null;
  if (replay.playing) return <Playing p={replay.playing} />;

  const fb = replay.fallback;
  const armedFallback = sw.armed === (fallbackPath ?? '(fallback)');
  return (
    <div className={`p-replay${replay.liveTrouble ? ' p-problem p-problem-bad' : ''}`} data-testid="replay-panel">
      {replay.liveTrouble && (
        <div data-testid="replay-offer">
          <b>{replay.liveTrouble}.</b> {fb ? 'The recorded show can take over at this chapter:' : 'No recording of this deck to take over.'}
        </div>
      )}
      <div className="p-muted">
        {fb ? `Backup: ${fb.file}, ${madeOn(fb)}${fb.level === 'amber' ? ' (simulator only)' : ''}.` : 'No backup recording of this deck yet.'}
        {replay.recordingTo && ' This show is being recorded.'}
      </div>
      <span className="p-timer-btns">
        {fb && (
          <Btn
            size="small"
            tone={armedFallback ? 'armed' : replay.liveTrouble ? 'warn' : 'plain'}
            label={sw.busy ? 'Switching…' : armedFallback ? 'Press again: switch to replay' : 'Switch to replay'}
            keys={`Shift+${SWITCH_KEY}`}
            disabled={sw.busy}
            testId="btn-switch-replay"
            onPress={() => sw.press(fb.path)}
          />
        )}
        <Btn size="small" label={list ? 'Hide recordings' : 'Choose a recording…'} onPress={() => (list ? setList(null) : void ask('recordings').then((r) => setList(r.ok ? r.value : [])))} />
      </span>
      {list && (
        <ul className="p-replay-list" data-testid="replay-list">
          {list.length === 0 && <li className="p-muted">no recordings under the data folder</li>}
          {list.map((r) => (
            <li key={r.path}>
              <Btn
                size="small"
                tone={sw.armed === r.path ? 'armed' : 'plain'}
                label={sw.armed === r.path ? 'Press again to play' : 'Play'}
                disabled={sw.busy}
                onPress={() => sw.press(r.path)}
              />{' '}
              {r.file} · {madeOn(r)} · “{r.deckTitle}”
            </li>
          ))}
        </ul>
      )}
      {sw.error && (
        <div className="p-problem p-problem-bad" data-testid="replay-error">
          {sw.error.text}
          {sw.error.partial && (
            <Btn size="small" tone={sw.armed === sw.error.path ? 'armed' : 'warn'} label="Play it up to the damage" onPress={() => sw.press(sw.error!.path, true)} />
          )}
        </div>
      )}
    </div>
  );
}
