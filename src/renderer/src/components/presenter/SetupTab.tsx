// The deck (open another file; its errors stay in red until fixed), the rehearsal recorder, and
// the displays.
import { useEffect, useRef, useState, type FormEvent, type JSX } from 'react';
import type { ShowState } from '../../../../shared/show';
import { agoText } from '../../lib/format';
import { ask, useNow } from '../../state';
import { Btn } from '../Btn';

/** A text field leaves the focus after this long without typing, so the clicker drives the show again. */
const IDLE_BLUR_MS = 15_000;

function DeckField({ current }: { current: string }): JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [busy, setBusy] = useState(false);
  const [reply, setReply] = useState<{ ok: boolean; text: string } | null>(null);
  const [focused, setFocused] = useState(false);
  const poke = (): void => {
    if (idle.current) clearTimeout(idle.current);
    idle.current = setTimeout(() => input.current?.blur(), IDLE_BLUR_MS);
  };
  useEffect(
    () => () => {
      if (idle.current) clearTimeout(idle.current);
    },
    []
  );
  const submit = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    const path = input.current?.value.trim() ?? '';
    input.current?.blur();
    if (!path) return;
    setBusy(true);
    const r = await ask('openDeck', path);
    setBusy(false);
    setReply(r.ok ? { ok: true, text: `Opened ${r.value.deckFile} (${r.value.total} chapters).` } : { ok: false, text: r.error });
  };
  return (
    <form className="p-deck-form" onSubmit={(e) => void submit(e)}>
      <label className="p-field">
        <span className="p-field-label">Deck file (a path on the machine running the app)</span>
        <input
          ref={input}
          type="text"
          data-allow-focus="true"
          data-testid="deck-path"
          spellCheck={false}
          autoComplete="off"
          defaultValue={current}
          onFocus={() => {
            setFocused(true);
            poke();
          }}
          onBlur={() => setFocused(false)}
          onInput={poke}
        />
      </label>
      <Btn size="small" label={busy ? 'Opening…' : 'Open deck'} onPress={() => void submit()} disabled={busy} />
      {focused && <p className="p-help">Typing into the field: Enter opens, Esc leaves it. PageDown/PageUp still move the show.</p>}
      {reply && (
        <pre className={`p-reply ${reply.ok ? 'p-ok' : 'p-problem p-problem-bad'}`} data-testid="deck-reply">
          {reply.text}
        </pre>
      )}
    </form>
  );
}

export function SetupTab({ show }: { show: ShowState }): JSX.Element {
  const now = useNow();
  const [swapNote, setSwapNote] = useState<string | null>(null);
  const [recError, setRecError] = useState<string | null>(null);
  const r = show.presenter.rehearsal;
  const cueCount = Object.values(r.cues).reduce((n, c) => n + c.cues.length, 0);
  return (
    <div className="p-tab p-tab-setup">
      <section className="p-card">
        <h2 className="p-h">Deck</h2>
        <p>
          <b>{show.deckTitle}</b> <span className="p-muted">· {show.total} chapters · {show.deckFile}</span>
        </p>
        <p className="p-help">The deck file is watched: save it and the show reloads. Errors show above in red; the last good deck stays.</p>
        <DeckField current={show.deckFile} />
      </section>
      <section className="p-card">
        <h2 className="p-h">Rehearsal</h2>
        <p>
          {r.recording ? (
            <b className="p-rec">● Recording: walk the talk as on stage; every chapter's time and the cluster's timings are kept.</b>
          ) : r.recordedAt ? (
            <>
              Last rehearsal recorded {agoText(now - r.recordedAt)}: {Object.keys(r.cues).length} chapters timed, {cueCount} cues.
            </>
          ) : (
            'No rehearsal recorded for this deck yet.'
          )}
        </p>
        <Btn
          label={r.recording ? 'Stop and save rehearsal' : 'Record a rehearsal'}
          tone={r.recording ? 'on' : 'plain'}
          onPress={() =>
            void ask('rehearsal', !r.recording).then((x) => setRecError(x.ok ? null : x.error))
          }
          testId="btn-rehearsal"
        />
        {recError && <p className="p-problem p-problem-bad">{recError}</p>}
      </section>
      <section className="p-card">
        <h2 className="p-h">Displays</h2>
        <Btn
          size="small"
          label="Swap displays"
          onPress={() => void ask('swapDisplays').then((x) => setSwapNote(x.ok ? 'Swapped.' : x.error))}
          testId="btn-swap"
        />
        {swapNote && (
          <p className="p-note" data-testid="swap-note">
            {swapNote}
          </p>
        )}
      </section>
    </div>
  );
}
