// The Diagnosis chapter's explanation: offline and rule-based (no network, no AI). It explains
// the most recent fault from the timeline, the fault records and the last snapshot, and says
// plainly what has not happened (yet) instead of inventing it. Each finding has a headline the
// audience must read and an explanation that may give way on a full screen.
import type { FaultKind } from '../../shared/actions';
import type { ClusterSnapshot, TikvStoreRow } from '../../shared/cluster';
import { formatDuration } from '../../shared/duration';
import type { FaultRecord, Finding, FindingKind, FindingSince, TimelineEvent, TimelineKind } from '../../shared/show';
import { FAULT_WORDS } from '../../shared/vocabulary';
import { BASELINE_MS } from './timeline';

/** PD's default max-replicas; the snapshot does not carry the configured value. */
export const REPLICAS = 3;
const MAJORITY = Math.floor(REPLICAS / 2) + 1;

interface Subject {
  node: string;
  kind: FaultKind | 'exit';
  at: number;
  random: boolean;
  restoredAt: number | null;
  /** What a finding that waits counts from: the fault, on main's clock (not stretched). */
  since: FindingSince;
}

const noun = (k: Subject['kind']): string => (k === 'exit' ? 'exit' : FAULT_WORDS[k].noun);

const finding = (kind: FindingKind, headline: string, detail = '', since?: FindingSince): Finding =>
  since ? { kind, headline, detail, since } : { kind, headline, detail };

function subjectOf(timeline: readonly TimelineEvent[], faults: readonly FaultRecord[]): Omit<Subject, 'since'> | null {
  const applied = faults.filter((f) => f.status !== 'failed').sort((a, b) => a.injectedAt - b.injectedAt);
  const f = applied[applied.length - 1];
  if (f) {
    const restored = timeline.filter((e) => e.kind === 'restored' && (e.node === f.node || e.node === null) && e.at >= f.injectedAt);
    return {
      node: f.node,
      kind: f.spec.kind,
      at: f.injectedAt,
      random: f.spec.target.type === 'random-tikv',
      restoredAt: f.restoredAt ?? restored[0]?.at ?? null
    };
  }
  // No fault from this app: a container that exited by itself (or by someone else's hand).
  const exits = timeline.filter((e) => e.kind === 'container-exited' && e.node !== null);
  const e = exits[exits.length - 1];
  if (!e || e.node === null) return null;
  const started = timeline.find((x) => x.kind === 'container-started' && x.node === e.node && x.at >= e.at);
  return { node: e.node, kind: 'exit', at: e.at, random: false, restoredAt: started?.at ?? null };
}

type EventOf<K extends TimelineKind> = Extract<TimelineEvent, { kind: K }>;

function firstAfter<K extends TimelineKind>(timeline: readonly TimelineEvent[], kind: K, node: string | null, at: number): EventOf<K> | null {
  const e = timeline.find((x) => x.kind === kind && (node === null || x.node === node) && x.at >= at);
  return (e as EventOf<K> | undefined) ?? null;
}

function lastAfter<K extends TimelineKind>(timeline: readonly TimelineEvent[], kind: K, node: string | null, at: number): EventOf<K> | null {
  const all = timeline.filter((x) => x.kind === kind && (node === null || x.node === node) && x.at >= at);
  return (all[all.length - 1] as EventOf<K> | undefined) ?? null;
}

const names = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1] ?? ''}`;

/** Out of service as far as the data is concerned: Docker's word first, then PD's. */
export function storeIsOut(n: TikvStoreRow): boolean {
  if (n.container === 'exited' || n.container === 'paused' || n.container === 'missing' || n.partitioned) return true;
  return n.state === 'disconnected' || n.state === 'down' || n.state === 'tombstone';
}

export function diagnose(
  wallTimeline: readonly TimelineEvent[],
  wallFaults: readonly FaultRecord[],
  wallLast: ClusterSnapshot | null
): Finding[] {
  // Every duration below is a difference of two times: told in cluster time (a simulator at
  // speed 5 still says "leaders moved in 14 s"), by stretching the times around one origin.
  const { timeline, faults, last } = inClusterTime(wallTimeline, wallFaults, wallLast);
  const found = subjectOf(timeline, faults);
  if (!found) return [];
  // The live counts ("12 s since the kill") are the views' to keep: they count on main's clock,
  // so from the fault's wall time (the same subject, unless the cluster runs faster than the wall).
  const wallAt = faults === wallFaults && timeline === wallTimeline ? found.at : (subjectOf(wallTimeline, wallFaults)?.at ?? found.at);
  const s: Subject = { ...found, since: { at: wallAt, what: noun(found.kind) } };
  if (s.node.startsWith('pd')) return diagnosePd(s, last);
  const out: Finding[] = [hitFinding(s), leadersFinding(s, timeline, last), ...pdFindings(s, timeline)];
  out.push(...majorityFindings(s, faults, last));
  out.push(workloadFinding(s, timeline, last));
  const rec = recoveryFinding(s, timeline, last);
  if (rec) out.push(rec);
  return out;
}

function hitFinding(s: Subject): Finding {
  const who = s.random ? `${s.node} (picked at random)` : s.node;
  switch (s.kind) {
    case 'kill':
      return finding('hit', `${who} was killed (docker kill, SIGKILL)`, 'The process vanished without a word to its peers.');
    case 'stop':
      return finding('hit', `${who} was stopped gracefully (SIGTERM)`, 'It asks PD to move its leaders away before it exits.');
    case 'pause':
      return finding('hit', `${who} was frozen (docker pause)`, 'Alive but silent, so its peers only notice through timeouts.');
    case 'partition':
      return finding('hit', `${who} was cut off the network`, 'Still running, but nobody can reach it.');
    case 'exit':
      return finding('hit', `${s.node}'s container exited, and not by a fault from this app`);
  }
}

