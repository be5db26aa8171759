// The Diagnosis chapter's explanation: offline and rule-based (no network, no AI). It explains
// the most recent fault from the timeline, the fault records and the last snapshot, and says
// plainly what has not happened (yet) instead of inventing it. Each finding has a headline the
// audience must read and an explanation that may give way on a full screen.
import type { FaultKind } from '../../shared/actions';
import type { ClusterSnapshot, TikvStoreRow } from '../../shared/cluster';
import { formatDuration } from '../../shared/duration';
import type { FaultRecord, Finding, FindingKind, FindingSince, TimelineEvent, TimelineKind } from '../../shared/show';
import { FAULT_WORDS } from '../../shared/vocabulary';
import { ASSUMED_REPLICAS, clip, commaList, int, losers, majorityOf, names, replicaCount, TEXT_CHARS, type Majority } from './diagnosis-words';
import { BASELINE_MS } from './timeline';

interface Subject {
  node: string;
  /** The node as the text says it: a hostile name is cut (node itself stays whole, to match on). */
  label: string;
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

function subjectOf(timeline: readonly TimelineEvent[], faults: readonly FaultRecord[]): Omit<Subject, 'since' | 'label'> | null {
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

/** How a store is out by Docker's word (exited, paused, gone, cut off), or null. PD lags a restart; Docker does not. */
function dockerOut(n: TikvStoreRow): string | null {
  if (n.partitioned) return 'it is cut off the network';
  if (n.container === 'exited' || n.container === 'paused') return `its container is ${n.container}`;
  return n.container === 'missing' ? 'its container is gone' : null;
}

/** Out of service as far as the data is concerned: Docker's word first, then PD's. */
export function storeIsOut(n: TikvStoreRow): boolean {
  if (dockerOut(n)) return true;
  return n.state === 'disconnected' || n.state === 'down' || n.state === 'tombstone';
}

export function diagnose(
  wallTimeline: readonly TimelineEvent[],
  wallFaults: readonly FaultRecord[],
  wallLast: ClusterSnapshot | null,
  /** PD's max-replicas; null = unknown: PD's default is reasoned with, and the text says so. */
  replicas: number | null = wallLast?.maxReplicas ?? null
): Finding[] {
  // Every duration below is a difference of two times: told in cluster time (a simulator at
  // speed 5 still says "leaders moved in 14 s"), by stretching the times around one origin.
  const { timeline, faults, last } = inClusterTime(wallTimeline, wallFaults, wallLast);
  const found = subjectOf(timeline, faults);
  if (!found) return [];
  // The live counts ("12 s since the kill") are the views' to keep: they count on main's clock,
  // so from the fault's wall time (the same subject, unless the cluster runs faster than the wall).
  const wallAt = faults === wallFaults && timeline === wallTimeline ? found.at : (subjectOf(wallTimeline, wallFaults)?.at ?? found.at);
  const s: Subject = { ...found, label: clip(found.node), since: { at: wallAt, what: noun(found.kind) } };
  if (s.node.startsWith('pd')) return diagnosePd(s, last);
  const out: Finding[] = [hitFinding(s), leadersFinding(s, timeline, last), ...pdFindings(s, timeline)];
  out.push(...majorityFindings(s, faults, last, replicas));
  out.push(workloadFinding(s, timeline, last));
  const rec = recoveryFinding(s, timeline, last);
  if (rec) out.push(rec);
  return out;
}

function hitFinding(s: Subject): Finding {
  const who = s.random ? `${s.label} (picked at random)` : s.label;
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
      return finding('hit', `${s.label}'s container exited, and not by a fault from this app`);
  }
}

function leadersFinding(s: Subject, timeline: readonly TimelineEvent[], last: ClusterSnapshot | null): Finding {
  const what = noun(s.kind);
  const moved = firstAfter(timeline, 'leaders-moved', s.node, s.at);
  if (moved) {
    const survivors = (last?.tikv ?? []).filter((n) => n.name !== s.node && !storeIsOut(n)).map((n) => n.name);
    const whom = survivors.length ? names(survivors) : 'the surviving stores';
    const gains = commaList(moved.gains, (g) => `${clip(g.node)} +${g.gain}`);
    const why =
      s.kind === 'stop'
        ? 'A graceful stop hands its leaders over before the process exits.'
        : s.kind === 'pause' || s.kind === 'partition'
          ? 'Its peers noticed through timeouts and held Raft elections.'
          : 'The followers stopped hearing from their leader and held Raft elections (timeout 10–20 s).';
    return finding('leaders', `Its region leaders moved to ${whom}${gains ? ` (${gains})` : ''} ${formatDuration(moved.at - s.at)} after the ${what}`, why);
  }
  const expect = s.kind === 'pause' || s.kind === 'partition' ? '15–35 s' : '10–20 s';
  return finding('leaders', 'Its leaders have not all moved off yet', `After ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}, Raft elections on the survivors usually take ${expect}.`, s.since);
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
        `PD marked ${s.label} Disconnected ${formatDuration(disc.at - s.at)} after the ${what}${lead}`,
        `The lag is by design: a TiKV heartbeats PD every 10 s, and PD waits 20 s from the last one, so about 10–20 s after a ${what}.`
      )
    );
  } else if (restored && (s.restoredAt ?? 0) - s.at < 30_000) {
    out.push(
      finding(
        'pd',
        `PD did not mark ${s.label} Disconnected`,
        `It was restored ${formatDuration((s.restoredAt ?? 0) - s.at)} after the ${what}, and PD waits for 20 s without a heartbeat.`
      )
    );
  } else {
    out.push(
      finding(
        'pd',
        `PD has not marked ${s.label} Disconnected yet`,
        'It waits for 20 s without a heartbeat, and heartbeats come every 10 s.',
        s.since
      )
    );
  }
  if (down)
    out.push(finding('pd', `PD marked ${s.label} Down ${formatDuration(down.at - s.at)} after the ${what}`, 'Only now would it re-replicate its regions elsewhere.'));
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
function majorityFindings(s: Subject, faults: readonly FaultRecord[], last: ClusterSnapshot | null, replicas: number | null): Finding[] {
  const stores = last?.tikv ?? [];
  if (stores.length === 0)
    return [finding('data', 'Cannot check the replicas', `PD's store list is not available${last?.pdError ? ` (${clip(last.pdError, TEXT_CHARS)})` : ''}.`)];
  const r = replicaCount(replicas);
  const found = dataFindings(s, faults, last, stores, r.count);
  return r.assumed ? found.map((f) => ({ ...f, detail: `${f.detail} ${ASSUMED_REPLICAS}` })) : found;
}

