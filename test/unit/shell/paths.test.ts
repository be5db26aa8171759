// Where the packaged app finds its shipped deck: beside app.asar (process.resourcesPath), not
// inside it; in development, the project root.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDeckPath, isInside, resourcesRoot } from '../../../src/main/paths';

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

describe('isInside', () => {
  it('is true only for paths below the folder, not for the folder or a sibling with its prefix', () => {
    expect(isInside('/decks/talk', '/decks/talk/img/a.png')).toBe(true);
    expect(isInside('/decks/talk/', '/decks/talk/a.png')).toBe(true);
    expect(isInside('/decks/talk', '/decks/talk')).toBe(false);
    expect(isInside('/decks/talk', '/decks/talk2/a.png')).toBe(false);
    expect(isInside('/decks/talk', '/decks/a.png')).toBe(false);
    expect(isInside('/', '/a.png')).toBe(true);
  });
});