function leadersFinding(s: Subject, timeline: readonly TimelineEvent[], last: ClusterSnapshot | null): Finding {
  const what = noun(s.kind);
  const moved = firstAfter(timeline, 'leaders-moved', s.node, s.at);
  if (moved) {
    const survivors = (last?.tikv ?? []).filter((n) => n.name !== s.node && !storeIsOut(n)).map((n) => n.name);
    const whom = survivors.length ? names(survivors) : 'the surviving stores';
    const gains = moved.gains.map((g) => `${g.node} +${g.gain}`).join(', ');
    const why =
      s.kind === 'stop'
        ? 'A graceful stop hands its leaders over before the process exits.'
        : s.kind === 'pause' || s.kind === 'partition'
          ? 'Its peers noticed through timeouts and held Raft elections.'
          : 'The followers stopped hearing from their leader and held Raft elections (timeout 10–20 s).';
    return finding('leaders', `Its region leaders moved to ${whom}${gains ? ` (${gains})` : ''} ${formatDuration(moved.at - s.at)} after the ${what}`, why);
  }
  const expect = s.kind === 'pause' || s.kind === 'partition' ? '15–35 s' : '10–20 s';
  return finding('leaders', 'Its leaders have not all moved off yet', `After a ${what}, Raft elections on the survivors usually take ${expect}.`, s.since);
}

function pdFindings(s: Subject, timeline: readonly TimelineEvent[]): Finding[] {
  const what = noun(s.kind);
  const moved = firstAfter(timeline, 'leaders-moved', s.node, s.at);
  const disc = firstAfter(timeline, 'pd-disconnected', s.node, s.at);
  const down = firstAfter(timeline, 'pd-down', s.node, s.at);
  const restored = s.restoredAt !== null;
  const out: Finding[] = [];
  if (disc) {
    // Within a second of each other (one snapshot apart), "0 s after" would read oddly.
    const gap = moved && moved.at <= disc.at ? disc.at - moved.at : null;
    const lead = gap === null ? '' : gap < 1000 ? ', as the leaders finished moving' : `, ${formatDuration(gap)} after the leaders had already moved`;
    out.push(
      finding(
        'pd',
        `PD marked ${s.node} Disconnected ${formatDuration(disc.at - s.at)} after the ${what}${lead}`,
        `The lag is by design: a TiKV heartbeats PD every 10 s, and PD waits 20 s from the last one, so about 10–20 s after a ${what}.`
      )
    );
  } else if (restored && (s.restoredAt ?? 0) - s.at < 30_000) {
    out.push(
      finding(
        'pd',
        `PD did not mark ${s.node} Disconnected`,
        `It was restored ${formatDuration((s.restoredAt ?? 0) - s.at)} after the ${what}, and PD waits for 20 s without a heartbeat.`
      )
    );
  } else {
    out.push(
      finding(
        'pd',
        `PD has not marked ${s.node} Disconnected yet`,
        'It waits for 20 s without a heartbeat, and heartbeats come every 10 s.',
        s.since
      )
    );
  }
  if (down)
    out.push(finding('pd', `PD marked ${s.node} Down ${formatDuration(down.at - s.at)} after the ${what}`, 'Only now would it re-replicate its regions elsewhere.'));
  else if (disc && !restored)
    out.push(
      finding(
        'pd',
        'It is not Down, and will not be for 30 min (max-store-down-time)',
        'Only then would PD re-replicate its regions, and with 3 stores there is nowhere to put a new copy.'
      )
    );
  return out;
}

