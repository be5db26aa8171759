// The presenter view. Left: now, next (biggest), notes, the big buttons. Right: problems in
// plain words (always), then tabs: the live cluster in detail, chapters to jump to, chaos by
// hand, preflight, key learning, deck and rehearsal. It stays live while the audience is
// blacked out or frozen, and sizes itself in rem scaled to the window (1 rem = 16 px at 1080p).
import { memo, useDeferredValue, type JSX } from 'react';
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

export function Presenter(): JSX.Element {
  const show = useStage((s) => s.show);
  const cluster = useStage((s) => s.cluster);
  const log = useStage((s) => s.log);
  const tab = useUi((s) => s.tab);
  const localNow = useNow();
  const serverNow = useServerNow();
  // The tabs follow at a lower priority: a key press paints "Now · N / M" first, the tab after.
  const tabShow = useDeferredValue(show);

  if (!show) {
    return (
      <div className="presenter presenter-waiting">
        <h1>TiKV Stage — presenter</h1>
        <Problems notices={[]} deckErrors={[]} cluster={null} serverNow={serverNow} localNow={localNow} />
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
          <Problems
            notices={show.notices}
            deckErrors={show.presenter.deckErrors}
            deckWarnings={show.presenter.deckWarnings}
            cluster={cluster}
            serverNow={serverNow}
            localNow={localNow}
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
            {tab === 'live' && <LiveTabM show={tabShow ?? show} cluster={cluster} log={log} serverNow={serverNow} />}
            {tab === 'chapters' && <ChaptersTab show={tabShow ?? show} />}
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
