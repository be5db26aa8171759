// A recorded show made up for the tests: 3 PD + 3 TiKV polled every second, a workload, a kill
// of one TiKV (Docker sees it at once, PD says Disconnected 20 s later, its leaders move to the
// others, the workload dips) and its restore (the node comes back, leaders return).
import type { ChapterAction } from '../../../src/shared/actions';
import type { ClusterSnapshot, TikvStoreRow } from '../../../src/shared/cluster';
import type { NodeProcess } from '../../../src/main/chaos/driver';
import type { BeatLine } from '../../../src/main/replay/recording-format';
import { createRecorder, type Recorder, type RecorderHeader } from '../../../src/main/replay/recorder';

export const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const LEADERS = 120;

export interface StoryOptions {
  seconds: number;
  /** Seconds from the start: workload start, kill, restore (null = none). */
  loadAt?: number;
  killAt?: number | null;
  restoreAt?: number | null;
  target?: string;
  /** Seconds between leader-balance wobbles in the steady state. */
  wobbleEvery?: number;
}

export type StoryEvent =
  | { t: number; type: 'snap'; s: ClusterSnapshot }
  | { t: number; type: 'container'; p: NodeProcess }
  | { t: number; type: 'beat'; b: Omit<BeatLine, 'k'> };

const kill: ChapterAction = { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } };

function leaders(sec: number, o: Required<StoryOptions>, target: string): Record<string, number> {
  const even = { tikv0: LEADERS / 3, tikv1: LEADERS / 3, tikv2: LEADERS / 3 };
  const wobble = Math.floor(sec / o.wobbleEvery) % 2 === 1 ? 1 : 0;
  const out: Record<string, number> = { tikv0: even.tikv0 + wobble, tikv1: even.tikv1 - wobble, tikv2: even.tikv2 };
  const others = Object.keys(out).filter((n) => n !== target);
  const move = (n: number): void => {
    out[target] = out[target]! - n;
    out[others[0]!] = out[others[0]!]! + Math.ceil(n / 2);
    out[others[1]!] = out[others[1]!]! + Math.floor(n / 2);
  };
  if (o.killAt !== null && sec >= o.killAt + 10) {
    const gone = Math.min(1, (sec - o.killAt - 10) / 15);
    const back = o.restoreAt !== null && sec >= o.restoreAt + 5 ? Math.min(1, (sec - o.restoreAt - 5) / 25) : 0;
    move(Math.round(out[target]! * gone * (1 - back)));
  }
  return out;
}

function snapshot(sec: number, o: Required<StoryOptions>, target: string): ClusterSnapshot {
  const now = T0 + sec * 1000;
  const down = o.killAt !== null && sec >= o.killAt && (o.restoreAt === null || sec < o.restoreAt);
  const pdSaysDown = o.killAt !== null && sec >= o.killAt + 20 && (o.restoreAt === null || sec < o.restoreAt + 3);
  const lc = leaders(sec, o, target);
  const loadOn = sec >= o.loadAt;
  const dip = o.killAt !== null && sec >= o.killAt && sec < o.killAt + 12;
  const ops = loadOn ? (dip ? 310 : 1000) + ((sec * 37) % 23) : 0;
  const tikv: TikvStoreRow[] = ['tikv0', 'tikv1', 'tikv2'].map((name, i) => {
    const isDown = name === target && down;
    return {
      kind: 'tikv',
      storeId: String(i + 1),
      name,
      address: `${name}:20160`,
      state: name === target && pdSaysDown ? 'disconnected' : 'up',
      container: isDown ? 'exited' : 'running',
      partitioned: false,
      leaderCount: lc[name]!,
      regionCount: LEADERS,
      lastHeartbeatMs: name === target && o.killAt !== null && down ? T0 + o.killAt * 1000 - 400 : now - 300 - i * 100,
      opsPerSec: loadOn ? (isDown ? 0 : Math.round(ops / (down ? 2 : 3))) : null
    };
  });
  return {
    mode: 'sim',
    pdUrl: 'http://127.0.0.1:40123',
    takenAt: now - 20,
    stale: false,
    ageMs: 20,
    now,
    pdError: null,
    containerNote: null,
    clusterId: '7301234567890123456',
    pdLeader: 'pd0',
    regionCount: LEADERS,
    pd: ['pd0', 'pd1', 'pd2'].map((name, i) => ({
      kind: 'pd',
      memberId: `1234567890123456${i}`,
      name,
      health: true,
      isLeader: name === 'pd0',
      container: 'running',
      partitioned: false
    })),
    tikv,
    workload: { running: loadOn, source: 'sim', current: loadOn ? { t: now - 5, ops, errors: dip ? 3 : 0, p99Ms: dip ? 210.4 : 8.2, latency: { ms: dip ? 210.4 : 8.2, label: 'p99, last 1 s' } } : null, history: [] },
    timeScale: 1
  };
}

/** The show's events in time order. */
export function story(opts: StoryOptions): StoryEvent[] {
  const o: Required<StoryOptions> = { loadAt: 10, killAt: 60, restoreAt: 150, target: 'tikv1', wobbleEvery: 30, ...opts };
  const target = o.target;
  const out: StoryEvent[] = [];
  for (let sec = 0; sec < o.seconds; sec++) {
    const at = T0 + sec * 1000;
    if (sec === o.loadAt)
      out.push({ t: at, type: 'beat', b: { t: at, chapter: 'load-generation', source: 'chapter', action: { type: 'start-workload' }, target: null, outcome: 'ok', message: 'workload running' } });
    if (sec === o.killAt) {
      out.push({ t: at + 100, type: 'container', p: { name: target, kind: 'tikv', state: 'exited', partitioned: false } });
      out.push({ t: at + 150, type: 'beat', b: { t: at, chapter: 'fault-injection', source: 'chapter', action: kill, target, outcome: 'ok', message: `killed ${target}` } });
    }
    if (sec === o.restoreAt) {
      out.push({ t: at + 100, type: 'container', p: { name: target, kind: 'tikv', state: 'running', partitioned: false } });
      out.push({ t: at + 200, type: 'beat', b: { t: at, chapter: 'recovery', source: 'chapter', action: { type: 'restore' }, target: null, outcome: 'ok', message: `restored ${target}` } });
    }
    out.push({ t: at + 500, type: 'snap', s: snapshot(sec + 0.5, o, target) });
  }
  return out;
}

export const HEADER: RecorderHeader = {
  mode: 'sim',
  modeReason: 'simulated cluster (--mode sim)',
  deck: { file: '/decks/tikv-resilience.md', title: 'TiKV: Lose a Node, Keep Your Data' },
  timeScale: 1,
  workload: 'sim'
};

/** Writes a story through a real recorder into dataDir; returns the recorder (closed). */
export function record(dataDir: string, events: StoryEvent[], header: RecorderHeader = HEADER): Recorder {
  let clock = events[0]?.t ?? T0;
  const rec = createRecorder({ dataDir, header, now: () => clock, appVersion: '0.1.0' });
  for (const e of events) {
    clock = e.t;
    if (e.type === 'snap') rec.snapshot(e.s);
    else if (e.type === 'container') rec.container(e.p, e.t);
    else rec.beat(e.b);
  }
  rec.close();
  return rec;
}
