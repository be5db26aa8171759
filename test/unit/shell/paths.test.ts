// Where the packaged app finds its shipped deck: beside app.asar (process.resourcesPath), not
// inside it; in development, the project root.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDeckPath, resourcesRoot } from '../../../src/main/paths';

describe('resourcesRoot', () => {
  const res = '/Applications/TiKV Stage.app/Contents/Resources';
  it('packaged: process.resourcesPath', () => {
    expect(resourcesRoot(true, res, join(res, 'app.asar', 'out', 'main'))).toBe(res);
    expect(builtinDeckPath(resourcesRoot(true, res, join(res, 'app.asar', 'out', 'main')))).toBe(join(res, 'resources', 'decks', 'tikv-resilience.md'));
  });
  it('development: the project root above out/main', () => {
    expect(resourcesRoot(false, '/usr/lib/electron/resources', '/work/main/out/main')).toBe('/work/main');
    expect(resourcesRoot(true, undefined, '/work/main/out/main')).toBe('/work/main');
  });
});
