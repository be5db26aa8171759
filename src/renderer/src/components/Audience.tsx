// The audience view: a 1920×1080 design, letterboxed and scaled with the viewport. Title,
// narration, the live cluster map and a side panel; a calm countdown; black when blacked out.
// Errors never appear here: they go to the presenter view.
import { useRef, type JSX } from 'react';
import type { ClusterSnapshot } from '../../../shared/cluster';
import type { ShowState } from '../../../shared/show';
import { agoText, chapterIndexText } from '../lib/format';
import { staleNote } from '../lib/mapModel';
import { chapterPosition, countdownNumber } from '../lib/show';
import { useServerNow, useStage } from '../state';
import { Countdown, Diagnosis, Markdown, ModeBadge, Timeline } from './Bits';
import { ClusterMap, MapStrip } from './ClusterMap';
import { WorkloadPanel } from './Workload';

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
          <Timeline events={show.timeline} max={big ? 10 : 8} fitMin={FIT_MIN_PANEL} />
        </section>
      );
    case 'diagnosis':
      return (
        <section className={`panel panel-diagnosis${big ? '' : ' panel-wide'}`}>
          <h2 className="panel-title">Diagnosis</h2>
          <Diagnosis findings={show.diagnosis} fitMin={FIT_MIN_PANEL} variant="stage" />
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
function useFreezable(
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
  const { show, cluster, serverNow } = live;
  const connected = useStage((s) => s.bridgeKind === 'electron' || s.connection.state === 'open');
  if (!show) return <Waiting />;

  const ch = show.chapter;
  const side = sidePanel(show, cluster);
  // The diagnosis needs the width: its map shrinks to a strip of chips above it.
  const layout = ch.map ? (side === 'diagnosis' ? 'diag' : 'map') : side ? 'panel' : 'text';
  const cd = countdownNumber(ch, show.beat, serverNow);
  // Discreet notes only: the details go to the presenter view.
  const note = !connected
    ? 'Live view reconnecting\u2026'
    : cluster && ch.map
      ? staleNote(cluster, serverNow, agoText)
      : null;
  const mode = show.mode;

  return (
    <div className="aud-root">
      <div className={`stage layout-${layout}`}>
        <header className="slide-head">
          <h1 className="slide-title" data-testid="slide-title">
            {ch.title}
          </h1>
        </header>
        {layout !== 'panel' && (
          <Markdown className="narration" source={ch.narration} fitMin={layout === 'text' ? 28 / 42 : 28 / 32} />
        )}
        {layout === 'diag' && (
          <div className="stage-main stage-main-diag">
            {cluster ? <MapStrip cluster={cluster} /> : null}
            <Panel side={side} show={show} cluster={cluster} big={true} />
          </div>
        )}
        {layout === 'map' && (
          <div className={`stage-main${side ? '' : ' stage-main-solo'}`}>
            {cluster ? <ClusterMap cluster={cluster} serverNow={serverNow} /> : <div className="map map-empty" />}
            {side && <Panel side={side} show={show} cluster={cluster} big={false} />}
          </div>
        )}
        {layout === 'panel' && (
          <div className="stage-main">
            <Markdown className="narration narration-column" source={ch.narration} fitMin={28 / 36} />
            <Panel side={side} show={show} cluster={cluster} big={true} />
          </div>
        )}
        <footer className="slide-foot">
          <ModeBadge mode={mode} />
          {note && <span className="stale-note">{note}</span>}
          <span className="chapter-index" data-testid="chapter-index">
            {chapterIndexText(chapterPosition(show) - 1, show.total)}
          </span>
        </footer>
        {cd !== null && <Countdown n={cd} action={ch.action} />}
      </div>
      {live.blackout && <div className="blackout" data-testid="blackout" />}
    </div>
  );
}
