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
    expect(readFileSync(join(ROOT, 'scripts/bench/live.ts'), 'utf8')).toContain("import { freePortSet } from '../../src/main/free-port';");
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

  it('freePortSet: every port of the set is free (the PDs publish base, +2 and +4), or it says none was found', async () => {
    const { freePortSet, portFree } = await import('../../../src/main/free-port');
    const held = createServer();
    await new Promise<void>((ok) => held.listen(0, '127.0.0.1', () => ok()));
    const taken = (held.address() as { port: number }).port;
    try {
      expect(await portFree(taken)).toBe(false);
      await expect(freePortSet((b) => [b, taken], 3)).rejects.toThrow('no free set of ports found in 3 tries');
      const base = await freePortSet((b) => [b, b + 2, b + 4]);
      expect(await Promise.all([base, base + 2, base + 4].map(portFree))).toEqual([true, true, true]);
    } finally {
      await new Promise<void>((ok) => held.close(() => ok()));
    }
  });
});
