// The composition root end to end in plain Node: the simulated cluster, the built-in deck,
// requests through the handlers and events to a subscriber.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/main/config';
import { createStage, type Stage } from '../../../src/main/stage';
import { BUILTIN_DECK } from '../show/helpers';

let stage: Stage | null = null;
afterEach(async () => {
  await stage?.close();
  stage = null;
});

function config(args: string[]) {
  const r = parseConfig(args);
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

describe('createStage', () => {
  it('boots on the simulated cluster, says why, and runs the show through its handlers', async () => {
    const lines: string[] = [];
    stage = await createStage({
      config: config(['--mode', 'sim', '--sim-speed', '20']),
      dataDir: mkdtempSync(join(tmpdir(), 'stage-')),
      builtinDeck: BUILTIN_DECK,
      log: (l) => lines.push(l)
    });
    expect(stage.mode).toBe('sim');
    expect(stage.modeReason).toMatch(/--mode sim/);
    expect(lines[0]).toMatch(/mode sim/);
    const events: string[] = [];
    stage.subscribe((e) => events.push(e));
    const s = await stage.handlers.next();
    expect(s.index).toBe(1);
    // A move sends the small position; the deck went out once, at the first publish.
    expect(events).toContain('position');
    // ...before the log line of the same move: a view that draws the log (the presenter's) would
    // otherwise paint a frame for the line first and the slide one frame later.
    expect(events.indexOf('position')).toBeLessThan(events.indexOf('logEntry'));
    expect(stage.state().log.at(-1)?.what).toMatch(/chapter 2/);
    expect(stage.state().show.presenter.timer.running).toBe(true);
    // The cluster feed publishes the simulated cluster's three stores.
    for (let i = 0; i < 100 && stage.state().cluster.tikv.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(stage.state().cluster.tikv.map((t) => t.name).sort()).toEqual(['tikv0', 'tikv1', 'tikv2']);
    const after = await stage.handlers.injectFault({ kind: 'kill', target: { type: 'named', name: 'tikv1' } });
    expect(after.faults.filter((f) => f.status === 'open').map((f) => f.node)).toEqual(['tikv1']);
    await stage.handlers.restoreAll();
    expect(stage.state().show.faults.every((f) => f.status === 'restored')).toBe(true);
    expect(stage.state().log.map((l) => l.what)).toContain('restore all');
  });

  it('in auto mode without Docker or PD falls back to sim and says what was missing', async () => {
    stage = await createStage({
      config: config(['--pd', 'http://127.0.0.1:9', '--sim-speed', '20']),
      dataDir: mkdtempSync(join(tmpdir(), 'stage-')),
      builtinDeck: BUILTIN_DECK,
      live: {
        probeDocker: async () => ({ ok: false, detail: 'no Docker engine at unix:///nowhere' }),
        connectDocker: async () => ({ ok: false, error: 'not reached' })
      },
      log: () => undefined
    });
    expect(stage.mode).toBe('sim');
    expect(stage.modeReason).toMatch(/no Docker engine/);
    expect(stage.state().show.modeReason).toBe(stage.modeReason);
  });

  it('a bad deck at boot is an error that names it, and leaves nothing running', async () => {
    await expect(
      createStage({
        config: config(['--mode', 'sim', '--deck', join(__dirname, 'missing-deck.md')]),
        dataDir: mkdtempSync(join(tmpdir(), 'stage-')),
        builtinDeck: BUILTIN_DECK,
        log: () => undefined
      })
    ).rejects.toThrow(/missing-deck\.md/);
  });
});