/** The data claim for `replicas` per region, no stronger than that count allows. */
function dataFindings(s: Subject, faults: readonly FaultRecord[], last: ClusterSnapshot | null, stores: readonly TikvStoreRow[], replicas: number): Finding[] {
  const stale = last?.stale ? ` (from PD's last good answer, ${formatDuration(last.ageMs)} old)` : '';
  const out = stores.filter(storeIsOut).map((n) => n.name);
  const up = stores.filter((n) => !storeIsOut(n)).map((n) => n.name);

  if (out.length === 0) {
    const overlap = maxOverlap(faults.filter((f) => f.node.startsWith('tikv') && f.status !== 'failed'));
    if (overlap.count >= 2) {
      const headline = `At one point ${int(overlap.count)} stores were out at once (${names(overlap.nodes)})`;
      return [overlapFinding(headline, overlap.count, majorityOf(stores.length, overlap.count, replicas))];
    }
    const m = majorityOf(stores.length, 1, replicas);
    // With one or two stores, a region has a replica on each, so even one out cost its majority.
    if (m.kind !== 'all-kept') return [overlapFinding(`${s.label} was out`, 1, m)];
    return [
      finding(
        'data',
        'No data was lost',
        `While ${s.label} was out, the other ${m.perRegion - 1} of ${m.perRegion} replicas of every region stayed up, a Raft majority, so every region kept or elected a leader and kept committing writes. All ${int(stores.length)} stores are up now${stale}.`
      )
    ];
  }
  const m = majorityOf(stores.length, out.length, replicas);
  // Certain only when every out store could hold a replica of a region and it still keeps a
  // majority: with 3 replicas, one store out (PD places replicas; we do not see where).
  if (m.kind === 'all-kept') {
    const held =
      stores.length <= m.perRegion
        ? `${up.length} of the ${m.perRegion} replicas of every region`
        : `at least ${m.perRegion - out.length} of the ${m.perRegion} replicas of every region`;
    return [finding('data', 'No data is lost', `${names(up)} still hold ${held}, a Raft majority: each region keeps or elects a leader there${stale}.`)];
  }
  const are = `${names(out)} ${out.length === 1 ? 'is' : 'are'} out`;
  if (m.kind === 'all-lost') {
    // With no more stores than replicas, every region has a replica on every store: exactly.
    const has = up.length === 0 ? 'none' : stores.length <= m.perRegion ? `only ${up.length}` : `at most ${up.length}`;
    return [
      finding(
        'data',
        are,
        `${m.perRegion === 1 ? "Every region's only replica is out" : `Every region has ${has} of its ${m.perRegion} replicas up`}. That is no Raft majority, so writes to those regions stall until a store comes back${stale}. Nothing committed is erased, but the cluster cannot commit now.`
      )
    ];
  }
  return [
    finding(
      'data',
      are,
      `Some regions may have lost their Raft majority: those with ${losers(out.length, m.lostAt)}. Writes to those regions stall until a store comes back${stale}.`
    )
  ];
}

/** Stores out at once in the past (`count` of them), told by the same rule as the live wording. */
function overlapFinding(headline: string, count: number, m: Majority): Finding {
  if (m.kind === 'all-kept')
    return finding('data', headline, `Every region still had at least ${m.perRegion - count} of its ${m.perRegion} replicas up, a Raft majority, so writes kept committing.`);
  const what =
    m.kind === 'all-lost'
      ? `${m.perRegion === 1 ? "Every region's only replica was then out" : `Every region then had fewer than ${m.need} of its ${m.perRegion} replicas up`}, no Raft majority, so writes to them stalled`
      : `Some regions may then have lost their Raft majority: those with ${losers(count, m.lostAt)}. Writes to those regions stalled`;
  return finding('data', headline, `${what} until a store came back. What was committed is kept on disk.`);
}

