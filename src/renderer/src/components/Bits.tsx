// Small pieces shared by both views.
import { useMemo, type JSX } from 'react';
import { findingHeadline, findingText, type Finding, type ShowState } from '../../../shared/show';
import type { ChapterAction } from '../../../shared/actions';
import type { Mode } from '../../../shared/cluster';
import { offsetText } from '../lib/format';
import { explanationCount, explanationRanks, keptByRank } from '../lib/diagnosis';
import { renderMarkdown } from '../lib/narration';
import { actionCaption, timelineRows } from '../lib/show';
import { StateIcon } from './Icons';
import { useFit } from './useFit';
import { useServerNow, useStage } from '../state';
import type { Visual } from '../lib/mapModel';

export function Markdown({
  source,
  className,
  testId,
  fitMin = 1,
  render = renderMarkdown
}: {
  source: string;
  className: string;
  testId?: string;
  /** Smallest --fit scale when the text overflows its box (1 = never shrink). */
  fitMin?: number;
  /** Markdown to safe HTML (narration by default; notes keep their line breaks). */
  render?: (src: string) => string;
}): JSX.Element {
  const html = useMemo(() => render(source), [source, render]);
  const fit = useFit<HTMLDivElement>(source, fitMin);
  // renderMarkdown escapes raw HTML from the deck; only marked's own output reaches the page.
  return (
    <div
      ref={fit.ref}
      className={`${className}${fit.overflowing ? ' is-clipped' : ''}`}
      style={fit.style}
      data-testid={testId}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

export function ModeBadge({ mode, className }: { mode: Mode; className?: string }): JSX.Element {
  return (
    <span className={`mode-badge mode-${mode} ${className ?? ''}`} data-testid="mode-badge">
      {mode}
    </span>
  );
}

/** The calm 3-2-1: one big number, a short caption, once a second. */
export function Countdown({ n, action, compact }: { n: number; action: ChapterAction | null; compact?: boolean }): JSX.Element {
  const caption = actionCaption(action);
  return (
    <div className={`countdown${compact ? ' countdown-compact' : ''}`} data-testid="countdown" role="timer" aria-live="off">
      {caption && <div className="cd-caption">{caption} in</div>}
      <div className="cd-num" key={n}>
        {n}
      </div>
    </div>
  );
}

const KIND_VISUAL: Partial<Record<ShowState['timeline'][number]['kind'], Visual>> = {
  'fault-injected': 'down',
  'container-exited': 'killed',
  'container-started': 'up',
  'pd-disconnected': 'disconnected',
  'pd-down': 'down',
  'pd-up': 'up',
  'leaders-returned': 'up',
  restored: 'up',
  'leaders-moved': 'moved',
  'workload-dip': 'dip',
  'workload-recovered': 'up'
};

export function Timeline({ events, max, fitMin = 1 }: { events: ShowState['timeline']; max: number; fitMin?: number }): JSX.Element {
  // Offsets in cluster time: a simulator at speed 5 still reads like the real cluster.
  const scale = useStage((st) => st.cluster?.timeScale ?? 1);
  const all = timelineRows(events, scale).slice(-max);
  const last = all[all.length - 1];
  // Too many rows for the box: shrink a little, then leave out the oldest.
  const fit = useFit<HTMLOListElement>(`${all.length}:${last?.key ?? ''}:${last?.event.text ?? ''}`, fitMin, Math.max(0, all.length - 1));
  if (all.length === 0) return <div className="timeline timeline-empty">Nothing has happened yet.</div>;
  // Every row is rendered; the oldest give way (hidden) when the box is full (useFit).
  return (
    <ol className="timeline" ref={fit.ref} style={fit.style}>
      {all.map((r, i) => (
        <li key={r.key} className={`tl-row tl-${r.event.kind}`} data-fit-rank={i} hidden={i < fit.drop}>
          <span className="tl-time">{offsetText(r.offsetMs)}</span>
          <StateIcon visual={KIND_VISUAL[r.event.kind] ?? 'unknown'} className="tl-icon" />
          <span className="tl-text">{r.event.text}</span>
        </li>
      ))}
    </ol>
  );
}

interface DiagnosisProps {
  findings: Finding[];
  fitMin?: number;
  variant?: 'full' | 'stage';
}

/** The diagnosis with its live counts (the presenter's full text): a finding that waits for
 *  something ("Its leaders have not all moved off yet") counts how long it has waited, on main's
 *  clock. Only while one does is the panel on the one-second clock. */
export function LiveDiagnosis(props: DiagnosisProps): JSX.Element {
  return props.findings.some((f) => f.since) ? <CountingDiagnosis {...props} /> : <Diagnosis {...props} />;
}

function CountingDiagnosis(props: DiagnosisProps): JSX.Element {
  const now = useServerNow();
  const timeScale = useStage((s) => s.cluster?.timeScale ?? 1);
  return <Diagnosis {...props} now={now} timeScale={timeScale} />;
}

/** The diagnosis. `stage` (the audience): each line's headline in bold with its explanation
 *  below; when the panel is full the type shrinks (down to fitMin), then the explanations give
 *  way and only the headlines stay. `full` (the presenter): every word, as main wrote it. With
 *  `now` (main's clock), a waiting finding's headline says for how long (findingHeadline). */
export function Diagnosis({
  findings,
  fitMin = 1,
  variant = 'full',
  now = null,
  timeScale = 1
}: DiagnosisProps & { now?: number | null; timeScale?: number }): JSX.Element {
  const texts = useMemo(() => findings.map((f) => findingText(f, now, timeScale)), [findings, now, timeScale]);
  const rank = useMemo(() => explanationRanks(findings), [findings]);
  const fit = useFit<HTMLUListElement>(`${variant}:${texts.join('\n')}`, fitMin, variant === 'stage' ? explanationCount(findings) : 0);
  if (findings.length === 0) return <div className="diagnosis diagnosis-empty">Watching the cluster…</div>;
  if (variant === 'full') {
    return (
      <ul className={`diagnosis${fit.overflowing ? ' is-clipped' : ''}`} ref={fit.ref} style={fit.style}>
        {texts.map((t, i) => (
          <li key={i}>{t}</li>
        ))}
      </ul>
    );
  }
  const kept = keptByRank(rank, fit.drop);
  // Every explanation is rendered; they give way (hidden) in rank order when the panel is full (useFit).
  return (
    <ul
      className={`diagnosis diagnosis-stage${fit.overflowing ? ' is-clipped' : ''}`}
      ref={fit.ref}
      style={fit.style}
      data-testid="diagnosis"
      data-explained={String(kept.filter(Boolean).length)}
    >
      {findings.map((f, i) => (
        <li key={i} data-kind={f.kind}>
          <span className="dg-lead">{findingHeadline(f, now, timeScale)}</span>
          {f.detail.length > 0 && (
            <span className="dg-rest" data-fit-rank={rank[i]} hidden={!kept[i]}>
              {f.detail}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
