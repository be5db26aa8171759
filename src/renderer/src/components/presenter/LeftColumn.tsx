// The presenter's left column, in the order of what matters on stage: the chapter on screen
// now, what comes next (and the action it runs), the notes, and the big buttons.
import { memo, useState, type CSSProperties, type JSX } from 'react';
import { useAfterPaint } from '../useAfterPaint';
import type { BeatState, Chapter, RehearsalCue, ShowState } from '../../../../shared/show';
import { chapterIndexText, elapsedText } from '../../lib/format';
import { renderNotes } from '../../lib/narration';
import { actionCaption, chapterPosition, countdownNumber } from '../../lib/show';
import { send, useServerNow } from '../../state';
import { Markdown } from '../Bits';
import { Btn } from '../Btn';
import { AudienceMirror, NextPreview } from './Mirror';

/** The notes' text size, kept per machine: a presenter reads them from a metre away. */
const NOTES_SCALE_KEY = 'tikv-stage.notes-scale';
const NOTES_SCALES = [0.8, 0.9, 1, 1.15, 1.3, 1.5, 1.75] as const;

function storedNotesScale(): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(NOTES_SCALE_KEY));
    return (NOTES_SCALES as readonly number[]).includes(v) ? v : 1;
  } catch {
    return 1;
  }
}

function useNotesScale(): [number, (dir: 1 | -1) => void] {
  const [scale, setScale] = useState(storedNotesScale);
  const bump = (dir: 1 | -1): void => {
    const i = Math.min(NOTES_SCALES.length - 1, Math.max(0, NOTES_SCALES.indexOf(scale as (typeof NOTES_SCALES)[number]) + dir));
    const next = NOTES_SCALES[i] ?? 1;
    setScale(next);
    try {
      globalThis.localStorage?.setItem(NOTES_SCALE_KEY, String(next));
    } catch {
      // a browser without storage keeps the size for this page only
    }
  };
  return [scale, bump];
}

/** The deck's opt-in to quorum loss, said before the beat fires: it is never a surprise. */
function quorumNote(ch: Chapter): string {
  return ch.action?.type === 'fault' && ch.action.fault.allowQuorumLoss ? ' — QUORUM LOSS ALLOWED by the deck' : '';
}

function beatLine(beat: BeatState, ch: Chapter): string | null {
  const what = (actionCaption(ch.action) ?? 'the action') + quorumNote(ch);
  switch (beat.phase) {
    case 'none':
      return ch.action ? `On this chapter: ${what}` : null;
    case 'armed':
      return `Armed: ${what} — press Next to start it`;
    case 'countdown':
      return `Counting down: ${what}`;
    case 'running':
      return `${what}…${beat.message ? ` ${beat.message}` : ''}`;
    case 'done':
      return `Done${beat.message ? `: ${beat.message}` : ''}`;
    case 'failed':
      return `Failed${beat.message ? `: ${beat.message}` : ''} — the audience sees nothing of it`;
  }
}

/** What a chapter's action does, after `lead` ("On entering", "Next starts it here"). */
function nextActionLine(next: Chapter, lead = 'On entering'): string | null {
  if (!next.action) return null;
  const caption = actionCaption(next.action);
  // "Killing a random TiKV" → "killing a random TiKV" (only the first letter: names keep their case).
  const what = caption.charAt(0).toLowerCase() + caption.slice(1);
  const held = (next.blocksAdvance ? ' (Next waits for it)' : '') + quorumNote(next);
  return next.countdown > 0 ? `${lead}: ${next.countdown} s countdown, then ${what}${held}` : `${lead}: ${what}${held}`;
}

function Cues({ cue, planned }: { cue: RehearsalCue | undefined; planned: number | null }): JSX.Element | null {
  const parts: string[] = [];
  if (planned !== null) parts.push(`planned ${elapsedText(planned * 1000)}`);
  if (cue?.durationMs != null) parts.push(`rehearsed ${elapsedText(cue.durationMs)}`);
  const cues = cue?.cues ?? [];
  if (parts.length === 0 && cues.length === 0) return null;
  return (
    <div className="p-cues">
      {parts.length > 0 && <span className="p-cue-times">{parts.join(' · ')}</span>}
      {cues.length > 0 && (
        <span className="p-cue-list" data-testid="rehearsal-cues">
          Rehearsal: {cues.join(' · ')}
        </span>
      )}
    </div>
  );
}

/** The countdown's number: the only part of the column that follows the one-second clock. */
function TickingCountdown({ ch, beat }: { ch: Chapter; beat: BeatState }): JSX.Element {
  const cd = countdownNumber(ch, beat, useServerNow());
  return (
    <div className="p-countdown" data-testid="countdown" role="timer">
      <span className="p-countdown-num">{cd}</span>
      <span className="p-countdown-what">{actionCaption(ch.action) ?? 'the action'} in…</span>
    </div>
  );
}

// The notes fit themselves to their box (a layout read): they render when the chapter changes only.
const MarkdownM = memo(Markdown);

