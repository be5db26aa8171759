import { describe, expect, it } from 'vitest';
import { meanLabel, parseYcsbLine, summarize, trackRecord, windowedMean, type RateState } from '../../../src/main/workload/ycsb-parse';

// Real line shapes: go-ycsb since 2023-01 (50th/90th/95th and TOTAL), before it, and JSON style.
const NEW = 'READ   - Takes(s): 10.0, Count: 48211, OPS: 4821.1, Avg(us): 1581, Min(us): 402, Max(us): 30527, 50th(us): 1379, 90th(us): 2437, 95th(us): 2917, 99th(us): 4555, 99.9th(us): 10895, 99.99th(us): 22463';
const OLD = 'UPDATE - Takes(s): 10.0, Count: 47950, OPS: 4795.2, Avg(us): 1711, Min(us): 455, Max(us): 31011, 99th(us): 5001, 99.9th(us): 11020, 99.99th(us): 23001';
const ERR = 'READ_ERROR - Takes(s): 9.0, Count: 12, OPS: 1.3, Avg(us): 20001523, Min(us): 20000102, Max(us): 20003011, 99th(us): 20003011, 99.9th(us): 20003011, 99.99th(us): 20003011';
const JSON_LINE =
  '[{"50th(us)":"1379","99th(us)":"4555","Avg(us)":"1581","Count":"48211","Max(us)":"30527","Min(us)":"402","OPS":"4821.1","Operation":"READ","Takes(s)":"10.0"},{"Count":"47950","OPS":"4795.2","Operation":"UPDATE","Takes(s)":"10.0","99th(us)":"5001"}]';

describe('go-ycsb line parser', () => {
  it('reads the new and the old column sets by name', () => {
    const [r] = parseYcsbLine(NEW);
    expect(r).toEqual({
      op: 'READ',
      fields: expect.objectContaining({ 'Takes(s)': 10, Count: 48211, OPS: 4821.1, '99th(us)': 4555, '50th(us)': 1379 })
    });
    const [u] = parseYcsbLine(OLD);
    expect(u?.op).toBe('UPDATE');
    expect(u?.fields['50th(us)']).toBeUndefined();
    expect(u?.fields.Count).toBe(47950);
  });
  it('reads error lines and JSON style', () => {
    expect(parseYcsbLine(ERR)[0]?.op).toBe('READ_ERROR');
    const rs = parseYcsbLine(JSON_LINE);
    expect(rs.map((r) => r.op)).toEqual(['READ', 'UPDATE']);
    expect(rs[0]?.fields.Count).toBe(48211);
  });
  it('ignores everything else', () => {
    for (const l of [
      '***************** properties *****************',
      '"tikv.pd"="pd0:2379"',
      'Run finished, takes 1m0.1s',
      '[2026/11/27 10:00:00.000 +00:00] [INFO] [client.go:1] ["region cache"]',
      '[not json',
      ''
    ])
      expect(parseYcsbLine(l)).toEqual([]);
  });
});

describe('rates from cumulative counters', () => {
  const line = (op: string, takes: number, count: number): string =>
    `${op.padEnd(6)} - Takes(s): ${takes.toFixed(1)}, Count: ${count}, OPS: ${(count / takes).toFixed(1)}, Avg(us): 1000, Min(us): 100, Max(us): 9000, 99th(us): 4000, 99.9th(us): 8000, 99.99th(us): 9000`;
  const feed = (state: RateState, l: string, at: number): RateState =>
    parseYcsbLine(l).reduce((s, r) => trackRecord(s, r, at), state);

  it('takes ΔCount/Δt between lines of each op and sums them', () => {
    let s: RateState = {};
    s = feed(s, line('READ', 10, 40000), 10_000);
    s = feed(s, line('UPDATE', 10, 40000), 10_000);
    s = feed(s, line('READ', 11, 41000), 11_000);
    s = feed(s, line('UPDATE', 11, 40500), 11_000);
    // go-ycsb's 99th(us) is since the run began: never passed on as a live figure.
    expect(summarize(s, 11_000)).toEqual({ ops: 1500, errors: 0, p99Ms: null, latency: { ms: 1, label: 'mean, last 1 s' } });
  });
  it('counts *_ERROR lines as errors', () => {
    let s: RateState = {};
    s = feed(s, line('READ', 10, 40000), 10_000);
    s = feed(s, line('READ_ERROR', 5, 10), 10_000);
    s = feed(s, line('READ', 11, 40100), 11_000);
    s = feed(s, line('READ_ERROR', 6, 14), 11_000);
    expect(summarize(s, 11_000)).toMatchObject({ ops: 100, errors: 4 });
  });
  it('starts a new baseline when the counters reset (a restarted workload)', () => {
    let s: RateState = {};
    s = feed(s, line('READ', 100, 400000), 100_000);
    s = feed(s, line('READ', 1, 3000), 101_000); // restarted: Count and Takes went down
    expect(summarize(s, 101_000).ops).toBe(0);
    s = feed(s, line('READ', 2, 7000), 102_000);
    expect(summarize(s, 102_000).ops).toBe(4000);
  });
  it('drops an op that stopped printing', () => {
    let s: RateState = {};
    s = feed(s, line('READ', 10, 40000), 10_000);
    s = feed(s, line('READ', 11, 41000), 11_000);
    expect(summarize(s, 30_000).ops).toBe(0);
  });
});

