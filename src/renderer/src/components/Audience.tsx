// The audience view: a 1920×1080 design, letterboxed and scaled with the viewport. Title,
// narration, the live cluster map and a side panel; a calm countdown; black when blacked out.
// Errors never appear here: they go to the presenter view.
import { memo, useRef, type JSX } from 'react';
import type { ClusterSnapshot } from '../../../shared/cluster';
import type { Chapter, ShowState } from '../../../shared/show';
import { agoText, chapterIndexText } from '../lib/format';
import { staleNote } from '../lib/mapModel';
import { chapterPosition, countdownNumber } from '../lib/show';
import { useServerNow, useStage } from '../state';
import { Countdown, Diagnosis, ModeBadge, Timeline } from './Bits';
import { ClusterMap, MapStrip } from './ClusterMap';
import { WorkloadPanel } from './Workload';
import { SlideBody, SlideMarkdown } from './Slide';

type Side = 'timeline' | 'diagnosis' | 'workload' | null;

// Body text never shrinks below 28 design px: panel text is 32, narration 32/36/42.
const FIT_MIN_PANEL = 28 / 32;

function sidePanel(show: ShowState, cluster: ClusterSnapshot | null): Side {
  const p = show.chapter.panel;
  if (p !== 'none') return p;
  // On a map chapter the workload, once it has run, sits beside the map: the dip is half the story.
  const w = cluster?.workload;
  if (show.chapter.map && w && (w.running || w.history.length > 0)) return 'workload';
  return null;
}

function Panel({ side, show, cluster, big }: { side: Side; show: ShowState; cluster: ClusterSnapshot | null; big: boolean }): JSX.Element | null {
  switch (side) {
    case 'timeline':
      return (
        <section className={`panel panel-timeline${big ? '' : ' panel-wide'}`}>
          <h2 className="panel-title">What happened</h2>
          <TimelineM events={show.timeline} max={big ? 10 : 8} fitMin={FIT_MIN_PANEL} />
        </section>
      );
    case 'diagnosis':
      return (
        <section className={`panel panel-diagnosis${big ? '' : ' panel-wide'}`}>
          <h2 className="panel-title">Diagnosis</h2>
          <DiagnosisM findings={show.diagnosis} fitMin={FIT_MIN_PANEL} variant="stage" />
        </section>
      );
    case 'workload':
      return (
        <section className="panel panel-workload">
          <h2 className="panel-title">Workload</h2>
          {cluster?.workload ? (
            <WorkloadPanel workload={cluster.workload} variant={big ? 'big' : 'side'} timeline={show.timeline} />
          ) : (
            <div className="panel-empty">The workload is not running.</div>
          )}
        </section>
      );
    default:
      return null;
  }
}

// Memoized parts: a cluster tick or the one-second clock re-renders the stage, but not the
// slide's text (whose shrink-to-fit measures layout), and a chapter change does not re-render the
// map. Their props keep their identity while unchanged (the store puts the show together from parts).
const SlideBodyM = memo(SlideBody);
const SlideMarkdownM = memo(SlideMarkdown);
const ClusterMapM = memo(ClusterMap);
const MapStripM = memo(MapStrip);
const PanelM = memo(Panel);
const TimelineM = memo(Timeline);
const DiagnosisM = memo(Diagnosis);

function Waiting(): JSX.Element {
  return (
    <div className="aud-root">
      <div className="stage stage-waiting">
        <div className="waiting">TiKV Stage</div>
      </div>
    </div>
  );
}

/** While the presenter freezes the audience screen, it keeps showing its last frame. */
export function useFreezable(
  show: ShowState | null,
  cluster: ClusterSnapshot | null,
  serverNow: number
): { show: ShowState | null; cluster: ClusterSnapshot | null; serverNow: number; blackout: boolean } {
  const frame = useRef({ show, cluster, serverNow });
  const frozen = show?.presenter?.frozen === true && frame.current.show !== null;
  if (!frozen) frame.current = { show, cluster, serverNow };
  return { ...frame.current, blackout: show?.blackout === true };
}

