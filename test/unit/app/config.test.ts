import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/main/config';
import { decideMode } from '../../../src/main/mode';

describe('flags', () => {
  it('has defaults', () => {
    const r = parseConfig([]);
    expect(r.ok && r.config).toMatchObject({ port: 4780, mode: 'auto', pd: null, project: 'tikvdemo', deck: null, simSpeed: 1 });
  });
  it('reads every flag', () => {
    const r = parseConfig(['--port', '0', '--mode', 'live', '--pd', 'http://10.0.0.1:2379/', '--project', 'demo2', '--deck', 'x.md', '--sim-speed', '5']);
    expect(r.ok && r.config).toMatchObject({ port: 0, mode: 'live', pd: 'http://10.0.0.1:2379', project: 'demo2', deck: 'x.md', simSpeed: 5 });
  });
  it('explains bad values', () => {
    const bad: [string[], RegExp][] = [
      [['--port', 'abc'], /--port must be/],
      [['--mode', 'prod'], /--mode must be auto, sim or live/],
      [['--pd', 'localhost:2379'], /--pd must be/],
      [['--project', 'Bad Name'], /--project must be/],
      [['--sim-speed', '0'], /--sim-speed must be/],
      [['--nope'], /Unknown option/]
    ];
    for (const [argv, re] of bad) {
      const r = parseConfig(argv);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(re);
    }
  });
});

describe('mode choice', () => {
  const up = { ok: true, detail: 'up' };
  const downDocker = { ok: false, detail: 'no Docker engine' };
  const downPd = { ok: false, detail: 'PD not answering' };
  it('auto picks live only when both answer, and says why otherwise', () => {
    expect(decideMode('auto', up, up).mode).toBe('live');
    const d = decideMode('auto', downDocker, up);
    expect(d.mode).toBe('sim');
    expect(d.reason).toMatch(/no Docker engine/);
    expect(decideMode('auto', up, downPd).reason).toMatch(/PD not answering/);
  });
  it('never falls back silently when live is asked for', () => {
    const d = decideMode('live', downDocker, downPd);
    expect(d.mode).toBe('live');
    expect(d.reason).toMatch(/no Docker engine; PD not answering/);
    expect(decideMode('sim', up, up).mode).toBe('sim');
  });
});
