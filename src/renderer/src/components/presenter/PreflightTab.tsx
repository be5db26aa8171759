// The preflight board: go / no-go before the show, each red line with how to fix it.
import { useEffect, useRef, useState, type JSX } from 'react';
import type { PreflightReport } from '../../../../shared/preflight';
import { agoText } from '../../lib/format';
import { ask, useNow } from '../../state';
import { Btn } from '../Btn';
import { StateIcon } from '../Icons';

/** Kept across tab switches: the last report is still worth reading. */
let lastReport: { report: PreflightReport | null; error: string | null; at: number } | null = null;

export function PreflightTab(): JSX.Element {
  const [state, setState] = useState(lastReport);
  const [busy, setBusy] = useState(false);
  const now = useNow();
  const live = useRef(true);
  const run = async (): Promise<void> => {
    setBusy(true);
    const r = await ask('preflight');
    const next = r.ok ? { report: r.value, error: null, at: Date.now() } : { report: null, error: r.error, at: Date.now() };
    lastReport = next;
    if (!live.current) return;
    setBusy(false);
    setState(next);
  };
  useEffect(() => {
    live.current = true;
    if (!lastReport) void run();
    return () => {
      live.current = false;
    };
  }, []);
  const report = state?.report ?? null;
  return (
    <div className="p-tab p-tab-preflight" data-testid="preflight">
      <div className="p-preflight-head">
        {report ? (
          <span className={`p-go ${report.ok ? 'p-go-ok' : 'p-go-bad'}`} data-testid="preflight-verdict">
            <StateIcon visual={report.ok ? 'up' : 'down'} />
            {report.ok ? 'GO' : 'NO GO'}
          </span>
        ) : (
          <span className="p-go">{busy ? 'Checking…' : 'Not checked yet'}</span>
        )}
        <Btn size="small" label={busy ? 'Checking…' : 'Run preflight again'} onPress={() => void run()} disabled={busy} />
        {state && <span className="p-muted">checked {agoText(now - state.at)}</span>}
      </div>
      {state?.error && <p className="p-problem p-problem-bad">Preflight failed to run: {state.error}</p>}
      {report && (
        <ul className="p-preflight">
          {report.lines.map((l) => (
            <li key={l.id} className={`p-pf-line ${l.ok ? (l.warn ? 'p-pf-warn' : 'p-pf-ok') : 'p-pf-bad'}`} data-ok={l.ok ? 'true' : 'false'} data-warn={l.warn ? 'true' : undefined}>
              <StateIcon visual={l.ok ? 'up' : 'down'} />
              <div>
                <div className="p-pf-title">
                  {l.title} <span className="p-pf-word">{l.ok ? (l.warn ? 'ok, but' : 'ok') : 'NOT OK'}</span>
                </div>
                <div className="p-pf-detail">{l.detail}</div>
                {(!l.ok || l.warn) && l.fix && (
                  <div className="p-pf-fix">
                    <b>Fix:</b> {l.fix}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
