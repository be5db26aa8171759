// freePort has one copy, in src/main/free-port.ts: the cluster test helpers re-export it and the
// bench imports it, so a fix to it reaches every caller.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Every .ts file under `dir` (node_modules and build output left out). */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name === 'node_modules' || d.name === 'out' || d.name.startsWith('.')) return [];
    const p = join(dir, d.name);
    return d.isDirectory() ? tsFiles(p) : /\.(ts|mts|tsx)$/.test(d.name) ? [p] : [];
  });
}

describe('freePort', () => {
  it('is defined once, in src/main/free-port.ts', () => {
    const defines = /\b(function\s+freePort\b|(const|let)\s+freePort\s*=)/;
    const found = ['src', 'test', 'scripts']
      .flatMap((d) => tsFiles(join(ROOT, d)))
      .filter((f) => defines.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(found).toEqual(['src/main/free-port.ts']);
  });

  it('the test helpers and the bench use that copy', async () => {
    const shared = await import('../../../src/main/free-port');
    const helpers = await import('../cluster/helpers');
    expect(helpers.freePort).toBe(shared.freePort);
    expect(readFileSync(join(ROOT, 'scripts/bench/live.ts'), 'utf8')).toContain("import { freePort } from '../../src/main/free-port';");
  });

  it('gives a port on 127.0.0.1 that can be listened on right away', async () => {
    const { freePort } = await import('../../../src/main/free-port');
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const s = createServer();
    await new Promise<void>((ok, fail) => {
      s.once('error', fail);
      s.listen(port, '127.0.0.1', () => ok());
    });
    await new Promise<void>((ok) => s.close(() => ok()));
  });
});
