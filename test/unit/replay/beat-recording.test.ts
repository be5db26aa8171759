import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChapterAction } from '../../../src/shared/actions';
import type { ActionRunner } from '../../../src/main/stage/actions';
import { withBeatRecording } from '../../../src/main/replay/beat-recording';
import { createRecorder } from '../../../src/main/replay/recorder';
import { parseRecording } from '../../../src/main/replay/recording-reader';
import { HEADER, story } from './story';

const dir = mkdtempSync(join(tmpdir(), 'rec-beats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('beat recording', () => {
  it('records each action with its chapter, source, resolved target and outcome', async () => {
    let clock = 1_000;
    const recorder = createRecorder({ dataDir: dir, header: HEADER, now: () => clock });
    const first = story({ seconds: 1 }).find((e) => e.type === 'snap');
    if (first?.type === 'snap') recorder.snapshot(first.s);
    const inner: ActionRunner = {
      async run(action) {
        clock += 700; // the action takes a while: the beat is timed when it fired
        if (action.type === 'restore') return { ok: false, message: 'restore failed' };
        return { ok: true, message: action.type === 'fault' ? 'killed tikv2' : 'workload running' };
      }
    };
    let chapter = 'fault-injection';
    const runner = withBeatRecording(inner, { recorder: () => recorder, chapterId: () => chapter, lastFaultNode: () => 'tikv2', now: () => clock });
    const kill: ChapterAction = { type: 'fault', fault: { kind: 'kill', target: { type: 'random-tikv' } } };
    expect(await runner.run(kill, { notify: false })).toEqual({ ok: true, message: 'killed tikv2' });
    chapter = 'recovery';
    await runner.run({ type: 'restore' });
    recorder.close();
    const read = parseRecording(readFileSync(recorder.path, 'utf8'));
    if (!read.ok) throw new Error(read.error);
    expect(read.recording.beats).toEqual([
      { k: 'beat', t: 1_000, chapter: 'fault-injection', source: 'chapter', action: kill, target: 'tikv2', outcome: 'ok', message: 'killed tikv2' },
      { k: 'beat', t: 1_700, chapter: 'recovery', source: 'presenter', action: { type: 'restore' }, target: null, outcome: 'failed', message: 'restore failed' }
    ]);
  });

  it('runs the action the same when nothing is being recorded', async () => {
    const runner = withBeatRecording({ run: async () => ({ ok: true, message: 'm' }) }, { recorder: () => null, chapterId: () => null, lastFaultNode: () => null });
    expect(await runner.run({ type: 'start-workload' })).toEqual({ ok: true, message: 'm' });
  });
});
