import { describe, expect, it } from 'vitest';
import { parseYcsbLine, summarize, trackRecord, type RateState } from '../../../src/main/workload/ycsb-parse';

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
    expect(summarize(s, 11_000)).toEqual({ ops: 1500, errors: 0, p99Ms: 4 });
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
