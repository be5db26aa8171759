// The phases' raw results as the bench's figures, each beside its target (issue 11). Pure.
import type { Frame } from './browser';
import type { BigClusterResults } from './big-cluster';
import type { LiveResults } from './live';
import type { FaultResults, IdleResults, KeyResults, SoakResults } from './phases';
import { bytesPerWindow, growthPct, median, p95, slopePerLoop, type Figure } from './report';

/** Bytes a key press brings each page: frames other than the cluster's periodic snapshot in the
 *  400 ms after the key, less what such frames bring while idle. */
export const KEY_WINDOW_MS = 400;

const PAINT_LABELS: Record<keyof KeyResults['paint'], string> = {
  audienceKeyAudiencePaint: 'key in audience -> audience paint',
  audienceKeyPresenterPaint: 'key in audience -> presenter paint',
  presenterKeyPresenterPaint: 'key in presenter -> presenter paint',
  presenterKeyAudiencePaint: 'key in presenter -> audience paint'
};

export function keyFigures(k: KeyResults): Figure[] {
  const out: Figure[] = [];
  for (const [key, label] of Object.entries(PAINT_LABELS) as [keyof KeyResults['paint'], string][]) {
    out.push({ key: `${key}MedianMs`, label: `${label}, median`, value: median(k.paint[key]), unit: 'ms', below: 16 });
    out.push({ key: `${key}P95Ms`, label: `${label}, p95`, value: p95(k.paint[key]), unit: 'ms', below: 25 });
  }
  out.push({ key: 'keyToNextFrameMedianMs', label: 'key -> start of the frame after (own page), median', value: median(k.nextFrame), unit: 'ms', below: null, note: 'double rAF, an upper bound' });
  return out;
}

export function idleFigures(i: IdleResults): Figure[] {
  return [
    { key: 'idleAudienceBusyPct', label: `idle audience page main thread busy (${i.seconds.toFixed(0)} s)`, value: i.pageBusyPct.audience, unit: '%', below: 1 },
    { key: 'idlePresenterBusyPct', label: 'idle presenter page main thread busy', value: i.pageBusyPct.presenter, unit: '%', below: 1 },
    { key: 'idleServerCpuPct', label: 'idle server CPU (share of one core)', value: i.serverCpuPct, unit: '%', below: 1.5 },
    { key: 'idleAudienceBytesPerSec', label: 'idle bytes/s to the audience page', value: i.bytesPerSec.audience, unit: 'B/s', below: null },
    { key: 'idlePresenterBytesPerSec', label: 'idle bytes/s to the presenter page', value: i.bytesPerSec.presenter, unit: 'B/s', below: null }
  ];
}

export function bytesFigures(k: KeyResults, i: IdleResults, frames: Record<'audience' | 'presenter', Frame[]>): Figure[] {
  const starts = [...k.keyTimes.audience, ...k.keyTimes.presenter];
  const per = (p: 'audience' | 'presenter'): number => {
    const own = frames[p].filter((f) => f.kind !== 'cluster');
    const idleRate = own.filter((f) => f.at >= i.from && f.at < i.to).reduce((a, f) => a + f.bytes, 0) / Math.max(1e-3, (i.to - i.from) / 1000);
    return bytesPerWindow(own, starts, KEY_WINDOW_MS, idleRate);
  };
  return [
    { key: 'keyBytesAudience', label: 'bytes per key press to the audience page', value: per('audience'), unit: 'B', below: null },
    { key: 'keyBytesPresenter', label: 'bytes per key press to the presenter page', value: per('presenter'), unit: 'B', below: null }
  ];
}

export function faultFigures(f: FaultResults, prefix = '', label = ''): Figure[] {
  const key = (k: string): string => (prefix ? `${prefix}${k[0]!.toUpperCase()}${k.slice(1)}` : k);
  const ratio = f.pdDisconnectedMs / Math.max(1, f.mapShowsKillMs.audience);
  const beatNote = !Number.isFinite(f.lastHeartbeatAt)
    ? 'last heartbeat unknown'
    : Number.isFinite(f.injectedAt)
      ? `last heartbeat ${((f.injectedAt - f.lastHeartbeatAt) / 1000).toFixed(1)} s before the kill`
      : 'kill time unknown';
  return [
    { key: key('mapShowsKillAudienceMs'), label: `${label}countdown end -> audience map shows the kill`, value: f.mapShowsKillMs.audience, unit: 'ms', below: 250, note: f.node },
    { key: key('mapShowsKillPresenterMs'), label: `${label}countdown end -> presenter map shows the kill`, value: f.mapShowsKillMs.presenter, unit: 'ms', below: 250 },
    { key: key('killRecordedAfterCountdownMs'), label: `${label}countdown end -> kill recorded by main`, value: f.injectedAt - f.countdownEndsAt, unit: 'ms', below: null },
    { key: key('pdDisconnectedMs'), label: `${label}countdown end -> map shows PD's Disconnected`, value: f.pdDisconnectedMs, unit: 'ms', below: null, note: beatNote },
    // PD waits 20 s (÷ --sim-speed in sim) from the store's last heartbeat, whatever the phase of
    // its 10 s beat at the kill: this stays near that where the figure above varies (10-20 s at
    // real timings, less after a lost beat).
    { key: key('pdDisconnectedAfterHeartbeatMs'), label: `${label}store's last heartbeat -> map shows PD's Disconnected`, value: f.countdownEndsAt + f.pdDisconnectedMs - f.lastHeartbeatAt, unit: 'ms', below: null },
    { key: key('pdOverMapRatio'), label: `${label}PD's Disconnected / map's kill`, value: ratio, unit: 'x', below: null, atLeast: 50 }
  ];
}

/** A soak's samples from loop 2 to the end (the first loop warms caches up); with fewer than 3
 *  loops, from loop 1. */
