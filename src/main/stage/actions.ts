// Runs a chapter's action (a fault, a restore, the workload) or the same from a presenter's
// button: the result goes to the log, a failure to the notices, and what happened to the
// cluster to the show's timeline. A failed step is the presenter's to see, never a crash.
import { describeFault, type ChapterAction } from '../../shared/actions';
import type { TimelineEvent } from '../../shared/show';
import { FAULT_WORDS } from '../../shared/vocabulary';
import type { FaultService } from '../chaos/faults';
import type { WorkloadSource } from '../workload/source';
import type { Journal } from './journal';

export interface ActionResult {
  ok: boolean;
  message: string;
  /** A restore's nodes brought back (restarted, unpaused, healed), for whoever waits on them. */
  back?: string[];
}

export interface ActionRunner {
  /** notify: false when the caller reports a failure itself (the show's runtime does). */
  run(action: ChapterAction, opts?: { notify?: boolean }): Promise<ActionResult>;
}

export interface ActionDeps {
  faults: FaultService | null;
  workload: WorkloadSource | null;
  /** Why there is no chaos driver, for the message when a fault cannot run. */
  containerNote: string | null;
  journal: Journal;
  /** What the action did to the cluster, for the timeline. */
  record(event: TimelineEvent): void;
  now?: () => number;
}

export function createActionRunner(deps: ActionDeps): ActionRunner {
  const { faults, workload, journal } = deps;
  const now = deps.now ?? Date.now;

  async function fault(action: Extract<ChapterAction, { type: 'fault' }>, notice: (t: string) => void): Promise<ActionResult> {
    const what = describeFault(action.fault);
    if (!faults) {
      const message = `cannot ${what}: ${deps.containerNote ?? 'no chaos driver'}`;
      journal.log(what, 'failed', message);
      notice(message);
      return { ok: false, message };
    }
    try {
      const r = await faults.inject(action.fault);
      const message = `${FAULT_WORDS[r.spec.kind].past} ${r.node}`;
      deps.record({ at: r.injectedAt, kind: 'fault-injected', fault: r.spec.kind, node: r.node, text: message });
      journal.log(what, 'ok', message);
      return { ok: true, message };
    } catch (e) {
      const message = (e as Error).message;
      journal.log(what, 'failed', message);
      notice(message);
      return { ok: false, message };
    }
  }

  async function restore(kind: 'restore' | 'restore-all', notice: (t: string) => void): Promise<ActionResult> {
    if (!faults) return { ok: true, message: 'nothing to restore' };
    const res = await faults.restoreAll();
    for (const r of res.restored) deps.record({ at: now(), kind: 'restored', node: r.node, text: `restarted ${r.node}` });
    // Nodes found down without a record (a crash before the ledger line, a hand-made fault).
    for (const r of res.revived) deps.record({ at: now(), kind: 'restored', node: r.node, text: `brought back ${r.node} (was ${r.was})` });
    for (const f of res.failed) notice(f.error);
    const back = [...res.restored.map((r) => r.node), ...res.revived.map((r) => r.node)];
    const message = res.failed.length
      ? `could not bring back ${res.failed.map((f) => f.node).join(', ')}${back.length ? ` (restored ${back.join(', ')})` : ''}`
      : back.length
        ? `restored ${back.join(', ')}`
        : 'nothing to restore';
    const detail = [message, ...res.failed.map((f) => f.error)].join('; ');
    journal.log(kind === 'restore' ? 'restore' : 'restore all', res.failed.length ? 'failed' : 'ok', detail);
    return { ok: res.failed.length === 0, message, back };
  }

  async function load(kind: 'start-workload' | 'stop-workload', notice: (t: string) => void): Promise<ActionResult> {
    if (!workload) return { ok: false, message: 'no workload is available in this mode' };
    try {
      await (kind === 'start-workload' ? workload.start() : workload.stop());
      journal.log(kind, 'ok');
      return { ok: true, message: kind === 'start-workload' ? 'workload running' : 'workload stopped' };
    } catch (e) {
      const message = (e as Error).message;
      journal.log(kind, 'failed', message);
      notice(message);
      return { ok: false, message };
    }
  }

  return {
    async run(action, opts = {}) {
      const notice = (text: string): void => {
        if (opts.notify !== false) journal.notice(text);
      };
      switch (action.type) {
        case 'fault':
          return fault(action, notice);
        case 'restore':
        case 'restore-all':
          return restore(action.type, notice);
        case 'start-workload':
        case 'stop-workload':
          return load(action.type, notice);
      }
    }
  };
}
