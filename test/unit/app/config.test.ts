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

describe('flags: values that used to slip through', () => {
  it('refuses empty values for every flag', () => {
    for (const flag of ['--port', '--mode', '--pd', '--project', '--deck', '--sim-speed', '--docker-host', '--data-dir']) {
      for (const v of ['', '   ']) {
        const r = parseConfig([flag, v]);
        expect(r.ok, `${flag} "${v}"`).toBe(false);
        if (!r.ok) expect(r.error).toBe(`${flag} needs a value, got an empty one`);
      }
    }
    expect(parseConfig(['--data-dir=']).ok).toBe(false);
  });
  it('reads ports as plain decimal only', () => {
    for (const p of ['0x12C3', '1.5', '+80', ' 80', '80 ', '1e3', '-1', '65536', '0b101', '0o17', '８０', '99999999'])
      expect(parseConfig(['--port', p]).ok, p).toBe(false);
    for (const [p, n] of [['0', 0], ['80', 80], ['08080', 8080], ['65535', 65535], ['4780', 4780]] as const) {
      const r = parseConfig(['--port', p]);
      expect(r.ok && r.config.port, p).toBe(n);
    }
  });
  it('keeps a given data folder', () => {
    const r = parseConfig(['--data-dir', '/tmp/x']);
    expect(r.ok && r.config.dataDir).toBe('/tmp/x');
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
