// Presenter-only problems, in plain words with what to do: the connection, deck errors (in red,
// with file:line), chaos notices, a failed request, PD not answering, containers unknown.
import type { JSX } from 'react';
import type { ClusterSnapshot } from '../../../../shared/cluster';
import type { DeckProblem } from '../../../../shared/show';
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

/** Where a deck problem is, as the presenter reads it: "deck.md:12", or the file alone. */
export function deckWhere(p: DeckProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}` : p.file;
}

export function Problems({
  notices,
  deckErrors,
  deckWarnings = [],
  cluster,
  serverNow,
  localNow
}: {
  notices: string[];
  deckErrors: DeckProblem[];
  /** Warnings of the deck in use (a Slidev key ignored, a missing image): the show goes on. */
  deckWarnings?: DeckProblem[];
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
    items.push({
      key: `d${i}`,
      tone: 'bad',
      text: (
        <>
          <b>Deck error at {deckWhere(e)}:</b> {e.message} <span className="p-problem-hint">(the last good deck stays on screen)</span>
        </>
      )
    });
  });
  notices.forEach((n, i) => items.push({ key: `n${i}`, text: n, tone: 'bad' }));
  // A deck written for Slidev can carry dozens of ignored settings: the first few, then a count.
  const WARNINGS_SHOWN = 5;
  deckWarnings.slice(0, WARNINGS_SHOWN).forEach((w, i) => {
    items.push({
      key: `w${i}`,
      tone: 'warn',
      text: (
        <span data-testid="deck-warning">
          <b>Deck warning at {deckWhere(w)}:</b> {w.message}
        </span>
      )
    });
  });
  if (deckWarnings.length > WARNINGS_SHOWN)
    items.push({ key: 'wmore', tone: 'warn', text: `and ${deckWarnings.length - WARNINGS_SHOWN} more deck warnings of the same kind` });
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
