// The presenter's view of the audience screen: a live mirror (the frame the audience sees now,
// frozen when it is frozen, with a label when it is blacked out) and a preview of what the next
// press shows (the next reveal step of this slide, or the next slide from its start).
import { memo, useEffect, useMemo, useRef, useState, type JSX } from 'react';
import { useAfterPaint } from '../useAfterPaint';
import type { ClusterSnapshot } from '../../../../shared/cluster';
import type { Chapter, ShowState } from '../../../../shared/show';
import { clock, useServerNow, useStage } from '../../state';
import { AudienceStageM, useFreezable, workloadRan } from '../Audience';
import { StageFeed } from '../stageFeed';
import { StageBox } from '../Slide';

// The mirror follows the show one painted frame after "Now · N / M" (useAfterPaint), as the
// audience window itself paints a frame or so after the key: the frame that answers the key in
// this window holds only the index, and the presenter's key -> paint here went from 22.7 and
// 27.4 ms (median, two bench runs) to 20.6 and 20.8 ms, p95 from 40 to 30 ms. A chapter change
// re-renders only the mirror's slide text (the map and panel are memoized by their data). The
// next preview follows with it.
export function AudienceMirror(): JSX.Element | null {
  const liveShow = useAfterPaint(useStage((s) => s.show));
  const liveCluster = useStage((s) => s.cluster);
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
        <StageFeed cluster={live.cluster} now={live.serverNow}>
          <AudienceStageM show={live.show} workloadRan={workloadRan(live.cluster)} connected={connected} />
        </StageFeed>
        {live.blackout && <div className="blackout" />}
      </div>
      {(live.blackout || frozen) && (
        <div className="mirror-label">{live.blackout ? 'Blacked out: the audience sees black' : 'Frozen: the audience sees this frame'}</div>
      )}
    </StageBox>
  );
}

// The preview draws only when its inputs change: it shows no countdown and no "12 s ago" note,
// so it does not follow the one-second clock. Its map's heartbeat ages are read when the
// cluster changes (a cluster snapshot arrives every second or so while anything moves).
const PreviewFrame = memo(function PreviewFrame({
  show,
  cluster,
  chapter,
  step,
  sameChapter
}: {
  show: ShowState;
  cluster: ClusterSnapshot | null;
  chapter: Chapter;
  step: number;
  sameChapter: boolean;
}): JSX.Element {
  const offset = useStage((s) => s.clockOffsetMs);
  // The time is read again when the cluster changes, on purpose: the preview does not tick.
  const now = useMemo(() => Date.now() + offset, [cluster, offset]);
  return (
    <StageBox className="next-preview" testId="next-preview" attrs={{ 'data-step': String(step), 'data-same-chapter': String(sameChapter) }}>
      <div className="aud-root">
        <StageFeed cluster={cluster} now={now}>
          <AudienceStageM show={show} workloadRan={workloadRan(cluster)} connected={true} chapter={chapter} step={step} preview={true} />
        </StageFeed>
      </div>
    </StageBox>
  );
});

/** How often the preview's map and chart follow the cluster: the live mirror beside it is exact. */
export const PREVIEW_CLUSTER_MS = 3000;

/**
 * `value`, changed at most once per `ms` (the latest value is shown at the end of each period),
 * on a tick of the page's clock: the preview then redraws in the frame the clock paints anyway.
 */
function useAtMostEvery<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (value === shown) return;
    let live = true;
    // The first tick at or after the period's end: up to a second later than a timer alone.
    const t = setTimeout(
      () =>
        clock.atNextTick(() => {
          // A newer value cancelled this one (and waits for its own tick).
          if (!live) return;
          last.current = Date.now();
          setShown(value);
        }),
      Math.max(0, last.current + ms - Date.now())
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [value, shown, ms]);
  return shown;
}

export function NextPreview({ show: urgentShow }: { show: ShowState }): JSX.Element | null {
  const show = useAfterPaint(urgentShow);
  const cluster = useAtMostEvery(useStage((s) => s.cluster), PREVIEW_CLUSTER_MS);
  const ns = show.nextStep ?? (show.next ? { sameChapter: false, step: 0 } : null);
  if (!ns) return null;
  const chapter = ns.sameChapter ? show.chapter : show.next;
  if (!chapter) return null;
  // A chapter with neither a map nor the workload panel shows nothing of the cluster.
  const showsCluster = chapter.map || chapter.panel === 'workload';
  return <PreviewFrame show={show} cluster={showsCluster ? cluster : null} chapter={chapter} step={ns.step} sameChapter={ns.sameChapter} />;
}
