// The presenter's view of the audience screen: a live mirror (the frame the audience sees now,
// frozen when it is frozen, with a label when it is blacked out) and a preview of what the next
// press shows (the next reveal step of this slide, or the next slide from its start).
import { useDeferredValue, type JSX } from 'react';
import type { ShowState } from '../../../../shared/show';
import { useServerNow, useStage } from '../../state';
import { AudienceStage, useFreezable } from '../Audience';
import { StageBox } from '../Slide';

// Both pictures render at a lower priority than the presenter's own text (useDeferredValue): a
// key press paints "Now · N / M" and the notes in the next frame, the pictures right after.
export function AudienceMirror(): JSX.Element | null {
  const liveShow = useDeferredValue(useStage((s) => s.show));
  const liveCluster = useDeferredValue(useStage((s) => s.cluster));
  const now = useServerNow();
  const connected = useStage((s) => s.bridgeKind === 'electron' || s.connection.state === 'open');
  // The same freeze as the audience window: the mirror shows the frame the audience is shown.
  const live = useFreezable(liveShow, liveCluster, now);
  if (!live.show || !liveShow) return null;
  const frozen = liveShow.presenter.frozen;
  return (
    <StageBox
      className={`mirror${live.blackout ? ' is-blackout' : ''}${frozen ? ' is-frozen' : ''}`}
      testId="audience-mirror"
      attrs={{ 'data-blackout': String(live.blackout), 'data-frozen': String(frozen), 'aria-label': 'what the audience sees' }}
    >
      <div className="aud-root">
        <AudienceStage show={live.show} cluster={live.cluster} serverNow={live.serverNow} connected={connected} />
        {live.blackout && <div className="blackout" />}
      </div>
      {(live.blackout || frozen) && (
        <div className="mirror-label">{live.blackout ? 'Blacked out: the audience sees black' : 'Frozen: the audience sees this frame'}</div>
      )}
    </StageBox>
  );
}

export function NextPreview({ show: urgentShow }: { show: ShowState }): JSX.Element | null {
  const show = useDeferredValue(urgentShow);
  const cluster = useDeferredValue(useStage((s) => s.cluster));
  const now = useServerNow();
  const ns = show.nextStep ?? (show.next ? { sameChapter: false, step: 0 } : null);
  if (!ns) return null;
  const chapter = ns.sameChapter ? show.chapter : show.next;
  if (!chapter) return null;
  return (
    <StageBox className="next-preview" testId="next-preview" attrs={{ 'data-step': String(ns.step), 'data-same-chapter': String(ns.sameChapter) }}>
      <div className="aud-root">
        <AudienceStage show={show} cluster={cluster} serverNow={now} connected={true} chapter={chapter} step={ns.step} preview={true} />
      </div>
    </StageBox>
  );
}
