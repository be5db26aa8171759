// Every chapter, to jump to with one click (the same as G, number, Enter on the clicker).
import type { JSX } from 'react';
import type { ShowState } from '../../../../shared/show';
import { elapsedText } from '../../lib/format';
import { plannedDurations } from '../../lib/pacing';
import { actionCaption, chapterPosition } from '../../lib/show';
import { send } from '../../state';
import { Btn } from '../Btn';

export function ChaptersTab({ show }: { show: ShowState }): JSX.Element {
  const plan = plannedDurations(show.chapters, show.presenter.timer.targetMs);
  const current = chapterPosition(show) - 1;
  const cues = show.presenter.rehearsal.cues;
  let start = 0;
  return (
    <div className="p-tab p-tab-chapters">
      <p className="p-help">
        Click a chapter to show it now (or type <kbd>G</kbd>, its number, <kbd>Enter</kbd>). A fault chapter reached this way
        waits, armed: press Next to start it. A chapter that holds the show while its action runs refuses jumps past it.
      </p>
      <ol className="p-chapters">
        {show.chapters.map((c, i) => {
          const planned = plan.seconds[i] ?? 0;
          const at = start;
          start += planned;
          const rehearsed = cues[c.id]?.durationMs ?? null;
          const cueText = cues[c.id]?.cues.join(' · ') ?? '';
          return (
            <li key={c.id} className={`p-chapter${i === current ? ' is-current' : ''}${i < current ? ' is-past' : ''}`}>
              <Btn
                size="small"
                tone={i === current ? 'on' : 'plain'}
                className="p-chapter-btn"
                onPress={() => send('goTo', i)}
                label={
                  <>
                    <span className="p-chapter-n">{i + 1}</span>
                    <span className="p-chapter-title">{c.title}</span>
                    <span className="p-chapter-action">{actionCaption(c.action) ?? ''}</span>
                    <span className="p-chapter-time">
                      {plan.estimated[i] ? '~' : ''}
                      {elapsedText(at * 1000)} · {plan.estimated[i] ? '~' : ''}
                      {elapsedText(planned * 1000)}
                      {rehearsed !== null ? ` · rehearsed ${elapsedText(rehearsed)}` : ''}
                      {cueText && <span className="p-chapter-cues"> · {cueText}</span>}
                    </span>
                  </>
                }
              />
            </li>
          );
        })}
      </ol>
      <p className="p-help p-muted">Times: planned start · planned length (~ = estimated: the deck gives no duration).</p>
    </div>
  );
}
