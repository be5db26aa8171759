// The app's flags out of process.argv in its three launch forms (dev, packaged, macOS open
// --args), with Chromium's and macOS's additions dropped and everything else left for
// parseConfig to judge.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/main/config';
import { appArgs } from '../../../src/main/shell/argv';

const EXE_MAC = '/Applications/TiKV Stage.app/Contents/MacOS/TiKV Stage';
const EXE_ELECTRON = '/work/node_modules/electron/dist/electron';

describe('appArgs', () => {
  it('packaged: every argument after the executable', () => {
    expect(appArgs([EXE_MAC, '--mode', 'sim', '--sim-speed', '5'], true)).toEqual({ args: ['--mode', 'sim', '--sim-speed', '5'], ignored: [] });
    expect(appArgs(['C:\\Program Files\\TiKV Stage\\TiKV Stage.exe', '--deck', 'C:\\talks\\my talk.md'], true).args).toEqual([
      '--deck',
      'C:\\talks\\my talk.md'
    ]);
  });

  it('packaged flags parse as they do in dev (the bug: slice(2) lost "--mode")', () => {
    const packaged = parseConfig(appArgs([EXE_MAC, '--mode', 'sim', '--sim-speed', '5'], true).args);
    const dev = parseConfig(appArgs([EXE_ELECTRON, '.', '--', '--mode', 'sim', '--sim-speed', '5'], false).args);
    expect(packaged).toEqual(dev);
    expect(packaged.ok && packaged.config.mode).toBe('sim');
    expect(packaged.ok && packaged.config.simSpeed).toBe(5);
  });

  it('dev: what follows --, or what follows the app path', () => {
    expect(appArgs([EXE_ELECTRON, '.', '--', '--mode', 'live'], false).args).toEqual(['--mode', 'live']);
    expect(appArgs([EXE_ELECTRON, '.', '--'], false).args).toEqual([]);
    expect(appArgs([EXE_ELECTRON, '.', '--mode', 'sim'], false).args).toEqual(['--mode', 'sim']);
    expect(appArgs([EXE_ELECTRON, '--no-sandbox', '/work/main', '--deck', 'a.md'], false)).toEqual({
      args: ['--deck', 'a.md'],
      ignored: ['--no-sandbox']
    });
  });

  it("drops Chromium's switches and macOS's -psn_ and defaults pairs, and reports them", () => {
    const r = appArgs([EXE_MAC, '-psn_0_1234567', '--no-sandbox', '--mode', 'sim', '--enable-logging=stderr', '-NSDocumentRevisionsDebugMode', 'YES'], true);
    expect(r.args).toEqual(['--mode', 'sim']);
    expect(r.ignored).toEqual(['-psn_0_1234567', '--no-sandbox', '--enable-logging=stderr', '-NSDocumentRevisionsDebugMode', 'YES']);
    expect(appArgs([EXE_ELECTRON, '.', '--', '--remote-debugging-port=9222', '--port', '0'], false).args).toEqual(['--port', '0']);
  });

  it('keeps what is neither ours nor Chromium\'s, so a typo still gets a plain error', () => {
    const r = appArgs([EXE_MAC, '--mdoe', 'sim'], true);
    expect(r.args).toEqual(['--mdoe', 'sim']);
    const parsed = parseConfig(r.args);
    expect(parsed.ok).toBe(false);
  });

  it('all our flags pass through untouched, in both = and spaced forms', () => {
    const ours = ['--port=0', '--mode', 'auto', '--pd', 'http://127.0.0.1:2379', '--project', 'p', '--deck', '-dash.md', '--sim-speed=2', '--docker-host', 'unix:///x', '--data-dir', '/a b', '--help'];
    expect(appArgs([EXE_MAC, ...ours], true).args).toEqual(ours);
  });
});
