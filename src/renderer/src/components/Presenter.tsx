// The presenter view (basic): what is on screen now and what comes next, the notes, the clock,
// the buttons (each with its key), problems in plain words, and the cluster in detail.
// It stays live while the audience is blacked out.
import type { JSX, MouseEvent } from 'react';
import type { ClusterSnapshot } from '../../../shared/cluster';
import type { ActionLogEntry, BeatState, Chapter, ShowState } from '../../../shared/show';
import { agoText, chapterIndexText, elapsedText, wallClockText } from '../lib/format';
import { chapterPosition, countdownNumber } from '../lib/show';
import type { ConnectionStatus } from '../lib/wsClient';
import { send, useNow, useServerNow, useStage } from '../state';
import { Countdown, Diagnosis, Markdown, ModeBadge, Timeline } from './Bits';
import { ClusterMap } from './ClusterMap';
import { WorkloadFigure } from './Workload';

function Btn({
  label,
  keys,
  onPress,
  tone = 'plain'
}: {
  label: string;
  keys: string;
  onPress: () => void;
  tone?: 'plain' | 'primary' | 'warn' | 'danger';
}): JSX.Element {
  return (
    <button
      type="button"
      tabIndex={-1}
      className={`btn btn-${tone}`}
      // Never take focus: a focused control could eat the clicker's keys.
      onMouseDown={(e: MouseEvent) => e.preventDefault()}
      onClick={(e: MouseEvent<HTMLButtonElement>) => {
        e.currentTarget.blur();
        onPress();
      }}
    >
      <span className="btn-label">{label}</span>
      <kbd className="btn-key">{keys}</kbd>
    </button>
  );
}

function beatLine(beat: BeatState, ch: Chapter): string | null {
  switch (beat.phase) {
    case 'none':
      return ch.action ? `Action on this chapter: ${ch.action}` : null;
    case 'countdown':
      return `Counting down to ${ch.action ?? 'the action'}`;
    case 'running':
      return `Running ${ch.action ?? 'the action'}…${beat.message ? ` ${beat.message}` : ''}`;
    case 'done':
      return `Done${beat.message ? `: ${beat.message}` : ''}`;
    case 'failed':
      return `Failed${beat.message ? `: ${beat.message}` : ''}`;
  }
}

function connectionText(c: ConnectionStatus, kind: string): string | null {
  if (kind === 'electron') return null;
  switch (c.state) {
    case 'open':
      return null;
    case 'connecting':
      return 'Connecting to the app…';
    case 'reconnecting':
      return `Not connected to the app (${c.detail ?? 'connection lost'}). Retrying${
        c.retryInMs !== null ? ` in ${Math.max(1, Math.round(c.retryInMs / 1000))} s` : ''
      }. Check that \`npm run web\` is still running.`;
    case 'closed':
      return `No connection to the app: ${c.detail ?? 'closed'}.`;
  }
}

function Problems({
  notices,
  cluster,
  serverNow,
  localNow
}: {
  notices: string[];
  cluster: ClusterSnapshot | null;
  serverNow: number;
  localNow: number;
}): JSX.Element | null {
  const connection = useStage((s) => s.connection);
  const bridgeKind = useStage((s) => s.bridgeKind);
  const requestError = useStage((s) => s.requestError);
  const items: { key: string; text: string; tone: 'bad' | 'warn' }[] = [];
  const conn = connectionText(connection, bridgeKind);
  if (conn) items.push({ key: 'conn', text: conn, tone: 'bad' });
  notices.forEach((n, i) => items.push({ key: `n${i}`, text: n, tone: 'bad' }));
  if (requestError && localNow - requestError.at < 5 * 60_000)
    items.push({ key: 'req', text: `${requestError.text} (${agoText(localNow - requestError.at)})`, tone: 'warn' });
  if (cluster?.pdError)
    items.push({
      key: 'pd',
      text: `PD not answering${cluster.takenAt ? `, last good view ${agoText(serverNow - cluster.takenAt)}` : ''}: ${cluster.pdError}`,
      tone: 'bad'
    });
  if (cluster?.containerNote) items.push({ key: 'ct', text: `Containers: ${cluster.containerNote}`, tone: 'warn' });
  if (items.length === 0) return null;
  return (
    <section className="p-problems" aria-label="problems">
      {items.map((i) => (
        <p key={i.key} className={`p-problem p-problem-${i.tone}`}>
          {i.text}
        </p>
      ))}
    </section>
  );
}

