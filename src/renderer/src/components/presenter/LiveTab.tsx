// The presenter's "Live" tab: the cluster in detail, the workload, open faults, the diagnosis
// (full text), the timeline and the action log.
import { memo, type JSX, type PointerEvent } from 'react';
import type { ClusterSnapshot } from '../../../../shared/cluster';
import type { ActionLogEntry, ShowState } from '../../../../shared/show';
import { agoText, wallClockText } from '../../lib/format';
import { send, serverNow, useServerNow, useStage } from '../../state';
import { useAfterPaint } from '../useAfterPaint';
import { LiveDiagnosis, Timeline } from '../Bits';
import { Btn } from '../Btn';
import { ClusterTable } from '../ClusterTable';
import { StateIcon } from '../Icons';
import { WorkloadPanel } from '../Workload';

/** A log line's age, in its hover title, worked out as the pointer comes: nothing renders every
 *  second for a tooltip (it used to re-render all 40 lines on every tick). */
function showAge(e: PointerEvent<HTMLElement>): void {
  const at = Number(e.currentTarget.dataset.at);
  if (Number.isFinite(at)) e.currentTarget.title = agoText(serverNow() - at);
}

export function ActionLog({ log, max = 40 }: { log: ActionLogEntry[]; max?: number }): JSX.Element {
  const rows = [...log].sort((a, b) => b.seq - a.seq).slice(0, max);
  if (rows.length === 0) return <p className="p-muted">No actions yet.</p>;
  return (
    <ol className="p-log" data-testid="action-log">
      {rows.map((e) => (
        <li key={e.seq} className={`p-log-row p-log-${e.outcome}`}>
          <span className="p-log-when" data-at={e.at} onPointerEnter={showAge}>
            {wallClockText(e.at)}
          </span>
          <span className="p-log-outcome">
            <StateIcon visual={e.outcome === 'ok' ? 'up' : e.outcome === 'failed' ? 'down' : 'unknown'} />
            {e.outcome === 'ok' ? 'ok' : e.outcome === 'failed' ? 'FAILED' : 'info'}
          </span>
          <span className="p-log-what">
            {e.what}
            {e.detail && <span className="p-log-detail"> — {e.detail}</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function OpenFaults({ show, serverNow }: { show: ShowState; serverNow: number }): JSX.Element | null {
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
            <Btn size="small" label={`Restore ${f.node}`} onPress={() => send('restoreFault', f.id)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

// The one-second clock reaches only the parts that show an age (the table's heartbeats, the open
// faults); the chart, timeline and diagnosis re-render when their data
// changes, not on the tick nor on a cluster tick that leaves them as they were.
// The table re-renders when the cluster changes; its heartbeat cells follow the clock themselves.
const ClusterTableM = memo(ClusterTable);
const TickingOpenFaults = memo(function TickingOpenFaults({ show }: { show: ShowState }): JSX.Element | null {
  return <OpenFaults show={show} serverNow={useServerNow()} />;
});
// The log reads the store itself, a painted frame after a change: a move's log line never joins
// the frame that answers the key, and nothing else on the page renders for it.
const ActionLogAfterPaint = memo(function ActionLogAfterPaint(): JSX.Element {
  return <ActionLog log={useAfterPaint(useStage((s) => s.log))} />;
});
const WorkloadPanelM = memo(WorkloadPanel);
const TimelineM = memo(Timeline);
// The full text counts the seconds of a finding that waits (LiveDiagnosis); only then does it
// follow the clock.
const DiagnosisM = memo(LiveDiagnosis);

export function LiveTab({ show, cluster }: { show: ShowState; cluster: ClusterSnapshot | null }): JSX.Element {
  // On a Diagnosis chapter its full text is what the presenter reads out: it comes up under the
  // cluster, above the fold of a laptop screen. Moved by CSS order, so nothing re-mounts.
  const diagnosisFirst = show.chapter.panel === 'diagnosis';
  return (
    <div className={`p-tab p-tab-live${diagnosisFirst ? ' p-live-diagnosis-first' : ''}`}>
      <section className="p-card p-cluster">
        <h2 className="p-h">
          Cluster · {cluster ? `${cluster.mode === 'sim' ? 'simulated' : cluster.mode === 'replay' ? 'replay' : 'live'} · PD ${cluster.pdUrl}` : 'no snapshot yet'}
          {cluster?.stale ? ' · STALE' : ''}
          {cluster?.pdLeader ? ` · PD leader ${cluster.pdLeader}` : ''}
        </h2>
        {cluster ? <ClusterTableM cluster={cluster} /> : <p className="p-muted">No cluster snapshot yet.</p>}
      </section>
      <TickingOpenFaults show={show} />
      <div className="p-live-grid">
        {cluster?.workload && (
          <section className="p-card p-workload">
            <h2 className="p-h">Workload · {cluster.workload.source}</h2>
            <WorkloadPanelM workload={cluster.workload} variant="compact" timeline={show.timeline} />
          </section>
        )}
        <section className="p-card p-timeline">
          <h2 className="p-h">Timeline</h2>
          <TimelineM events={show.timeline} max={10} />
        </section>
      </div>
      {show.diagnosis.length > 0 && (
        <section className="p-card p-diagnosis">
          <h2 className="p-h">Diagnosis (full text; the audience sees the headlines)</h2>
          <DiagnosisM findings={show.diagnosis} />
        </section>
      )}
      <section className="p-card p-logcard">
        <h2 className="p-h">Action log</h2>
        <ActionLogAfterPaint />
      </section>
    </div>
  );
}
