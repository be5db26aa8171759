// The request handlers: every request a view (IPC or WebSocket) can send, each a line or two
// over the parts. Every handler that changes the show answers with the new ShowState.
import type { AppState, Handlers } from '../../shared/contract';
import type { Mode } from '../../shared/cluster';
import type { PreflightLine, PreflightReport } from '../../shared/preflight';
import type { RecordingSummary, ShowState } from '../../shared/show';
import type { FaultService } from '../chaos/faults';
import type { ShowRuntime } from '../show/runtime';

import type { ActionRunner } from './actions';
import type { Journal } from './journal';
import type { PresenterSession } from './presenter';

export interface HandlerDeps {
  show: ShowRuntime;
  actions: ActionRunner;
  faults: FaultService | null;
  presenter: PresenterSession;
  journal: Journal;
  /** Sends the show state to every view and returns it. */
  publish(): ShowState;
  state(): AppState;
  preflight(): Promise<PreflightReport>;
  /** Run the show again (src/main/stage/reset.ts); publishes when done. */
  resetShow(): Promise<void>;
  /** A reset is under way: moves and faults by hand are refused until it is done. */
  resetting?(): boolean;
  shell?: { swapDisplays(): void };
  /** Record and replay (src/main/replay): the recordings, and the switch to one mid-show. */
  replay?: { list(): RecordingSummary[]; switchTo(path: string | null, upToDamage: boolean): Promise<void> };
}

export function createHandlers(d: HandlerDeps): Handlers {
  const { show, presenter, publish } = d;
  /** Runs a change, then publishes. */
  const after = async (change: () => void): Promise<ShowState> => {
    change();
    return publish();
  };
  // While a reset waits for the cluster to settle, a move could start a countdown and fire a
  // fault into the cluster it is restoring: moves wait for the first chapter instead.
  const held = (what: string): void => {
    if (d.resetting?.()) throw new Error(`${what} refused: the show is being reset and starts again at the first chapter once the cluster has settled`);
  };
  const move = (what: string, change: () => void): Promise<ShowState> =>
    after(() => {
      held(what);
      change();
    });
  return {
    getState: async () => d.state(),
    next: () => move('next', () => show.next()),
    prev: () => move('prev', () => show.prev()),
    first: () => move('first', () => show.first()),
    last: () => move('last', () => show.last()),
    goTo: (i) => move('goTo', () => show.goTo(i)),
    blackout: (on) => after(() => show.blackout(on)),
    injectFault: async (spec) => {
      held('injectFault');
      // The kind and target only: the majority rule's opt-in is the deck's (contract.ts refuses it too).
      const r = await d.actions.run({ type: 'fault', fault: { kind: spec.kind, target: spec.target } });
      if (!r.ok) throw new Error(r.message);
      return publish();
    },
    restoreFault: async (id) => {
      if (!d.faults) throw new Error('no chaos driver in this mode');
      const r = await d.faults.restore(id);
      show.recordEvent({ at: Date.now(), kind: 'restored', node: r.node, text: `restored ${r.node}` });
      d.journal.log(`restore ${r.node}`, 'ok');
      return publish();
    },
    restoreAll: async () => {
      show.standDown('Restore all'); // a countdown under way must not fire behind it
      const r = await d.actions.run({ type: 'restore-all' });
      const s = publish();
      if (!r.ok) throw new Error(r.message);
      return s;
    },
    panic: async () => {
      // Black the audience first (instant), stop any countdown, then bring every node back.
      show.blackout(true);
      show.standDown('Panic');
      publish();
      d.journal.log('panic', 'info', 'audience blacked out; restoring every open fault');
      const r = await d.actions.run({ type: 'restore-all' });
      const s = publish();
      if (!r.ok) throw new Error(`audience blacked out, but ${r.message}`);
      return s;
    },
    resetShow: async () => {
      await d.resetShow();
      return publish();
    },
    freeze: (on) => after(() => presenter.freeze(on)),
    timer: (cmd) => after(() => presenter.timer(cmd)),
    openDeck: async (path) => {
      await presenter.openDeck(path);
      return publish();
    },
    setKeyBinding: (key, action) => after(() => presenter.bindKey(key, action)),
    rehearsal: (on) => after(() => presenter.rehearsal(on)),
    preflight: () => d.preflight(),
    keyMode: (mode) => after(() => presenter.keyMode(mode)),
    recordings: async () => d.replay?.list() ?? [],
    switchToReplay: async (path, upToDamage) => {
      if (!d.replay) throw new Error('replay is not available in this build');
      await d.replay.switchTo(path, upToDamage === true);
      return publish();
    },
    reportViewError: async (view, message) => {
      // The journal keeps one notice per text and a bounded log: a page failing in a loop cannot flood either.
      const text = `The ${view} page hit an error while drawing and redrew itself: ${message}`;
      if (!d.journal.notices().includes(text)) {
        d.journal.notice(text);
        d.journal.log(`${view} page error`, 'failed', message);
        publish();
      }
      return null;
    },
    swapDisplays: async () => {
      if (!d.shell) throw new Error('swapping displays is only possible in the desktop app (npm start)');
      d.shell.swapDisplays();
      return publish();
    }
  };
}

/** The preflight board when there is no live cluster to check. Pure. */
export function preflightUnavailable(mode: Mode, now = Date.now()): PreflightReport {
  if (mode === 'replay')
    return {
      at: now,
      ok: true,
      lines: [{ id: 'docker', ok: true, title: 'Replay: nothing to check', detail: 'the show plays a recording: no cluster, no Docker, no network', fix: null }]
    };
  const sim = mode === 'sim';
  return {
    at: now,
    ok: sim,
    lines: [
      {
        id: 'docker',
        ok: sim,
        title: sim ? 'Simulated cluster: nothing to check' : 'Preflight not available',
        detail: sim ? 'the show runs on the built-in simulated cluster' : 'this build has no preflight for live mode',
        fix: sim ? null : 'run npm run preflight'
      }
    ]
  };
}

/** The preflight board with a red line for a damaged or unopenable fault ledger. Pure. */
export function withLedgerLine(report: PreflightReport, problem: string | null): PreflightReport {
  if (!problem) return report;
  const line: PreflightLine = { id: 'ledger', ok: false, title: 'Fault ledger damaged', detail: problem, fix: 'press Restore all, then check the nodes it names' };
  return { ...report, ok: false, lines: [line, ...report.lines] };
}