describe('windowed latency from cumulative Avg × Count', () => {
  // A go-ycsb line whose Avg is the truncated mean of everything so far, as go-ycsb prints it.
  const line = (op: string, takes: number, count: number, sumUs: number): string =>
    `${op.padEnd(6)} - Takes(s): ${takes.toFixed(1)}, Count: ${count}, OPS: ${(count / takes).toFixed(1)}, Avg(us): ${Math.trunc(sumUs / count)}, Min(us): 100, Max(us): 900000, 99th(us): 4000, 99.9th(us): 8000, 99.99th(us): 9000`;

  /** Feeds `seconds` of lines, one a second: `perSec(t)` ops each taking `latUs(t)`. */
  function run(seconds: number, perSec: (t: number) => number, latUs: (t: number) => number): { state: RateState; at: number } {
    let state: RateState = {};
    let count = 0;
    let sum = 0;
    for (let t = 1; t <= seconds; t++) {
      count += perSec(t);
      sum += perSec(t) * latUs(t);
      for (const r of parseYcsbLine(line('READ', t, count, sum))) state = trackRecord(state, r, t * 1000);
    }
    return { state, at: seconds * 1000 };
  }

  it('shows a fault after minutes of load, where the since-start mean barely moves', () => {
    // 5 minutes at 5000 ops/s and 1.5 ms, then 5 s at 200 ops/s taking 180 ms.
    const { state, at } = run(305, (t) => (t > 300 ? 200 : 5000), (t) => (t > 300 ? 180_000 : 1_500));
    const sinceStartMs = (state.READ!.samples.at(-1)!.avgUs ?? 0) / 1000;
    expect(sinceStartMs).toBeLessThan(3); // what a since-start figure would show
    const w = windowedMean(state, at);
    expect(w).not.toBeNull();
    expect(w!.ms).toBeGreaterThan(175);
    expect(w!.ms).toBeLessThan(185);
    expect(w!.spanS).toBe(5);
    expect(summarize(state, at).latency?.label).toBe('mean, last 5 s');
  });

  it('recovers: the window forgets the fault once it has passed', () => {
    const { state, at } = run(320, (t) => (t > 300 && t <= 305 ? 200 : 5000), (t) => (t > 300 && t <= 305 ? 180_000 : 1_500));
    const w = windowedMean(state, at)!;
    // Truncation to whole µs is within ±Count/ΔCount µs; the +0.5 µs correction keeps it small.
    expect(Math.abs(w.ms - 1.5)).toBeLessThan(0.1);
  });

  it('weights every operation by its count, and leaves out TOTAL and errors', () => {
    let s: RateState = {};
    const feed = (l: string, at: number): void => {
      for (const r of parseYcsbLine(l)) s = trackRecord(s, r, at);
    };
    feed(line('READ', 10, 10_000, 10_000 * 1000), 10_000);
    feed(line('UPDATE', 10, 10_000, 10_000 * 3000), 10_000);
    feed(line('READ_ERROR', 10, 10, 10 * 20_000_000), 10_000);
    feed(line('READ', 15, 13_000, 10_000 * 1000 + 3000 * 1000), 15_000);
    feed(line('UPDATE', 15, 11_000, 10_000 * 3000 + 1000 * 3000), 15_000);
    feed(line('READ_ERROR', 15, 20, 20 * 20_000_000), 15_000);
    // (3000 × 1 ms + 1000 × 3 ms) / 4000 = 1.5 ms; the 20 s errors are not in it.
    expect(windowedMean(s, 15_000)!.ms).toBeCloseTo(1.5, 2);
  });

  it('a fresh run: its first line covers everything since it began', () => {
    let s: RateState = {};
    for (const r of parseYcsbLine(line('READ', 1, 4000, 4000 * 2000))) s = trackRecord(s, r, 1000);
    expect(windowedMean(s, 1000)).toEqual({ ms: 2.0005, spanS: 1 });
  });

  it('says nothing when nothing completed in the window, or the lines stopped', () => {
    let s: RateState = {};
    for (const [t, c] of [[100, 5000], [101, 5000], [102, 5000]] as const)
      for (const r of parseYcsbLine(line('READ', t, c, c * 1000))) s = trackRecord(s, r, t * 1000);
    expect(windowedMean(s, 102_000)).toBeNull(); // a full stall: no op finished
    const { state } = run(20, () => 1000, () => 1000);
    expect(windowedMean(state, 20_000)).not.toBeNull();
    expect(windowedMean(state, 60_000)).toBeNull(); // stale
  });

  it('labels the window it used', () => {
    expect(meanLabel(5)).toBe('mean, last 5 s');
    expect(meanLabel(0.4)).toBe('mean, last 1 s');
    const { state, at } = run(3, () => 1000, () => 1000);
    expect(summarize(state, at).latency?.label).toBe('mean, last 2 s');
  });
});