/** The largest number of nodes with a fault open at the same time, and which. A sweep in time
 *  order: a ledger may hold thousands of faults, so comparing every pair would be slow. */
function maxOverlap(faults: readonly FaultRecord[]): { count: number; nodes: string[] } {
  // Open from its injection until its restore; an open fault with no restore time is still open.
  const until = (g: FaultRecord): number => g.restoredAt ?? (g.status === 'open' ? Infinity : -Infinity);
  const openAt = (g: FaultRecord, t: number): boolean => g.injectedAt <= t && until(g) > t;
  // A time that is not a number is never open (and would stall the sweep).
  const starts = faults.filter((g) => !Number.isNaN(g.injectedAt)).sort((a, b) => a.injectedAt - b.injectedAt);
  const ends = starts.filter((g) => until(g) > g.injectedAt).sort((a, b) => until(a) - until(b));
  const open = new Map<string, number>();
  const bump = (node: string, by: number): void => {
    const n = (open.get(node) ?? 0) + by;
    if (n > 0) open.set(node, n);
    else open.delete(node);
  };
  let best: { count: number; at: number } | null = null;
  let i = 0;
  let j = 0;
  for (let first = starts[0]; first; first = starts[i]) {
    const t = first.injectedAt;
    for (let g = starts[i]; g && g.injectedAt <= t; g = starts[++i]) if (openAt(g, t)) bump(g.node, 1);
    for (let e = ends[j]; e && until(e) <= t; e = ends[++j]) bump(e.node, -1);
    if (open.size > (best?.count ?? 0)) best = { count: open.size, at: t };
  }
  if (!best) return { count: 0, nodes: [] };
  const at = best.at;
  return { count: best.count, nodes: [...new Set(faults.filter((g) => openAt(g, at)).map((g) => g.node))] };
}

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

const OUT_AGAIN_AFTER_MS = 5000;

function recoveryFinding(s: Subject, timeline: readonly TimelineEvent[], last: ClusterSnapshot | null): Finding | null {
  const node = last?.tikv.find((n) => n.name === s.node) ?? null;
  if (s.restoredAt === null) {
    if (node && !storeIsOut(node)) return null;
    return finding('recovery', `${s.label} is still out`, 'The Recovery chapter (or Restore all) brings it back.');
  }
  const again = node ? dockerOut(node) : null;
  // The snapshot is now; the timeline may lag it (a flapping store's last change is folded until
  // it settles). A second or so after the restore, Docker's word is fresh enough to trust.
  if (again && last && last.now - s.restoredAt > OUT_AGAIN_AFTER_MS)
    return finding('recovery', `${s.label} is out again`, `It came back ${formatDuration(s.restoredAt - s.at)} after the ${noun(s.kind)}, and ${again} now.`);
  const started = firstAfter(timeline, 'container-started', s.node, s.at);
  const from = started?.at ?? s.restoredAt;
  const up = firstAfter(timeline, 'pd-up', s.node, from);
  const parts = [started ? 'Its container started' : 'Restored'];
  if (up) parts.push(`PD marked it Up ${formatDuration(up.at - from)} later`);
  else if (node?.state === 'up' && !firstAfter(timeline, 'pd-disconnected', s.node, s.at)) parts.push('PD never stopped calling it Up');
  else parts.push('PD has not marked it Up yet (its first heartbeat comes ~10–25 s after the start)');
  const returned = lastAfter(timeline, 'leaders-returned', s.node, from);
  let leaders: string;
  if (returned) leaders = ` Leaders are coming back: ${clip(returned.text, TEXT_CHARS)}.`;
  else if (node && node.leaderCount === 0)
    leaders = ` It has no leaders yet: it comes back empty-handed, and PD's balance-leader moves leaders back a few at a time, over tens of seconds.`;
  else leaders = node ? ` It leads ${node.leaderCount} regions now.` : '';
  return finding('recovery', `${s.label} is back`, `${parts.join(', ')}.${leaders}`);
}

function diagnosePd(s: Subject, last: ClusterSnapshot | null): Finding[] {
  const out = [
    s.kind === 'exit'
      ? finding('hit', `PD member ${s.label}'s container exited, and not by a fault from this app`)
      : finding(
          'hit',
          `PD member ${s.label} was hit (${noun(s.kind)})`,
          "PD keeps the cluster's map, not its data: TiKV keeps serving, and raw KV needs no timestamps from PD."
        )
  ];
  if (!last) return out;
  const alive = last.pd.filter((p) => p.container !== 'exited' && p.container !== 'paused' && p.container !== 'missing' && p.health !== false);
  if (last.pdLeader)
    out.push(
      last.pdLeader === s.node
        ? finding('pd', `PD's leader is now ${clip(last.pdLeader)}`)
        : finding('pd', `PD's leader is now ${clip(last.pdLeader)}`, 'Etcd elects a new one in 3–6 s when the leader dies.')
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
