// The composition root: the app's services wired together, the same for Electron and browser
// mode. Read top to bottom, it is the boot sequence: choose the cluster, load the deck, make
// the parts, wire them, start them, undo what an earlier run left open. The transports (IPC,
// WebSocket) only see `handlers`, `state()` and `subscribe()`.
import type { AppState, EventName, EventPayloads } from '../../shared/contract';
import type { ShowState } from '../../shared/show';
import { createFaultService } from '../chaos/faults';
import { describeLedgerDamage } from '../chaos/ledger';
import { formatDeckError, loadDeck } from '../show/deck';
import { createShow } from '../show/runtime';
import { createActionRunner } from './actions';
import { bootCluster, type BootedCluster } from './boot';
import { createClusterFeed } from './cluster-feed';
import { createHandlers, preflightUnavailable, withLedgerLine } from './handlers';
import { createJournal, type Journal } from './journal';
import { createPresenterSession } from './presenter';
import { showResetter } from './reset';
import { createShowEvents } from './show-events';
import { createStageReplay } from '../replay/stage-replay';
import { makeSwitchable } from '../replay/switchable-cluster';
import type { Stage, StageListener, StageOptions } from './types';

export type { LiveDeps, Stage, StageOptions } from './types';

export async function createStage(opts: StageOptions): Promise<Stage> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const listeners = new Set<StageListener>();
  const emit = <E extends EventName>(event: E, payload: EventPayloads[E]): void => listeners.forEach((l) => l(event, payload));
  // Views append each log line; it goes out after the show's parts of the same move, so a view
  // paints the slide before it draws the line (it cost the presenter's key a whole frame).
  const journal = createJournal({ onLog: (_all, added) => queueMicrotask(() => emit('logEntry', added)) });
  // The show goes out in parts, each only when it changed (src/shared/show-parts.ts).
  const showEvents = createShowEvents(emit);

  // 1. The cluster (mode and why, PD, chaos driver, workload, ledger) and the deck.
  const cluster = makeSwitchable(await bootCluster(opts.config, opts.live, opts.dataDir, log)); // live/sim can become a replay mid-show
  if (cluster.containerNote && cluster.mode === 'live') journal.notice(`Container states unknown: ${cluster.containerNote}`);
  if (cluster.ledgerError) journal.notice(cluster.ledgerError);
  const damage = cluster.ledger?.damage() ?? null;
  if (damage) journal.notice(describeLedgerDamage(damage));
  const deck = await loadDeck(opts.config.deck ?? opts.builtinDeck);
  if (!deck.ok) {
    await cluster.close();
    throw new Error(deck.errors.map(formatDeckError).join('\n'));
  }
  // Every show on a cluster is recorded; a replay learns which deck it plays under.
  const replay = createStageReplay({ dataDir: opts.dataDir, cluster, deck: deck.deck, journal, log, snapshot: () => feed.current() });

  // 2. The parts. Nothing runs until step 3: each part's callbacks into another part fire
  // only after start (createShow runs its first effects on a timer, the feed on start()).
  const feed = createClusterFeed({ cluster, notice: journal.notice, poller: cluster.poller });
  const faults =
    cluster.driver && cluster.ledger
      ? createFaultService({ driver: cluster.driver, ledger: cluster.ledger, scope: cluster.scope, pdLeader: feed.pdLeader, onChange: () => publish() })
      : null;
  const actions = replay.wrapActions(
    createActionRunner({
      ...cluster,
      containerNote: cluster.ledgerError ?? cluster.containerNote,
      faults,
      journal,
      record: (e) => show.recordEvent(e)
    }),
    { chapterId: () => show.director().chapters[show.director().index]?.id ?? null, lastFaultNode: () => faults?.all().at(-1)?.node ?? null }
  ); // each beat also goes to the recording
  // This run's show starts now: faults restored in an earlier run stay in the ledger, not in the
  // show's list (nor its diagnosis); one not restored (open, or failed and maybe half-applied)
  // is always listed, whenever it began.
  let showEpoch = Date.now();
  const show = createShow({
    deck: deck.deck,
    executor: { run: (action) => actions.run(action, { notify: false }) }, // the runtime reports failures itself
    extras: () => ({
      mode: cluster.mode,
      modeReason: cluster.modeReason,
      // After a resetShow, the show lists only its own faults (and any still open).
      faults: (faults?.all() ?? []).filter((f) => f.status !== 'restored' || f.injectedAt >= showEpoch),
      notices: journal.notices(), // PD's own trouble travels with the cluster snapshot (pdError, pdElecting)
      presenter: { ...presenter.extras(), replay: replay.extras() }
    }),
    onChange: () => publish(),
    onLog: (e) => journal.log(e.what, e.outcome, e.detail)
  });
  const presenter = createPresenterSession({
    dataDir: opts.dataDir,
    deck: deck.deck,
    journal,
    show: {
      index: () => show.director().index,
      chapterId: (i) => show.director().chapters[i]?.id ?? null,
      timeline: () => show.timeline(),
      replaceDeck: (d) => {
        replay.setDeck(d); // the recording offered is this deck's
        show.replaceDeck(d);
      },
      publish: () => publish()
    }
  });
  function publish(): ShowState {
    presenter.observe(show.director().index);
    const s = show.state();
    showEvents.publish(s, show.director().chapters);
    return s;
  }
  const state = (): AppState => {
    const s = show.state();
    return { show: s, cluster: feed.current(), log: journal.entries(), deck: showEvents.deck(s, show.director().chapters) };
  };
  const runReset = showResetter({ actions, journal, feed, presenter, show, markEpoch: (at) => void (showEpoch = at) });
  const handlers = createHandlers({
    show,
    actions,
    faults,
    presenter,
    journal,
    publish,
    state,
    resetShow: runReset.run,
    resetting: runReset.running,
    shell: opts.shell,
    replay: replay.control({ chapter: () => show.director().index + 1, openFaults: () => faults?.unresolved() ?? [] }),
    preflight: async () => {
      const open = (faults?.unresolved() ?? []).map((r) => `${r.spec.kind} ${r.node}`);
      const report = opts.preflight
        ? await opts.preflight()
        : cluster.mode === 'live' && opts.live?.preflight
          ? await opts.live.preflight(feed.current().pdUrl, open)
          : preflightUnavailable(cluster.mode);
      return replay.preflight(withLedgerLine(report, damage ? describeLedgerDamage(damage) : cluster.ledgerError));
    }
  });

  // 3. Wire and start: snapshots feed the show's timeline and the views; the deck is watched.
  feed.onSnapshot((s) => {
    replay.onSnapshot(s);
    show.observeCluster(s);
    emit('cluster', s);
  });
  await feed.start();
  presenter.watch();

  // 4. Open faults from an earlier run (a crash, a quit mid-show): restore them now.
  await restoreLeftovers(cluster, faults, journal, log);

  return {
    mode: cluster.mode,
    modeReason: cluster.modeReason,
    pdUrl: cluster.pdUrl,
    handlers,
    state,
    setGotoTyping: (digits) => void (presenter.gotoTyping(digits) && publish()),
    reportError(message) {
      journal.notice(message);
      journal.log('unexpected error', 'failed', message);
      publish();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {
      await presenter.close();
      show.dispose();
      await feed.close();
      replay.close();
      await cluster.close();
    }
  };
}

async function restoreLeftovers(
  cluster: BootedCluster,
  faults: ReturnType<typeof createFaultService> | null,
  journal: Journal,
  log: (line: string) => void
): Promise<void> {
  if (!faults || cluster.mode !== 'live' || faults.unresolved().length === 0) return;
  const res = await faults.restoreAll();
  const names = res.restored.map((r) => r.node).join(', ');
  if (res.restored.length) {
    journal.log('restore faults left open by the last run', 'ok', names);
    log(`tikv-stage: restored faults left open by the last run: ${names}`);
  }
  for (const f of res.failed) journal.notice(`a fault left open by the last run could not be undone: ${f.error}`);
}
