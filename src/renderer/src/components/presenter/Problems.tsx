// Presenter-only problems, in plain words with what to do: the connection, deck errors (in red,
// with file:line), chaos notices, a failed request, PD not answering, containers unknown.
import type { JSX } from 'react';
import type { ClusterSnapshot } from '../../../../shared/cluster';
import { agoText } from '../../lib/format';
import type { ConnectionStatus } from '../../lib/wsClient';
import { useStage } from '../../state';

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

/** "deck.md:12: unknown action …" → location and message. */
export function splitDeckError(line: string): { where: string | null; what: string } {
  const m = /^(.+?:\d+(?::\d+)?):\s*(.*)$/s.exec(line);
  return m ? { where: m[1] ?? null, what: m[2] ?? line } : { where: null, what: line };
}

export function Problems({
  notices,
  deckErrors,
  cluster,
  serverNow,
  localNow
}: {
  notices: string[];
  deckErrors: string[];
  cluster: ClusterSnapshot | null;
  serverNow: number;
  localNow: number;
}): JSX.Element | null {
  const connection = useStage((s) => s.connection);
  const bridgeKind = useStage((s) => s.bridgeKind);
  const requestError = useStage((s) => s.requestError);
  const items: { key: string; text: JSX.Element | string; tone: 'bad' | 'warn' }[] = [];
  const conn = connectionText(connection, bridgeKind);
  if (conn) items.push({ key: 'conn', text: conn, tone: 'bad' });
  deckErrors.forEach((e, i) => {
    const { where, what } = splitDeckError(e);
    items.push({
      key: `d${i}`,
      tone: 'bad',
      text: (
        <>
          <b>Deck error{where ? ` at ${where}` : ''}:</b> {what} <span className="p-problem-hint">(the last good deck stays on screen)</span>
        </>
      )
    });
  });
  notices.forEach((n, i) => items.push({ key: `n${i}`, text: n, tone: 'bad' }));
  if (requestError && localNow - requestError.at < 5 * 60_000)
    items.push({ key: 'req', text: `${requestError.text} (${agoText(localNow - requestError.at)})`, tone: 'warn' });
  if (cluster?.pdError && !notices.some((n) => n.includes(cluster.pdError ?? '\u0000')))
    items.push({
      key: 'pd',
      text: `${cluster.pdElecting ? 'PD electing a leader' : 'PD not answering'}${cluster.takenAt ? `, last good view ${agoText(serverNow - cluster.takenAt)}` : ''}: ${cluster.pdError}`,
      tone: 'bad'
    });
  if (cluster?.containerNote) items.push({ key: 'ct', text: `Containers: ${cluster.containerNote}`, tone: 'warn' });
  if (items.length === 0) return null;
  return (
    <section className="p-problems" aria-label="problems" data-testid="presenter-problems">
      {items.map((i) => (
        <p key={i.key} className={`p-problem p-problem-${i.tone}`}>
          {i.text}
        </p>
      ))}
    </section>
  );
}