export function Audience(): JSX.Element {
  const liveShow = useStage((s) => s.show);
  const liveCluster = useStage((s) => s.cluster);
  const now = useServerNow();
  const live = useFreezable(liveShow, liveCluster, now);
  const connected = useStage((s) => s.bridgeKind === 'electron' || s.connection.state === 'open');
  if (!live.show) return <Waiting />;
  return (
    <div className="aud-root">
      <AudienceStage show={live.show} cluster={live.cluster} serverNow={live.serverNow} connected={connected} />
      {live.blackout && <div className="blackout" data-testid="blackout" />}
    </div>
  );
}

/**
 * One audience frame: the chapter in its layout at its reveal step, the map, the panel, the
 * footer. The audience window, the presenter's mirror and its next preview all draw this.
 */
export function AudienceStage({
  show,
  cluster,
  serverNow,
  connected,
  chapter,
  step,
  preview = false
}: {
  show: ShowState;
  cluster: ClusterSnapshot | null;
  serverNow: number;
  connected: boolean;
  /** Another chapter than the current one (the next preview). */
  chapter?: Chapter;
  step?: number;
  /** A preview: no countdown, no status notes. */
  preview?: boolean;
}): JSX.Element {
  const ch = chapter ?? show.chapter;
  const shownStep = step ?? show.step ?? 0;
  const side = sidePanel({ ...show, chapter: ch }, cluster);
  // The diagnosis needs the width: its map shrinks to a strip of chips above it.
  const layout = ch.map ? (side === 'diagnosis' ? 'diag' : 'map') : side ? 'panel' : 'text';
  // A map chapter keeps the map's layout; `section` still marks it as a divider (its title stands out).
  const slideLayout = layout === 'text' ? (ch.layout ?? 'default') : ch.layout === 'section' ? 'section' : 'default';
  const cd = preview ? null : countdownNumber(ch, show.beat, serverNow);
  // Discreet notes only: the details go to the presenter view.
  const note = preview
    ? null
    : !connected
      ? 'Live view reconnecting\u2026'
      : cluster && ch.map
        ? staleNote(cluster, serverNow, agoText)
        : null;
  const index = chapter ? show.chapters.findIndex((c) => c.id === chapter.id) + 1 : chapterPosition(show);

  return (
    <div className={`stage layout-${layout} slide-${slideLayout}`} data-layout={slideLayout}>
      <header className="slide-head">
        <h1 className={`slide-title${ch.titled === false ? ' sr-only' : ''}`} data-testid="slide-title">
          {ch.title}
        </h1>
      </header>
      {layout === 'text' && <SlideBodyM chapter={ch} step={shownStep} />}
      {layout !== 'panel' && layout !== 'text' && (
        <SlideMarkdownM className="narration" source={ch.narration} fitMin={28 / 32} steps={ch.steps ?? 0} step={shownStep} />
      )}
      {layout === 'diag' && (
        <div className="stage-main stage-main-diag">
          {cluster ? <MapStripM cluster={cluster} /> : null}
          <PanelM side={side} show={show} cluster={cluster} big={true} />
        </div>
      )}
      {layout === 'map' && (
        <div className={`stage-main${side ? '' : ' stage-main-solo'}`}>
          {cluster ? <ClusterMapM cluster={cluster} serverNow={serverNow} /> : <div className="map map-empty" />}
          {side && <PanelM side={side} show={show} cluster={cluster} big={false} />}
        </div>
      )}
      {layout === 'panel' && (
        <div className="stage-main">
          <SlideMarkdownM className="narration narration-column" source={ch.narration} fitMin={28 / 36} steps={ch.steps ?? 0} step={shownStep} />
          <PanelM side={side} show={show} cluster={cluster} big={true} />
        </div>
      )}
      <footer className="slide-foot">
        <ModeBadge mode={show.mode} />
        {note && <span className="stale-note">{note}</span>}
        <span className="chapter-index" data-testid="chapter-index">
          {chapterIndexText(index - 1, show.total)}
        </span>
      </footer>
      {cd !== null && <Countdown n={cd} action={ch.action} />}
    </div>
  );
}