function soakWindow(s: SoakResults): { from: number; growth: (xs: number[]) => number; mb: (xs: number[]) => string } {
  const from = s.loops >= 3 ? 1 : 0;
  return {
    from,
    growth: (xs) => growthPct(xs.slice(from)),
    mb: (xs) => (xs.length ? `${(xs[from]! / 1e6).toFixed(1)} -> ${(xs.at(-1)! / 1e6).toFixed(1)} MB` : '')
  };
}

export function soakFigures(s: SoakResults): Figure[] {
  const { from, growth, mb } = soakWindow(s);
  return [
    { key: 'soakLoops', label: `soak loops (re-armed by ${s.rearm})`, value: s.loops, unit: '', below: null },
    { key: 'soakFaultsSeen', label: 'soak loops whose fault the map showed', value: s.faultsSeen, unit: '', below: null, atLeast: s.loops },
    { key: 'soakLoopSecondsMedian', label: 'soak loop duration, median', value: median(s.loopSeconds), unit: 's', below: null },
    { key: 'soakHeapGrowthAudiencePct', label: `audience heap after GC, growth from loop ${from + 1}`, value: growth(s.heap.audience), unit: '%', below: 5, note: mb(s.heap.audience) },
    { key: 'soakHeapGrowthPresenterPct', label: `presenter heap after GC, growth from loop ${from + 1}`, value: growth(s.heap.presenter), unit: '%', below: 5, note: mb(s.heap.presenter) },
    { key: 'soakServerRssGrowthPct', label: `server RSS, growth from loop ${from + 1}`, value: growth(s.rss), unit: '%', below: 10, note: mb(s.rss) }
  ];
}

/**
 * The control soak, in a Chromium whose V8 generates no code (`--js-flags=--jitless`): there the
 * heap holds the app's objects and V8's bytecode and feedback, not the machine code its compilers
 * add as functions get hot over the first dozens of loops. It too grows once in the first loops
 * (about 60 KB in loop 3 here), so what is judged is the slope over the second half: an app that
 * keeps something from every show grows there; one that does not stays flat.
 */
export function jitlessSoakFigures(s: SoakResults): Figure[] {
  const { from, growth, mb } = soakWindow(s);
  // The second half of the loops. With fewer than 4 the slope still shows (over the loops from
  // the growth figure's first), but is not judged: it would take in the first loops' one-off step.
  const judged = s.loops >= 4;
  const half = judged ? Math.floor(s.loops / 2) : from;
  const halfLabel = `loops ${half + 1}-${s.loops}`;
  const kbPerLoop = (xs: number[]): number => slopePerLoop(xs.slice(half)) / 1000;
  return [
    { key: 'jitlessSoakFaultsSeen', label: 'jitless soak: loops whose fault the map showed', value: s.faultsSeen, unit: '', below: null, atLeast: s.loops },
    { key: 'jitlessHeapGrowthAudiencePct', label: `jitless soak: audience heap after GC, growth from loop ${from + 1}`, value: growth(s.heap.audience), unit: '%', below: null, note: mb(s.heap.audience) },
    { key: 'jitlessHeapSlopeAudienceKbPerLoop', label: `jitless soak: audience heap after GC, per loop over ${halfLabel}`, value: kbPerLoop(s.heap.audience), unit: 'KB', below: judged ? 2 : null },
    { key: 'jitlessHeapGrowthPresenterPct', label: `jitless soak: presenter heap after GC, growth from loop ${from + 1}`, value: growth(s.heap.presenter), unit: '%', below: null, note: mb(s.heap.presenter) },
    { key: 'jitlessHeapSlopePresenterKbPerLoop', label: `jitless soak: presenter heap after GC, per loop over ${halfLabel}`, value: kbPerLoop(s.heap.presenter), unit: 'KB', below: judged ? 2 : null }
  ];
}

/** Live mode on the containerized simulator: the same fault figures, and the kill timed from
 *  Docker's own die event for the container. */
export function liveFigures(l: LiveResults): Figure[] {
  return [
    { key: 'liveDieToMapAudienceMs', label: "live: Docker's die -> audience map shows the kill", value: l.dieToMapMs, unit: 'ms', below: 250, note: l.die.name },
    { key: 'liveDieToPdDisconnectedMs', label: "live: Docker's die -> map shows PD's Disconnected", value: l.dieToPdMs, unit: 'ms', below: null },
    ...faultFigures(l.fault, 'live', 'live: ')
  ];
}

/** A cluster far larger than the demo (--big-cluster): informative, no target of the issue's. */
export function bigClusterFigures(b: BigClusterResults): Figure[] {
  const n = `${b.stores} stores`;
  return [
    { key: 'bigClusterStoresBytes', label: `${n}: one /stores answer`, value: b.storesBytes, unit: 'B', below: null },
    { key: 'bigClusterAudienceBesideSteadyPct', label: `${n}: idle audience page, map beside a panel`, value: b.busyPct.audienceBesideSteady, unit: '%', below: null },
    { key: 'bigClusterAudienceBesideShufflingPct', label: `${n}: the same, every leader count moving`, value: b.busyPct.audienceBesideShuffling, unit: '%', below: null },
    { key: 'bigClusterAudienceStripPct', label: `${n}: idle audience page, Diagnosis strip`, value: b.busyPct.audienceStripSteady, unit: '%', below: null },
    { key: 'bigClusterPresenterSteadyPct', label: `${n}: idle presenter page (Live tab, its table of stores)`, value: b.busyPct.presenterSteady, unit: '%', below: null },
    { key: 'bigClusterPresenterShufflingPct', label: `${n}: the same, every leader count moving`, value: b.busyPct.presenterShuffling, unit: '%', below: null }
  ];
}