function LogList({ log, serverNow }: { log: ActionLogEntry[]; serverNow: number }): JSX.Element {
  const rows = [...log].sort((a, b) => b.seq - a.seq).slice(0, 30);
  if (rows.length === 0) return <p className="p-muted">No actions yet.</p>;
  return (
    <ol className="p-log">
      {rows.map((e) => (
        <li key={e.seq} className={`p-log-row p-log-${e.outcome}`}>
          <span className="p-log-when">{agoText(serverNow - e.at)}</span>
          <span className="p-log-outcome">{e.outcome === 'ok' ? 'ok' : e.outcome === 'failed' ? 'FAILED' : 'info'}</span>
          <span className="p-log-what">
            {e.what}
            {e.detail && <span className="p-log-detail"> — {e.detail}</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}

function OpenFaults({ show, serverNow }: { show: ShowState; serverNow: number }): JSX.Element | null {
  const open = show.faults.filter((f) => f.status !== 'restored');
  if (open.length === 0) return null;
  return (
    <section className="p-card p-faults">
      <h2 className="p-h">Open faults</h2>
      <ul>
        {open.map((f) => (
          <li key={f.id} className="p-fault">
            <span>
              {f.spec.kind} <b>{f.node}</b>, {agoText(serverNow - f.injectedAt)}
              {f.status === 'failed' && f.error ? <span className="p-fault-err"> — failed: {f.error}</span> : null}
            </span>
            <Btn label="Restore" keys="click" onPress={() => send('restoreFault', f.id)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The talk timer (F5/Esc on the clicker toggles it); without one, time since the show started. */
function TalkTimer({ show, serverNow }: { show: ShowState; serverNow: number }): JSX.Element {
  const t = show.presenter?.timer;
  if (!t) {
    return (
      <span className="p-clock">
        <span className="p-clock-label">elapsed</span> {show.startedAt > 0 ? elapsedText(serverNow - show.startedAt) : '0:00'}
      </span>
    );
  }
  const ms = t.elapsedMs + (t.running && t.since !== null ? Math.max(0, serverNow - t.since) : 0);
  return (
    <span className={`p-clock${t.running ? '' : ' p-clock-paused'}`}>
      <span className="p-clock-label">{t.running ? 'talk' : 'talk (paused · F5)'}</span> {elapsedText(ms)}
      {t.targetMs ? <span className="p-clock-target"> / {elapsedText(t.targetMs)}</span> : null}
    </span>
  );
}

export function Presenter(): JSX.Element {
  const show = useStage((s) => s.show);
  const cluster = useStage((s) => s.cluster);
  const log = useStage((s) => s.log);
  const localNow = useNow();
  const serverNow = useServerNow();

  if (!show) {
    return (
      <div className="presenter presenter-waiting">
        <h1>TiKV Stage — presenter</h1>
        <Problems notices={[]} cluster={null} serverNow={serverNow} localNow={localNow} />
        <p className="p-muted">Waiting for the show's state…</p>
      </div>
    );
  }

  const ch = show.chapter;
  const cd = countdownNumber(ch, show.beat, serverNow);
  const beat = beatLine(show.beat, ch);
  const pos = chapterPosition(show);
  const cues = show.presenter?.rehearsal.cues[ch.id]?.cues;

  return (
    <div className={`presenter${show.blackout ? ' is-blackout' : ''}`}>
      <header className="p-top">
        <ModeBadge mode={show.mode} className="p-mode" />
        <span className="p-mode-reason">
          {show.mode === 'sim' ? 'Simulated cluster' : 'Live cluster'}: {show.modeReason}
        </span>
        {show.blackout && <span className="p-blackout-flag">AUDIENCE BLACKED OUT · B to show</span>}
        {show.presenter?.frozen && <span className="p-blackout-flag">AUDIENCE FROZEN · F to unfreeze</span>}
        <span className="p-clocks">
          <TalkTimer show={show} serverNow={serverNow} />
          <span className="p-clock">
            <span className="p-clock-label">clock</span> {wallClockText(localNow)}
          </span>
        </span>
      </header>

      <main className="p-main">
        <div className="p-left">
          <section className="p-now">
            <div className="p-kicker">
              Now · <span data-testid="chapter-index">{chapterIndexText(pos - 1, show.total)}</span>
            </div>
            <h1 className="p-title" data-testid="slide-title">
              {ch.title}
            </h1>
            {beat && <p className={`p-beat p-beat-${show.beat.phase}`}>{beat}</p>}
            {cues && cues.length > 0 && <p className="p-cues">Rehearsal: {cues.join(' · ')}</p>}
            {!show.canAdvance && show.blockedReason && <p className="p-blocked">Can't advance yet: {show.blockedReason}</p>}
            {cd !== null && <Countdown n={cd} action={ch.action} compact />}
          </section>

          <section className="p-next">
            <div className="p-kicker">Next</div>
            {show.next ? (
              <>
                <div className="p-next-title">{show.next.title}</div>
                {show.next.action && (
                  <div className="p-next-action">
                    then: {show.next.action}
                    {show.next.countdown > 0 ? ` after a ${show.next.countdown} s countdown` : ''}
                  </div>
                )}
              </>
            ) : (
              <div className="p-next-title p-muted">End of the deck</div>
            )}
          </section>

          <section className="p-notes-wrap">
            <div className="p-kicker">Notes</div>
            {ch.notes.trim() ? (
              <Markdown className="p-notes" testId="presenter-notes" source={ch.notes} />
            ) : (
              <div className="p-notes p-muted" data-testid="presenter-notes">
                No notes for this chapter.
              </div>
            )}
          </section>

          <nav className="p-buttons">
            <Btn label="◀ Back" keys="PgUp / ←" onPress={() => send('prev')} />
            <Btn label={show.canAdvance ? 'Next ▶' : 'Next (blocked)'} keys="PgDn / →" tone="primary" onPress={() => send('next')} />
            <Btn label={show.blackout ? 'Show audience' : 'Blackout'} keys="B / ." onPress={() => send('blackout')} />
            <Btn label={show.presenter?.frozen ? 'Unfreeze' : 'Freeze'} keys="F" onPress={() => send('freeze')} />
            <Btn label="Restore all" keys="click" tone="warn" onPress={() => send('restoreAll')} />
            <Btn label="Panic" keys="Shift+Esc · hold B" tone="danger" onPress={() => send('panic')} />
          </nav>
        </div>

        <div className="p-right">
          <Problems
            notices={[...show.notices, ...(show.presenter?.deckErrors ?? []).map((e) => `Deck: ${e}`)]}
            cluster={cluster}
            serverNow={serverNow}
            localNow={localNow}
          />
          <section className="p-card p-cluster">
            <h2 className="p-h">
              Cluster{cluster ? ` · ${cluster.mode === 'sim' ? 'simulated' : 'live'} · PD ${cluster.pdUrl}` : ''}
              {cluster?.stale ? ' · STALE' : ''}
            </h2>
            {cluster ? (
              <ClusterMap cluster={cluster} serverNow={serverNow} detail />
            ) : (
              <p className="p-muted">No cluster snapshot yet.</p>
            )}
          </section>
          {cluster?.workload && (
            <section className="p-card p-workload">
              <h2 className="p-h">Workload · {cluster.workload.source}</h2>
              <WorkloadFigure workload={cluster.workload} variant="compact" />
            </section>
          )}
          <OpenFaults show={show} serverNow={serverNow} />
          {show.diagnosis.length > 0 && (
            <section className="p-card p-diagnosis">
              <h2 className="p-h">Diagnosis (as the audience sees it)</h2>
              <Diagnosis lines={show.diagnosis} />
            </section>
          )}
          <section className="p-card p-timeline">
            <h2 className="p-h">Timeline</h2>
            <Timeline events={show.timeline} max={8} />
          </section>
          <section className="p-card p-logcard">
            <h2 className="p-h">Action log</h2>
            <LogList log={log} serverNow={serverNow} />
          </section>
        </div>
      </main>
    </div>
  );
}

