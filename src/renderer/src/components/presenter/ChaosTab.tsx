// Faults by hand, beside the deck's own: kill, stop, pause or cut off a random or named TiKV,
// or kill the PD leader. One click arms a button, a second click within 4 s fires it: nothing
// is injected by a stray click.
import { useEffect, useState, type JSX } from 'react';
import type { FaultSpec } from '../../../../shared/actions';
import type { ClusterSnapshot } from '../../../../shared/cluster';
import type { ShowState } from '../../../../shared/show';
import { faultButtons, type FaultButton } from '../../lib/chaos';
import { ask, send, useServerNow } from '../../state';
import { Btn } from '../Btn';
import { OpenFaults } from './LiveTab';
import { ResetShowButton } from './ResetShow';

const ARM_MS = 4000;

export function ChaosTab({ show, cluster }: { show: ShowState; cluster: ClusterSnapshot | null }): JSX.Element {
  const serverNow = useServerNow();
  const [armed, setArmed] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(null), ARM_MS);
    return () => clearTimeout(t);
  }, [armed]);

  const fire = async (b: FaultButton): Promise<void> => {
    setArmed(null);
    setBusy(true);
    setResult(null);
    const r = await ask('injectFault', b.spec as FaultSpec);
    setBusy(false);
    setResult(r.ok ? { ok: true, text: `Asked to ${b.confirm}: done. See the action log.` } : { ok: false, text: `Could not ${b.confirm}: ${r.error}` });
  };
  const press = (b: FaultButton): void => {
    if (busy) return;
    if (armed === b.key) void fire(b);
    else setArmed(b.key);
  };
  const btn = (b: FaultButton, tone: 'plain' | 'danger' = 'plain'): JSX.Element => (
    <Btn
      key={b.key}
      size="small"
      tone={armed === b.key ? 'armed' : tone}
      label={armed === b.key ? `Click again: ${b.confirm}` : b.label}
      testId={`fault-${b.key}`}
      onPress={() => press(b)}
      disabled={busy}
    />
  );
  const buttons = faultButtons(
    (cluster?.tikv ?? []).map((n) => n.name),
    cluster?.pdLeader ?? null
  );
  const states = new Map((cluster?.tikv ?? []).map((n) => [n.name, n]));
  return (
    <div className="p-tab p-tab-chaos">
      <section className="p-card">
        <h2 className="p-h">A random TiKV</h2>
        <div className="p-chaos-row">{buttons.random.map((b) => btn(b, b.spec.kind === 'kill' ? 'danger' : 'plain'))}</div>
      </section>
      <section className="p-card">
        <h2 className="p-h">A named TiKV</h2>
        {buttons.named.length === 0 && <p className="p-muted">No TiKV store known yet.</p>}
        {buttons.named.map((n) => {
          const s = states.get(n.name);
          return (
            <div key={n.name} className="p-chaos-named">
              <span className="p-chaos-name">
                <b>{n.name}</b>
                {s && (
                  <span className="p-muted">
                    {' '}
                    · {s.state} · {s.container}
                  </span>
                )}
              </span>
              <div className="p-chaos-row">{n.buttons.map((b) => btn(b))}</div>
            </div>
          );
        })}
      </section>
      <section className="p-card">
        <h2 className="p-h">PD</h2>
        <div className="p-chaos-row">{btn(buttons.pd, 'danger')}</div>
      </section>
      {result && <p className={`p-problem ${result.ok ? 'p-ok' : 'p-problem-bad'}`}>{result.text}</p>}
      <OpenFaults show={show} serverNow={serverNow} />
      <div className="p-chaos-row">
        <Btn label="Restore all" keys="R" tone="warn" onPress={() => send('restoreAll')} testId="chaos-restore-all" />
        <Btn label="Panic" keys="Shift+Esc · hold B" tone="danger" onPress={() => send('panic')} />
      </div>
      <ResetShowButton />
    </div>
  );
}
