// Realistic show and cluster states for the renderer's tests (and for looking at the views):
// tikv1 killed a few seconds ago, PD still says Up, leaders moving to the survivors.
import type { ClusterSnapshot, TikvStoreRow, WorkloadSample } from '../../../src/shared/cluster';
import { defaultPresenterExtras, type Chapter, type ShowState } from '../../../src/shared/show';
import type { ShowDeck } from '../../../src/shared/show-parts';

const KILL_RANDOM = { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } } as const;

export const T0 = 1_767_000_000_000;

export function chapter(over: Partial<Chapter> = {}): Chapter {
  return {
    id: 'detection',
    title: 'Detection: who noticed?',
    narration:
      'We just **killed `tikv1`**. Docker knows at once — PD only notices when heartbeats stop.\n\nWatch the leaders move to the two survivors.',
    notes: 'Point at tikv1: Docker says killed, PD still says Up.\n\n- Wait for the leaders to move (about 10 s)\n- Then press Next',
    action: KILL_RANDOM,
    countdown: 3,
    autoAdvance: null,
    blocksAdvance: true,
    map: true,
    panel: 'none',
    duration: 90,
    source: { file: 'deck.md', line: 40 },
    ...over
  };
}

export function show(over: Partial<ShowState> = {}): ShowState {
  const ch = chapter();
  return {
    deckTitle: 'TiKV survives a node loss',
    deckFile: '/decks/default.md',
    chapters: [
      { id: 'welcome', title: 'Welcome', action: null, duration: 60 },
      { id: 'the-cluster', title: 'The cluster', action: { type: 'start-workload' }, duration: 90 },
      { id: 'detection', title: ch.title, action: ch.action, duration: ch.duration },
      { id: 'recovery', title: 'Recovery', action: { type: 'restore' }, duration: 90 },
      { id: 'what-happened', title: 'What happened', action: null, duration: null }
    ],
    index: 2,
    total: 5,
    chapter: ch,
    next: chapter({ id: 'recovery', title: 'Recovery', action: { type: 'restore' }, countdown: 0, narration: 'Bring it back.' }),
    beat: { phase: 'done', countdownEndsAt: null, countdownLeft: null, message: 'killed tikv1' },
    canAdvance: true,
    blockedReason: null,
    blackout: false,
    mode: 'sim',
    modeReason: 'no Docker engine at /var/run/docker.sock: using the simulated cluster',
    timeline: [
      { at: T0 - 2_000, kind: 'note', node: null, text: 'workload steady at 4,100 ops/s' },
      { at: T0, kind: 'fault-injected', node: 'tikv1', text: 'killed tikv1', fault: 'kill' },
      { at: T0 + 300, kind: 'container-exited', node: 'tikv1', text: 'tikv1 container exited' },
      { at: T0 + 1_000, kind: 'workload-dip', node: null, text: 'throughput dipping: 4,100 → 1,200 ops/s (−71 %)', baselineOps: 4100, ops: 1200 },
      {
        at: T0 + 7_000,
        kind: 'leaders-moved',
        node: 'tikv1',
        text: 'leaders moved off tikv1: 5 → 0 in 7 s (tikv0 +3, tikv2 +2)',
        from: 5,
        gains: [
          { node: 'tikv0', gain: 3 },
          { node: 'tikv2', gain: 2 }
        ]
      }
    ],
    diagnosis: [
      { kind: 'hit', headline: 'tikv1 was killed (docker kill, SIGKILL)', detail: 'The process vanished without a word to its peers.' },
      {
        kind: 'leaders',
        headline: 'Its leaders have not all moved off yet',
        detail: 'After a kill, Raft elections on the survivors usually take 10–20 s.',
        since: { at: T0, what: 'kill' }
      },
      { kind: 'data', headline: 'No data is lost', detail: 'tikv0 and tikv2 still hold 2 of the 3 replicas of every region, a Raft majority.' }
    ],
    faults: [
      {
        id: 'f1',
        spec: { kind: 'kill', target: { type: 'random-tikv' } },
        node: 'tikv1',
        injectedAt: T0,
        restoredAt: null,
        status: 'open',
        error: null
      }
    ],
    notices: [],
    startedAt: T0 - 6 * 60_000,
    presenter: defaultPresenterExtras(),
    ...over
  };
}

function store(i: number, over: Partial<TikvStoreRow> = {}): TikvStoreRow {
  return {
    kind: 'tikv',
    storeId: String(i + 1),
    name: `tikv${i}`,
    address: `tikv${i}:20160`,
    state: 'up',
    container: 'running',
    partitioned: false,
    leaderCount: 10,
    regionCount: 30,
    lastHeartbeatMs: T0 + 6_000,
    opsPerSec: 1370,
    ...over
  };
}

export function history(now: number, dipAt: number): WorkloadSample[] {
  const out: WorkloadSample[] = [];
  for (let t = now - 100_000; t <= now; t += 1_000) {
    const since = t - dipAt;
    let ops = 4100 + 60 * Math.sin(t / 4_000);
    if (since >= 0 && since < 12_000) ops = 1200 + since * 0.2;
    out.push({ t, ops, errors: since >= 0 && since < 6_000 ? 35 : 0, p99Ms: since >= 0 && since < 12_000 ? 180 : 9.5 });
  }
  return out;
}

export function cluster(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  const now = T0 + 8_000;
  const h = history(now, T0 + 1_000);
  return {
    timeScale: 1,
    mode: 'sim',
    pdUrl: 'http://127.0.0.1:2379',
    takenAt: now,
    stale: false,
    ageMs: 0,
    now,
    pdError: null,
    containerNote: null,
    clusterId: '7301234567890123456',
    pdLeader: 'pd0',
    regionCount: 30,
    pd: [
      { kind: 'pd', memberId: '13178812345678901234', name: 'pd1', health: true, isLeader: false, container: 'running', partitioned: false },
      { kind: 'pd', memberId: '10283712345678901234', name: 'pd0', health: true, isLeader: true, container: 'running', partitioned: false },
      { kind: 'pd', memberId: '16672212345678901234', name: 'pd2', health: true, isLeader: false, container: 'running', partitioned: false }
    ],
    tikv: [
      store(2, { leaderCount: 13, opsPerSec: 2050 }),
      store(0, { leaderCount: 12, opsPerSec: 2030 }),
      store(1, { container: 'exited', leaderCount: 5, lastHeartbeatMs: T0 - 4_000, opsPerSec: null })
    ],
    workload: { running: true, source: 'sim', current: h[h.length - 1] ?? null, history: h },
    ...over
  };
}

/** The deck part (src/shared/show-parts.ts) that a show's chapter list stands for: full chapters, the current one as is. */
export function deckOf(s: ShowState): ShowDeck {
  const chapters = s.chapters.map((c, i) =>
    i === s.index ? s.chapter : i === s.index + 1 && s.next ? s.next : chapter({ id: c.id, title: c.title, action: c.action, duration: c.duration })
  );
  return { deckTitle: s.deckTitle, deckFile: s.deckFile, chapters };
}
