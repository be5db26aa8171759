// The audience view: a 1920×1080 design, letterboxed and scaled with the viewport. Title,
// narration, the live cluster map and a side panel; a calm countdown; black when blacked out.
// Errors never appear here: they go to the presenter view.
import { memo, useRef, type JSX } from 'react';
import type { ClusterSnapshot, WorkloadSeries } from '../../../shared/cluster';
import type { Chapter, ShowState } from '../../../shared/show';
import { agoText, chapterIndexText } from '../lib/format';
import { staleNote, type MapRoom } from '../lib/mapModel';
import { chapterPosition, countdownNumber } from '../lib/show';
import { useServerNow, useStage } from '../state';
import { Countdown, Diagnosis, ModeBadge, Timeline } from './Bits';
import { ClusterMap, MapStrip } from './ClusterMap';
import { SafePart } from './KeepGoing';
import { WorkloadPanel } from './Workload';
import { SlideBody, SlideMarkdown } from './Slide';
import { StageFeed, useStageClock, useStageCluster } from './stageFeed';

type Side = 'timeline' | 'diagnosis' | 'workload' | null;

// Body text never shrinks below 28 design px: panel text is 32, narration 32/36/42.
const FIT_MIN_PANEL = 28 / 32;

/** True once the workload has run: from then on it sits beside the map on map chapters. */
export function workloadRan(cluster: ClusterSnapshot | null): boolean {
  const w = cluster?.workload;
  return !!w && (w.running || w.history.length > 0);
}

function sidePanel(chapter: Chapter, ran: boolean): Side {
  const p = chapter.panel;
  if (p !== 'none') return p;
  // On a map chapter the workload, once it has run, sits beside the map: the dip is half the story.
  return chapter.map && ran ? 'workload' : null;
}

function Panel({ side, show, workload, big }: { side: Side; show: ShowState; workload: WorkloadSeries | null; big: boolean }): JSX.Element | null {
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
          {workload ? (
            <WorkloadPanel workload={workload} variant={big ? 'big' : 'side'} timeline={show.timeline} />
          ) : (
            <div className="panel-empty">The workload is not running.</div>
          )}
        </section>
      );
    default:
      return null;
  }
}

// Memoized parts: a chapter change does not re-render the map, and a cluster tick reaches only the
// map and the workload panel (through StageFeed), not the slide's text (whose shrink-to-fit
// measures layout). Their props keep their identity while unchanged: the store puts the show
// together from parts and keeps the unchanged parts of each cluster snapshot (keepEqual).
const SlideBodyM = memo(SlideBody);
const SlideMarkdownM = memo(SlideMarkdown);
const ClusterMapM = memo(ClusterMap);
const MapStripM = memo(MapStrip);
const PanelM = memo(Panel);
const TimelineM = memo(Timeline);
// The stage's diagnosis says what has not happened yet without counting the seconds (the
// presenter's full text counts them, LiveDiagnosis): a count re-rendered and re-fitted the panel
// every second of a Diagnosis chapter, and measurably added to the page's heap over a long show.
const DiagnosisM = memo(Diagnosis);
/** The stage re-renders when the show changes; the cluster and the clock reach only its leaves. */
export const AudienceStageM = memo(AudienceStage);

/** The countdown's number, the one part of a counting chapter that follows the clock. */
function TickingCountdown({ ch, beat }: { ch: Chapter; beat: ShowState['beat'] }): JSX.Element | null {
  const n = countdownNumber(ch, beat, useStageClock());
  return n === null ? null : <Countdown n={n} action={ch.action} />;
}

/** Discreet notes only (the details go to the presenter view): reconnecting, or PD silent. */
function StatusNote({ connected, map }: { connected: boolean; map: boolean }): JSX.Element | null {
  const now = useStageClock();
  const cluster = useStageCluster();
  const note = !connected ? 'Live view reconnecting\u2026' : map && cluster ? staleNote(cluster, now, agoText) : null;
  return note ? <span className="stale-note">{note}</span> : null;
}

// The stage's leaves that follow the cluster, each in a SafePart of its own. The cluster reaches
// them through context inside the SafePart, so a tick re-renders the leaf, not the error
// boundary around it (which re-rendered with every snapshot, about 60 times a show).
function StageMapLive({ room }: { room: MapRoom }): JSX.Element | null {
  const cluster = useStageCluster();
  if (room === 'strip') return cluster ? <MapStripM cluster={cluster} /> : null;
  return cluster ? <ClusterMapM cluster={cluster} room={room} /> : <div className="map map-empty" />;
}

const StageMap = memo(function StageMap({ room }: { room: MapRoom }): JSX.Element {
  return (
    <SafePart>
      <StageMapLive room={room} />
    </SafePart>
  );
});

function StagePanelLive({ side, show, big }: { side: Side; show: ShowState; big: boolean }): JSX.Element {
  const workload = useStageCluster()?.workload ?? null;
  return <PanelM side={side} show={show} workload={workload} big={big} />;
}

const StagePanel = memo(function StagePanel({ side, show, big }: { side: Side; show: ShowState; big: boolean }): JSX.Element {
  return (
    <SafePart>
      <StagePanelLive side={side} show={show} big={big} />
    </SafePart>
  );
});

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
      <StageFeed cluster={live.cluster} now={live.serverNow}>
        <AudienceStageM show={live.show} workloadRan={workloadRan(live.cluster)} connected={connected} />
      </StageFeed>
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
  workloadRan: ran,
  connected,
  chapter,
  step,
  preview = false
}: {
  show: ShowState;
  /** workloadRan() of the cluster this stage draws (which itself comes through StageFeed). */
  workloadRan: boolean;
  connected: boolean;
  /** Another chapter than the current one (the next preview). */
  chapter?: Chapter;
  step?: number;
  /** A preview: no countdown, no status notes. */
  preview?: boolean;
}): JSX.Element {
  const ch = chapter ?? show.chapter;
  const shownStep = step ?? show.step ?? 0;
  const side = sidePanel(ch, ran);
  // The diagnosis needs the width: its map shrinks to a strip of chips above it.
  const layout = ch.map ? (side === 'diagnosis' ? 'diag' : 'map') : side ? 'panel' : 'text';
  // A map chapter keeps the map's layout; `section` still marks it as a divider (its title stands out).
  const slideLayout = layout === 'text' ? (ch.layout ?? 'default') : ch.layout === 'section' ? 'section' : 'default';
  // Whether a countdown shows does not depend on the time, only its number does (countdownNumber).
  const counting = !preview && countdownNumber(ch, show.beat, 0) !== null;
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
          <StageMap room="strip" />
          <StagePanel side={side} show={show} big={true} />
        </div>
      )}
      {layout === 'map' && (
        <div className={`stage-main${side ? '' : ' stage-main-solo'}`}>
          <StageMap room={side ? 'beside' : 'solo'} />
          {side && <StagePanel side={side} show={show} big={false} />}
        </div>
      )}
      {layout === 'panel' && (
        <div className="stage-main">
          <SlideMarkdownM className="narration narration-column" source={ch.narration} fitMin={28 / 36} steps={ch.steps ?? 0} step={shownStep} />
          <StagePanel side={side} show={show} big={true} />
        </div>
      )}
      <footer className="slide-foot">
        <ModeBadge mode={show.mode} />
        {!preview && <StatusNote connected={connected} map={ch.map} />}
        <span className="chapter-index" data-testid="chapter-index">
          {chapterIndexText(index - 1, show.total)}
        </span>
      </footer>
      {counting && <TickingCountdown ch={ch} beat={show.beat} />}
    </div>
  );
}