/** Whether data survived, checked against the snapshot (and the fault records for overlaps). */
function majorityFindings(s: Subject, faults: readonly FaultRecord[], last: ClusterSnapshot | null): Finding[] {
  const stores = last?.tikv ?? [];
  if (stores.length === 0)
    return [finding('data', 'Cannot check the replicas', `PD's store list is not available${last?.pdError ? ` (${last.pdError})` : ''}.`)];
  const stale = last?.stale ? ` (from PD's last good answer, ${formatDuration(last.ageMs)} old)` : '';
  const out = stores.filter(storeIsOut).map((n) => n.name);
  const up = stores.filter((n) => !storeIsOut(n)).map((n) => n.name);
  const perRegion = Math.min(REPLICAS, stores.length);

  if (out.length === 0) {
    const overlap = maxOverlap(faults.filter((f) => f.node.startsWith('tikv') && f.status !== 'failed'));
    if (overlap.count >= 2)
      return [
        finding(
          'data',
          `At one point ${overlap.count} stores were out at once (${names(overlap.nodes)})`,
          `Regions then had fewer than ${MAJORITY} of ${REPLICAS} replicas, no Raft majority, so writes to them stalled until a store came back. What was committed is kept on disk.`
        )
      ];
    return [
      finding(
        'data',
        'No data was lost',
        `While ${s.node} was out, the other ${MAJORITY} of ${REPLICAS} replicas of every region stayed up, a Raft majority, so every region kept or elected a leader and kept committing writes. All ${stores.length} stores are up now${stale}.`
      )
    ];
  }
  // Only one store out guarantees it: with two out, however many stores there are, some regions
  // may have two of their three replicas on them (PD places replicas; we do not see where).
  if (up.length >= MAJORITY && out.length === 1) {
    const held = stores.length === REPLICAS ? `${up.length} of the ${REPLICAS} replicas of every region` : `at least ${MAJORITY} of the ${REPLICAS} replicas of every region`;
    return [
      finding('data', 'No data is lost', `${names(up)} still hold ${held}, a Raft majority: each region keeps or elects a leader there${stale}.`)
    ];
  }
  if (up.length < MAJORITY && stores.length <= REPLICAS)
    return [
      finding(
        'data',
        `${names(out)} ${out.length === 1 ? 'is' : 'are'} out`,
        `Every region has only ${up.length} of its ${perRegion} replicas up. That is no Raft majority, so writes to those regions stall until a store comes back${stale}. Nothing committed is erased, but the cluster cannot commit now.`
      )
    ];
  return [
    finding(
      'data',
      `${names(out)} are out`,
      `Regions with replicas on ${out.length === 2 ? 'both' : 'several'} of them have lost their Raft majority, and writes to those regions stall until a store comes back${stale}.`
    )
  ];
}