export function LeftColumn({ show }: { show: ShowState }): JSX.Element {
  const ch = show.chapter;
  // Whether a countdown shows does not depend on the time (only its number does): see countdownNumber.
  const counting = countdownNumber(ch, show.beat, 0) !== null;
  const beat = beatLine(show.beat, ch);
  const armed = show.beat.phase === 'armed' && ch.action !== null;
  const pos = chapterPosition(show);
  const cues = show.presenter.rehearsal.cues;
  const next = show.next;
  const [notesScale, bumpNotes] = useNotesScale();
  const steps = ch.steps ?? 0;
  // The notes follow a key press one painted frame later: they are a long text that
  // measures itself to fit, and the mirror and "Now · N / M" should answer the key first.
  const notes = useAfterPaint(ch.notes);
  return (
    <div className="p-left">
      <section className={`p-now${counting ? ' is-counting' : ''}`}>
        <AudienceMirror />
        <div className="p-kicker">
          Now · <span data-testid="chapter-index">{chapterIndexText(pos - 1, show.total)}</span>
          {ch.source && (
            <span className="p-source">
              {' '}
              · {ch.source.file.split(/[\\/]/).pop()}:{ch.source.line}
            </span>
          )}
        </div>
        <h1 className="p-title" data-testid="slide-title">
          {ch.title}
        </h1>
        {counting ? (
          <TickingCountdown ch={ch} beat={show.beat} />
        ) : (
          beat && <p className={`p-beat p-beat-${show.beat.phase}`}>{beat}</p>
        )}
        {!show.canAdvance && show.blockedReason && <p className="p-blocked">Next is held: {show.blockedReason}</p>}
        {steps > 0 && (
          <p className="p-steps" data-testid="reveal-step">
            Reveal {show.step ?? 0} / {steps}
          </p>
        )}
        <Cues cue={cues[ch.id]} planned={ch.duration} />
      </section>

      <section className="p-next" data-testid="next-chapter">
        <NextPreview show={show} />
        <div className="p-kicker">Next{armed ? ' · this chapter' : next ? ` · ${chapterIndexText(pos, show.total)}` : ''}</div>
        {armed ? (
          <>
            <div className="p-next-title">{ch.title}</div>
            <div className="p-next-action" data-testid="next-starts-beat">
              {nextActionLine(ch, 'Next starts it here')}
            </div>
          </>
        ) : next ? (
          <>
            <div className="p-next-title">{show.nextStep?.sameChapter ? `${ch.title} · item ${show.nextStep.step} of ${steps}` : next.title}</div>
            {nextActionLine(next) && <div className="p-next-action">{nextActionLine(next)}</div>}
            {ch.autoAdvance !== null && (
              <div className="p-next-auto">Comes by itself {ch.autoAdvance} s after this chapter's action</div>
            )}
            <Cues cue={cues[next.id]} planned={next.duration} />
          </>
        ) : (
          <div className="p-next-title p-muted">{show.nextStep?.sameChapter ? `${ch.title} · item ${show.nextStep.step} of ${steps}` : 'End of the deck'}</div>
        )}
      </section>

      <section className="p-notes-wrap" style={{ '--notes-scale': notesScale } as CSSProperties} data-notes-scale={notesScale}>
        <div className="p-kicker p-notes-head">
          Notes
          <span className="p-notes-size">
            <Btn size="small" label="A−" onPress={() => bumpNotes(-1)} testId="notes-smaller" />
            <Btn size="small" label="A+" onPress={() => bumpNotes(1)} testId="notes-bigger" />
          </span>
        </div>
        {notes.trim() ? (
          <MarkdownM key={notesScale} className="p-notes" testId="presenter-notes" source={notes} render={renderNotes} fitMin={24 / 28} />
        ) : (
          <div className="p-notes p-muted" data-testid="presenter-notes">
            No notes for this chapter.
          </div>
        )}
      </section>

      <nav className="p-buttons" aria-label="show controls">
        <Btn label="◀ Back" keys="PgUp / ←" onPress={() => send('prev')} testId="btn-prev" />
        <Btn
          label={show.canAdvance ? 'Next ▶' : 'Next (held)'}
          keys="PgDn / →"
          tone="primary"
          onPress={() => send('next')}
          testId="btn-next"
        />
        <Btn
          label={show.blackout ? 'Unblack' : 'Blackout'}
          keys="B / ."
          tone={show.blackout ? 'on' : 'plain'}
          onPress={() => send('blackout')}
          testId="btn-blackout"
        />
        <Btn
          label={show.presenter.frozen ? 'Unfreeze' : 'Freeze'}
          keys="F"
          tone={show.presenter.frozen ? 'on' : 'plain'}
          onPress={() => send('freeze')}
        />
        <Btn label="Restore all" keys="R" tone="warn" onPress={() => send('restoreAll')} />
        <Btn label="Panic" keys="Shift+Esc · hold B" tone="danger" onPress={() => send('panic')} testId="btn-panic" />
      </nav>
    </div>
  );
}
