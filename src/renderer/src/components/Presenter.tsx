// The presenter view. Left: now, next (biggest), notes, the big buttons. Right: problems in
// plain words (always), then tabs: the live cluster in detail, chapters to jump to, chaos by
// hand, preflight, key learning, deck and rehearsal. It stays live while the audience is
// blacked out or frozen, and sizes itself in rem scaled to the window (1 rem = 16 px at 1080p).
import { memo, type ComponentProps, type JSX } from 'react';
import { useAfterPaint } from './useAfterPaint';
import { PRESENTER_TABS } from '../lib/ui';
import { uiStore, useNow, useServerNow, useStage, useUi } from '../state';
import { Btn } from './Btn';
import { ChaosTab } from './presenter/ChaosTab';
import { ChaptersTab } from './presenter/ChaptersTab';
import { KeysTab } from './presenter/KeysTab';
import { LeftColumn } from './presenter/LeftColumn';
import { LiveTab } from './presenter/LiveTab';
import { PreflightTab } from './presenter/PreflightTab';
import { Problems } from './presenter/Problems';
import { ReplayPanel } from './presenter/ReplayPanel';
import { SetupTab } from './presenter/SetupTab';
import { TopBar } from './presenter/TopBar';

// A cluster tick or a log line re-renders the tabs, not the top bar and the left column (mirror, next, notes).
const TopBarM = memo(TopBar);
const LeftColumnM = memo(LeftColumn);
const LiveTabM = memo(LiveTab);
const ChaptersTabM = memo(ChaptersTab);

/**
 * The problem list with the one-second clock it needs ("12 s ago"). Only this re-renders on the
 * clock's tick: the presenter's root does not subscribe to it, so the tick leaves the tabs, the
 * left column and the mirror's frame alone.
 */
const TickingProblems = memo(function TickingProblems(props: Omit<ComponentProps<typeof Problems>, 'serverNow' | 'localNow'>): JSX.Element | null {
  const localNow = useNow();
  const serverNow = useServerNow();
  return <Problems {...props} serverNow={serverNow} localNow={localNow} />;
});
const NO_PROBLEMS: never[] = [];

export function Presenter(): JSX.Element {
  const show = useStage((s) => s.show);
  const cluster = useStage((s) => s.cluster);
  const tab = useUi((s) => s.tab);
  // The tabs follow a frame later: a key press paints "Now · N / M" first, the tab after.
  const tabShow = useAfterPaint(show);

  if (!show) {
    return (
      <div className="presenter presenter-waiting">
        <h1>TiKV Stage — presenter</h1>
        <TickingProblems notices={NO_PROBLEMS} deckErrors={NO_PROBLEMS} cluster={null} />
        <p className="p-muted">Waiting for the show's state…</p>
      </div>
    );
  }

  return (
    <div className={`presenter${show.blackout ? ' is-blackout' : ''}${show.presenter.frozen ? ' is-frozen' : ''}`}>
      <TopBarM show={show} />
      <main className="p-main">
        <LeftColumnM show={show} />
        <div className="p-right">
          <ReplayPanel show={show} />
          <TickingProblems
            notices={show.notices}
            deckErrors={show.presenter.deckErrors}
            deckWarnings={show.presenter.deckWarnings}
            cluster={cluster}
          />
          <nav className="p-tabs" role="tablist">
            {PRESENTER_TABS.map((t) => (
              <Btn
                key={t.id}
                size="small"
                tone={tab === t.id ? 'on' : 'plain'}
                className="p-tab-btn"
                label={t.label}
                testId={`tab-${t.id}`}
                onPress={() => uiStore.setState({ tab: t.id })}
              />
            ))}
          </nav>
          <div className="p-tab-body">
            {tab === 'live' && <LiveTabM show={tabShow ?? show} cluster={cluster} />}
            {tab === 'chapters' && <ChaptersTabM show={tabShow ?? show} />}
            {tab === 'chaos' && <ChaosTab show={tabShow ?? show} cluster={cluster} />}
            {tab === 'preflight' && <PreflightTab />}
            {tab === 'keys' && <KeysTab show={show} />}
            {tab === 'setup' && <SetupTab show={show} />}
          </div>
        </div>
      </main>
    </div>
  );
}