/** The largest number of faults open at the same time, and on which nodes. */
function maxOverlap(faults: readonly FaultRecord[]): { count: number; nodes: string[] } {
  let best = { count: 0, nodes: [] as string[] };
  for (const f of faults) {
    const open = faults.filter(
      (g) => g.injectedAt <= f.injectedAt && (g.restoredAt === null ? g.status === 'open' : g.restoredAt > f.injectedAt)
    );
    const nodes = [...new Set(open.map((g) => g.node))];
    if (nodes.length > best.count) best = { count: nodes.length, nodes };
  }
  return best;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function workloadFinding(s: Subject, timeline: readonly TimelineEvent[], last: ClusterSnapshot | null): Finding {
  const what = noun(s.kind);
  const recovered = firstAfter(timeline, 'workload-recovered', null, s.at);
  if (recovered) {
    const errors = `${int(recovered.errors)} error${recovered.errors === 1 ? '' : 's'}`;
    return finding(
      'workload',
      `The workload: throughput fell ${recovered.dropPct} % for ${formatDuration(recovered.durationMs)}, ${errors}`,
      'Requests for the moved regions waited for their new leaders (the client retries for up to 20 s), then carried on.'
    );
  }
  const dip = firstAfter(timeline, 'workload-dip', null, s.at);
  if (dip) {
    const drop = Math.round((1 - dip.ops / dip.baselineOps) * 100);
    return finding(
      'workload',
      `The workload is still below its level before the ${what}`,
      `Throughput dipping: ${int(dip.baselineOps)} → ${int(dip.ops)} ops/s (−${drop} %), from ${formatDuration(dip.at - s.at)} after the ${what}.`
    );
  }
  const w = last?.workload ?? null;
  if (!w || (!w.running && w.history.length === 0)) return finding('workload', 'No workload was running, so there is no client-side impact to show');
  const before = w.history.filter((p) => p.t >= s.at - BASELINE_MS && p.t < s.at);
  if (before.length < 3) return finding('workload', `The workload has no baseline from before the ${what}, so its dip cannot be measured`);
  const since = last ? last.now - s.at : 0;
  return since >= BASELINE_MS
    ? finding('workload', `The workload did not dip measurably (never below 85 % of its level before the ${what})`)
    : finding('workload', 'No workload dip so far', '', s.since);
}

function recoveryFinding(s: Subject, timeline: readonly TimelineEvent[], last: ClusterSnapshot | null): Finding | null {
  const node = last?.tikv.find((n) => n.name === s.node) ?? null;
  if (s.restoredAt === null) {
    if (node && !storeIsOut(node)) return null;
    return finding('recovery', `${s.node} is still out`, 'The Recovery chapter (or Restore all) brings it back.');
  }
  const started = firstAfter(timeline, 'container-started', s.node, s.at);
  const from = started?.at ?? s.restoredAt;
  const up = firstAfter(timeline, 'pd-up', s.node, from);
  const parts = [started ? 'Its container started' : 'Restored'];
  if (up) parts.push(`PD marked it Up ${formatDuration(up.at - from)} later`);
  else if (node?.state === 'up' && !firstAfter(timeline, 'pd-disconnected', s.node, s.at)) parts.push('PD never stopped calling it Up');
  else parts.push('PD has not marked it Up yet (its first heartbeat comes ~10–25 s after the start)');
  const returned = lastAfter(timeline, 'leaders-returned', s.node, from);
  let leaders: string;
  if (returned) leaders = ` Leaders are coming back: ${returned.text}.`;
  else if (node && node.leaderCount === 0)
    leaders = ` It has no leaders yet: it comes back empty-handed, and PD's balance-leader moves leaders back a few at a time, over tens of seconds.`;
  else leaders = node ? ` It leads ${node.leaderCount} regions now.` : '';
  return finding('recovery', `${s.node} is back`, `${parts.join(', ')}.${leaders}`);
}

function diagnosePd(s: Subject, last: ClusterSnapshot | null): Finding[] {
  const out = [
    s.kind === 'exit'
      ? finding('hit', `PD member ${s.node}'s container exited, and not by a fault from this app`)
      : finding(
          'hit',
          `PD member ${s.node} was hit (${noun(s.kind)})`,
          "PD keeps the cluster's map, not its data: TiKV keeps serving, and raw KV needs no timestamps from PD."
        )
  ];
  if (!last) return out;
  const alive = last.pd.filter((p) => p.container !== 'exited' && p.container !== 'paused' && p.container !== 'missing' && p.health !== false);
  if (last.pdLeader)
    out.push(
      last.pdLeader === s.node
        ? finding('pd', `PD's leader is now ${last.pdLeader}`)
        : finding('pd', `PD's leader is now ${last.pdLeader}`, 'Etcd elects a new one in 3–6 s when the leader dies.')
    );
  else out.push(finding('quorum', 'No PD leader is known right now', 'Etcd elects one within seconds while a majority of PD members is up.'));
  if (last.pd.length > 0 && alive.length < Math.floor(last.pd.length / 2) + 1)
    out.push(
      finding('quorum', `Only ${alive.length} of ${last.pd.length} PD members are up`, "No etcd quorum, so PD's API stops until another comes back.")
    );
  return out;
}

/** Stretches every time by the cluster's time scale around the first event. Pure. */
export function inClusterTime(
  timeline: readonly TimelineEvent[],
  faults: readonly FaultRecord[],
  last: ClusterSnapshot | null
): { timeline: readonly TimelineEvent[]; faults: readonly FaultRecord[]; last: ClusterSnapshot | null } {
  const k = last?.timeScale ?? 1;
  if (k === 1 || !Number.isFinite(k) || k <= 0) return { timeline, faults, last };
  const origin = Math.min(...timeline.map((e) => e.at), ...faults.map((f) => f.injectedAt), last?.now ?? Infinity);
  const at = (t: number): number => origin + (t - origin) * k;
  return {
    timeline: timeline.map((e) => ({ ...e, at: at(e.at) })),
    faults: faults.map((f) => ({ ...f, injectedAt: at(f.injectedAt), restoredAt: f.restoredAt === null ? null : at(f.restoredAt) })),
    last: last && {
      ...last,
      now: at(last.now),
      takenAt: last.takenAt > 0 ? at(last.takenAt) : 0,
      ageMs: last.ageMs * k,
      workload: last.workload && {
        ...last.workload,
        current: last.workload.current && { ...last.workload.current, t: at(last.workload.current.t) },
        history: last.workload.history.map((p) => ({ ...p, t: at(p.t) }))
      }
    }
  };
}
