// Recordings from any path, and recordings with content the recorder never writes: every case is
// refused in plain words, and nothing blocks, aborts or throws in the main process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayEngine } from '../../../src/main/replay/replay-engine';
import { listRecordings, loadReplay, recordingForDeck, RECORDING_MAX_BYTES } from '../../../src/main/replay/recording-files';
import { parseRecording } from '../../../src/main/replay/recording-reader';
import { MAX_RECORDED_MS, utcMinute } from '../../../src/main/replay/recording-format';
import { describeRecording } from '../../../src/main/replay/replay-boot';
import { createReplayStatus } from '../../../src/main/replay/replay-status';
import { record, story } from './story';

const dir = mkdtempSync(join(tmpdir(), 'rec-harden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const good = record(mkdtempSync(join(dir, 'good-')), story({ seconds: 100 })).path;
const goodLines = readFileSync(good, 'utf8').trimEnd().split('\n');

/** Makes a FIFO at `path`; the reason when it cannot (no mkfifo, e.g. on Windows). */
function mkfifo(path: string): string | null {
  const r = spawnSync('mkfifo', [path]);
  if (r.error) return `mkfifo is unavailable (${r.error.message})`;
  if (r.status !== 0) return `mkfifo failed: ${r.stderr.toString().trim()}`;
  return null;
}
const fifoProbe = mkfifo(join(dir, 'probe.fifo'));
if (fifoProbe) console.log(`skipping the FIFO tests: ${fifoProbe}`);

/**
 * A regression here would block the test worker for good in openSync/readSync. This child opens
 * the FIFO read-write after a while (which never blocks on Linux) and closes it, so a blocked
 * read ends with EOF and the test fails on its timing instead of hanging the run.
 */
function rescue(fifo: string, afterMs = 3_000): ChildProcess {
  const code = `setTimeout(() => { const fs = require('fs'); const fd = fs.openSync(process.argv[1], fs.constants.O_RDWR); setTimeout(() => fs.closeSync(fd), 200); }, ${afterMs});`;
  return spawn(process.execPath, ['-e', code, fifo], { stdio: 'ignore' });
}

function withLines(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('reading a recording from any path', () => {
  it.skipIf(!existsSync('/dev/zero'))('/dev/zero is refused as a device, without reading it', () => {
    const r = loadReplay('/dev/zero');
    expect(r).toEqual({ ok: false, error: 'cannot read the recording /dev/zero: it is a device, not a recording file', line: null, partial: false });
  });

  it.skipIf(fifoProbe !== null)('a FIFO is refused at once, without opening it (which would block until a writer came)', () => {
    const fifo = join(dir, 'show.jsonl');
    expect(mkfifo(fifo)).toBeNull();
    const child = rescue(fifo);
    try {
      const t0 = Date.now();
      const r = loadReplay(fifo);
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(r).toMatchObject({ ok: false, error: `cannot read the recording ${fifo}: it is a named pipe (FIFO), not a recording file` });
    } finally {
      child.kill();
    }
  });

  it('a folder, a missing file and a file past the size cap are refused in plain words', () => {
    expect(loadReplay(dir)).toMatchObject({ ok: false, error: `cannot read the recording ${dir}: it is a folder, not a recording file` });
    expect(loadReplay(join(dir, 'nowhere.jsonl'))).toMatchObject({ ok: false, error: expect.stringMatching(/^cannot read the recording .*nowhere\.jsonl: ENOENT/) });
    const big = join(dir, 'big.jsonl');
    writeFileSync(big, '');
    truncateSync(big, RECORDING_MAX_BYTES + 1024 * 1024); // sparse: no disk used
    expect(loadReplay(big)).toMatchObject({ ok: false, error: `cannot read the recording ${big}: it is 65.0 MB; a recording may be at most 64 MB` });
  });

  it('a good recording still loads', () => {
    const r = loadReplay(good);
    expect(r.ok).toBe(true);
  });

  it.skipIf(fifoProbe !== null)('the listing leaves out a FIFO named *.jsonl (and does not block on it)', () => {
    const data = mkdtempSync(join(dir, 'list-'));
    record(data, story({ seconds: 30 }));
    const fifo = join(data, 'recordings', 'zz-pipe.jsonl');
    expect(mkfifo(fifo)).toBeNull();
    mkdirSync(join(data, 'recordings', 'folder.jsonl'));
    const child = rescue(fifo);
    try {
      const t0 = Date.now();
      const all = listRecordings(data);
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(all).toHaveLength(1);
      expect(all[0]!.file).not.toBe('zz-pipe.jsonl');
      expect(all[0]!.bytes).toBeGreaterThan(1000);
    } finally {
      child.kill();
    }
  });
});

describe('a header time no date can print', () => {
  const farT = 9e15; // > 8.64e15, the last time Date can hold
  const far = { ...JSON.parse(goodLines[0]!), t: farT };

  it('is refused by the reader: the header must be a plausible Unix ms time', () => {
    const r = parseRecording([JSON.stringify(far), ...goodLines.slice(1)].join('\n'));
    expect(r).toMatchObject({ ok: false, line: 1, error: expect.stringMatching(/^line 1 is not a recording header: unexpected content at t: /) });
    expect(parseRecording([JSON.stringify({ ...far, t: -1 }), ...goodLines.slice(1)].join('\n')).ok).toBe(false);
    expect(parseRecording([JSON.stringify({ ...far, t: MAX_RECORDED_MS }), ...goodLines.slice(1)].join('\n')).ok).toBe(true);
  });

  it('never breaks the presenter state: the listing leaves it out, and extras() does not throw', () => {
    const data = mkdtempSync(join(dir, 'far-'));
    mkdirSync(join(data, 'recordings'));
    writeFileSync(join(data, 'recordings', 'tikv-resilience--live--far.jsonl'), `${[JSON.stringify({ ...far, mode: 'live' }), ...goodLines.slice(1)].join('\n')}\n`);
    const status = createReplayStatus({ dataDir: data, deckSlug: () => 'tikv-resilience', mode: () => 'live', snapshot: () => null, recordingTo: () => null, engine: () => null });
    expect(() => status.extras()).not.toThrow();
    expect(status.extras().fallback).toBeNull();
    expect(status.list()).toEqual([]);
  });

  it('formatting a recorded time never throws, whatever the number', () => {
    expect(utcMinute(Date.UTC(2026, 10, 30, 9, 0))).toBe('2026-11-30 09:00');
    for (const t of [farT, -farT, Number.NaN, Number.POSITIVE_INFINITY]) expect(utcMinute(t)).toBeNull();
    const info = { file: '/x/rec.jsonl', madeAt: farT, madeIn: 'live' } as ReplayEngine['info'];
    expect(describeRecording({ info })).toBe('a recording made on the real cluster at an unknown time (rec.jsonl)');
    const entry = { path: '/x/rec.jsonl', file: 'rec.jsonl', bytes: 1, header: { ...far, mode: 'live', deck: { ...far.deck, slug: 'd' } } };
    expect(recordingForDeck([entry], 'd')?.text).toBe('a recording of this deck on the real cluster (time unknown) can stand in: rec.jsonl');
  });
});

describe('ids the map reads as numbers', () => {
  const snapAt = goodLines.findIndex((l) => l.includes('"k":"snap"'));
  const snap = JSON.parse(goodLines[snapAt]!) as { t: number; s: { tikv: { storeId: string; name: string }[]; pd: { memberId: string }[] } };

  it('a store id that is not decimal digits is damage, named with its line', () => {
    const bad = structuredClone(snap);
    // A second row for tikv1 (as a re-created store would have): the map sorts the two by id.
    bad.s.tikv.push({ ...bad.s.tikv[1]!, storeId: 'x' });
    const lines = [...goodLines];
    lines[snapAt] = JSON.stringify(bad);
    const r = loadReplay(withLines('bad-store-id.jsonl', lines));
    expect(r).toMatchObject({ ok: false, line: snapAt + 1, error: expect.stringMatching(/unexpected content at s\.tikv\.3\.storeId: a decimal id/) });
  });

  it('a member id that is not decimal digits is damage too; an empty id (a node PD does not know) is not', () => {
    const bad = structuredClone(snap);
    bad.s.pd[0]!.memberId = '12a';
    expect(parseRecording([goodLines[0]!, JSON.stringify(bad)].join('\n'))).toMatchObject({ ok: false, line: 2 });
    const unknown = structuredClone(snap);
    unknown.s.tikv[0]!.storeId = '';
    unknown.s.pd[0]!.memberId = '';
    expect(parseRecording([goodLines[0]!, JSON.stringify(unknown)].join('\n')).ok).toBe(true);
  });

  it('a change that adds a row without its name and id is damage, not a nameless node on the map', () => {
    const lines = [...goodLines];
    lines.splice(snapAt + 1, 0, JSON.stringify({ k: 'delta', t: snap.t + 1, tikv: { 'tikv9#9': { leaderCount: 1 } } }));
    const r = loadReplay(withLines('partial-row.jsonl', lines));
    expect(r).toMatchObject({ ok: false, line: snapAt + 2, error: expect.stringMatching(/a change that adds the TiKV row "tikv9#9" without all its fields/) });
    // A change to an existing row needs only what changed.
    lines[snapAt + 1] = JSON.stringify({ k: 'delta', t: snap.t + 1, tikv: { 'tikv0#1': { leaderCount: 1 } } });
    expect(loadReplay(withLines('partial-change.jsonl', lines)).ok).toBe(true);
  });
});
