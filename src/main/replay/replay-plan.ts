// How a recording lines up with a show's beats. Pure. The recording's fault beats and restore
// beats cut it into segments; the show's beats map onto them by action kind (the first kill of
// a TiKV to the recording's first kill of a TiKV, and so on), whatever deck either was made with.
import type { FaultKind } from '../../shared/actions';
import { nodeRole, type NodeRole } from '../../shared/vocabulary';
import type { Recording } from './recording-reader';
import type { BeatLine } from './recording-format';

export interface Segment {
  kind: 'fault' | 'restore';
  /** For a fault: its kind and the role of the node it hit ('kill', 'tikv'). */
  fault: FaultKind | null;
  role: NodeRole | null;
  beat: BeatLine;
  /** Recorded Unix ms: from its beat to the next fault or restore beat (or the recording's end). */
  start: number;
  end: number;
}

export interface ReplayPlan {
  /** Recorded time of the steady state shown before the first beat: just before the first fault. */
  steadyAt: number;
  /** Recorded time of the recording's last line. */
  end: number;
  faults: Segment[];
  restores: Segment[];
}

export type PlanResult = { ok: true; plan: ReplayPlan } | { ok: false; error: string };

function lastTime(rec: Recording): number {
  const ts = [rec.header.t, rec.end?.t ?? 0, rec.snaps.at(-1)?.t ?? 0, rec.containers.at(-1)?.t ?? 0, rec.loads.at(-1)?.t ?? 0, rec.beats.at(-1)?.t ?? 0];
  return Math.max(...ts);
}

/** "kill of a TiKV" for messages. */
export function describeKey(kind: FaultKind, role: NodeRole | null): string {
  return `${kind} of ${role === 'pd' ? 'a PD member' : role === 'tikv' ? 'a TiKV' : 'a node'}`;
}

export function planReplay(rec: Recording): PlanResult {
  const cuts = rec.beats.filter(
    (b) => b.outcome === 'ok' && (b.action.type === 'fault' || b.action.type === 'restore' || b.action.type === 'restore-all')
  );
  const end = lastTime(rec);
  const segments: Segment[] = cuts.map((b, i) => {
    const next = cuts[i + 1];
    const isFault = b.action.type === 'fault';
    return {
      kind: isFault ? 'fault' : 'restore',
      fault: b.action.type === 'fault' ? b.action.fault.kind : null,
      role: isFault && b.target ? nodeRole(b.target) : null,
      beat: b,
      start: b.t,
      end: Math.max(b.t, next ? next.t : end)
    };
  });
  const faults = segments.filter((s) => s.kind === 'fault' && s.role !== null);
  if (faults.length === 0) {
    const seen = rec.beats.length ? rec.beats.map((b) => `${b.action.type === 'fault' ? `${b.action.fault.kind}` : b.action.type} (${b.outcome})`).join(', ') : 'none';
    return {
      ok: false,
      error: `nothing to replay: the recording holds no fault that went through (its beats: ${seen})`
    };
  }
  if (rec.snaps.length === 0) return { ok: false, error: 'nothing to replay: the recording holds no cluster snapshot' };
  return { ok: true, plan: { steadyAt: faults[0]!.start - 1, end, faults, restores: segments.filter((s) => s.kind === 'restore') } };
}

export type FaultPick = { ok: true; segment: Segment; note: string | null } | { ok: false; error: string };

/**
 * The recorded segment for the show's n-th fault of this kind and role (0-based). When the show
 * has more of them than the recording, the recording's last one plays again, and says so.
 */
export function pickFault(plan: ReplayPlan, kind: FaultKind, role: NodeRole | null, n: number): FaultPick {
  const same = plan.faults.filter((s) => s.fault === kind && s.role === role);
  if (same.length === 0) {
    const has = [...new Set(plan.faults.map((s) => describeKey(s.fault!, s.role)))].join(', ');
    return { ok: false, error: `the recording has no ${describeKey(kind, role)} to replay (it has: ${has})` };
  }
  const segment = same[Math.min(n, same.length - 1)]!;
  const note = n >= same.length ? `the recording has ${same.length} ${describeKey(kind, role)}: its last one plays again` : null;
  return { ok: true, segment, note };
}

/** The recorded recovery after a fault segment, or null when the recording has none after it. */
export function pickRestore(plan: ReplayPlan, after: Segment): Segment | null {
  return plan.restores.find((s) => s.start >= after.start && s.beat !== after.beat) ?? null;
}
