import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { coreOf, parseRecordingFileName } from '../../../src/main/replay/recording-format';
import { createRecorder } from '../../../src/main/replay/recorder';
import { parseRecording } from '../../../src/main/replay/recording-reader';
import { HEADER, T0, record, story } from './story';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'rec-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('recorder', () => {
  it('writes one file per show under recordings/, named by deck, mode and time', () => {
    const dir = tmp();
    const r = record(dir, story({ seconds: 200 }));
    const files = readdirSync(join(dir, 'recordings'));
    expect(files).toEqual([basename(r.path)]);
    expect(parseRecordingFileName(files[0]!)).toEqual({ slug: 'tikv-resilience', mode: 'sim', stamp: '2026-11-30T09-00-00-500Z' });
  });

  it('starts with a header naming the app, the mode and why, the deck and the topology', () => {
    const dir = tmp();
    const r = record(dir, story({ seconds: 30 }));
    const header = JSON.parse(readFileSync(r.path, 'utf8').split('\n')[0]!);
    expect(header).toMatchObject({
      k: 'header',
      format: 1,
      app: 'tikv-stage',
      appVersion: '0.1.0',
      mode: 'sim',
      modeReason: HEADER.modeReason,
      deck: { file: HEADER.deck.file, title: HEADER.deck.title, slug: 'tikv-resilience' },
      topology: { pd: ['pd0', 'pd1', 'pd2'], tikv: ['tikv0', 'tikv1', 'tikv2'] },
      timeScale: 1,
      workload: 'sim'
    });
  });

  it('the app version defaults to package.json', () => {
    const dir = tmp();
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string };
    const r = createRecorder({ dataDir: dir, header: HEADER, now: () => T0 });
    const first = story({ seconds: 1 }).find((e) => e.type === 'snap');
    if (first?.type === 'snap') r.snapshot(first.s);
    r.close();
    expect(JSON.parse(readFileSync(r.path, 'utf8').split('\n')[0]!).appVersion).toBe(pkg.version);
  });

  it('writes a snapshot only when the map changed, not for a new poll time or heartbeat', () => {
    const dir = tmp();
    const events = story({ seconds: 25, loadAt: 1000, killAt: null, restoreAt: null, wobbleEvery: 1000 });
    const r = record(dir, events);
    const kinds = readFileSync(r.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).k);
    // 25 polls of an unchanging cluster: the header, one full snapshot, the idle workload once, the end.
    expect(kinds).toEqual(['header', 'snap', 'load', 'end']);
  });

  it('every line is whole on disk as soon as it is written (a crash loses at most the last)', () => {
    const dir = tmp();
    const r = createRecorder({ dataDir: dir, header: HEADER, now: () => T0 });
    for (const e of story({ seconds: 80 })) {
      if (e.type === 'snap') r.snapshot(e.s);
      else if (e.type === 'container') r.container(e.p, e.t);
      else r.beat(e.b);
      if (r.lines() === 0) continue;
      const text = readFileSync(r.path, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n').length - 1).toBe(r.lines());
    }
    // Without close (a crash), the file still reads back.
    const read = parseRecording(readFileSync(r.path, 'utf8'));
    expect(read.ok && read.recording.end).toBe(null);
    expect(read.ok && read.recording.beats.map((b) => b.action.type)).toEqual(['start-workload', 'fault']);
  });

  it('holds beats seen before the first snapshot until the header can be written', () => {
    const dir = tmp();
    const events = story({ seconds: 12, loadAt: 0, killAt: null, restoreAt: null });
    const r = createRecorder({ dataDir: dir, header: HEADER, now: () => T0 });
    const beat = events.find((e) => e.type === 'beat');
    if (beat?.type === 'beat') r.beat(beat.b);
    expect(r.lines()).toBe(0);
    for (const e of events) if (e.type === 'snap') r.snapshot(e.s);
    r.close();
    const kinds = readFileSync(r.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).k);
    expect(kinds.slice(0, 3)).toEqual(['header', 'beat', 'snap']);
  });

  it('a failed write stops the recording with one notice and never throws into the show', () => {
    const dir = tmp();
    // The recordings "folder" is a file: nothing can be written under it.
    writeFileSync(join(dir, 'recordings'), 'not a folder');
    const errors: string[] = [];
    const r = createRecorder({ dataDir: dir, header: HEADER, now: () => T0, onError: (m) => errors.push(m) });
    expect(() => {
      for (const e of story({ seconds: 20 })) if (e.type === 'snap') r.snapshot(e.s);
      r.close();
    }).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/recording stopped/);
    expect(r.error()).toBe(errors[0]);
  });

  it('reads back every change the views were shown, in order', () => {
    const dir = tmp();
    const events = story({ seconds: 200 });
    const r = record(dir, events);
    const read = parseRecording(readFileSync(r.path, 'utf8'));
    if (!read.ok) throw new Error(read.error);
    const rec = read.recording;
    // Each recorded core equals the snapshot it was taken from, volatile fields included.
    const snaps = events.flatMap((e) => (e.type === 'snap' ? [e.s] : []));
    for (const { t, core } of rec.snaps) {
      const s = snaps.find((x) => x.now === t)!;
      expect(core).toEqual(coreOf(s));
    }
    // Changes happened: the kill, PD's word, the leaders moving, the restore.
    const states = rec.snaps.map((s) => s.core.tikv[1]!);
    expect(states.some((n) => n.container === 'exited')).toBe(true);
    expect(states.some((n) => n.state === 'disconnected')).toBe(true);
    expect(states.some((n) => n.leaderCount === 0)).toBe(true);
    expect(states.at(-1)).toMatchObject({ container: 'running', state: 'up', leaderCount: 40 });
    expect(rec.containers.map((c) => `${c.name}:${c.state}`)).toEqual(['tikv1:exited', 'tikv1:running']);
    expect(rec.beats.map((b) => [b.chapter, b.target])).toEqual([
      ['load-generation', null],
      ['fault-injection', 'tikv1'],
      ['recovery', null]
    ]);
    // One workload sample a second once it runs, with the per-store figures.
    expect(rec.loads.filter((l) => l.run)).toHaveLength(190);
    expect(rec.loads.find((l) => l.run)?.per).toEqual({ tikv0: expect.any(Number), tikv1: expect.any(Number), tikv2: expect.any(Number) });
    expect(rec.end?.reason).toBe('show closed');
  });

  it('an hour-long show stays well under a few MB', () => {
    const dir = tmp();
    // An hour of 1 s polls, leader balance wobbling every 30 s, a kill and restore in the middle.
    const r = record(dir, story({ seconds: 3600, loadAt: 60, killAt: 1800, restoreAt: 1900, wobbleEvery: 30 }));
    const bytes = statSync(r.path).size;
    console.log(`one hour of recording: ${(bytes / 1024).toFixed(0)} KiB in ${r.lines()} lines`);
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
    const read = parseRecording(readFileSync(r.path, 'utf8'));
    expect(read.ok).toBe(true);
  });

  it('does not write over a read-only folder, and says so', () => {
    if (process.getuid?.() === 0) return; // root writes anywhere; the folder-is-a-file case covers it
    const dir = tmp();
    mkdirSync(join(dir, 'recordings'));
    chmodSync(join(dir, 'recordings'), 0o500);
    const errors: string[] = [];
    const r = createRecorder({ dataDir: dir, header: HEADER, onError: (m) => errors.push(m) });
    for (const e of story({ seconds: 3 })) if (e.type === 'snap') r.snapshot(e.s);
    expect(errors).toHaveLength(1);
  });
});
