// The layer rules in eslint.config.mjs, proved on small in-memory sources: each forbidden
// import fails on its layer rule, and the allowed ones pass. lintText with a filePath lints
// the text as if it were that file, so the path decides the layer; nothing is written.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: resolve(root, 'eslint.config.mjs') });
});

/** The rule ids that fire on `code` linted as the repo file `file`. */
async function rulesFiring(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  if (!result) throw new Error(`no lint result for ${file}`);
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('layer rules', () => {
  it('a renderer file that imports src/main fails, however it spells the path', async () => {
    expect(await rulesFiring('src/renderer/src/probe.ts', "import '../../main/app';\n")).toEqual(['layers/imports']);
    expect(await rulesFiring('src/renderer/src/lib/probe.ts', "export { createStage } from '../../../main/app';\n")).toEqual([
      'layers/imports'
    ]);
    expect(await rulesFiring('src/renderer/src/probe.ts', "void import('../../main/show/runtime');\n")).toEqual(['layers/imports']);
  });

  it('a file under src/main/show that imports electron fails, type-only and dynamic imports too', async () => {
    expect(await rulesFiring('src/main/show/probe.ts', "import { app } from 'electron';\nvoid app;\n")).toEqual(['layers/no-electron']);
    expect(await rulesFiring('src/main/show/probe.ts', "import type { IpcMain } from 'electron';\nexport type X = IpcMain;\n")).toEqual([
      'layers/no-electron'
    ]);
    expect(await rulesFiring('src/main/transport/ipc.ts', "void import('electron');\n")).toEqual(['layers/no-electron']);
    expect(await rulesFiring('src/renderer/src/probe.ts', "import 'electron/renderer';\n")).toEqual(['layers/no-electron']);
  });

  it('src/shared that imports main, preload, renderer or anything outside src/shared fails', async () => {
    for (const spec of ['../main/x', '../preload/index', '../renderer/src/lib/format', '../../scripts/lib/cluster-sim']) {
      expect(await rulesFiring('src/shared/probe.ts', `import '${spec}';\n`), spec).toEqual(['layers/imports']);
    }
  });

  it('the allowed imports pass', async () => {
    const ok: Array<[string, string]> = [
      ['src/main/index.ts', "import { app } from 'electron';\nvoid app;\n"],
      ['src/preload/index.ts', "import { contextBridge } from 'electron';\nimport '../shared/contract';\nvoid contextBridge;\n"],
      ['src/renderer/src/lib/probe.ts', "import '../../../shared/contract';\nimport './format';\n"],
      ['src/main/show/probe.ts', "import '../../shared/contract';\nimport '../chaos/faults';\nimport 'node:path';\n"],
      ['src/shared/probe.ts', "import './contract';\nimport 'zod';\n"]
    ];
    for (const [file, code] of ok) expect(await rulesFiring(file, code), file).toEqual([]);
  });
});

describe('size limits under src/', () => {
  it('a 601-line file and a 151-line function fail; at the limits they pass', async () => {
    const lines = (n: number): string => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    const fn = (n: number): string => `export function f(): number {\n${'  void 0;\n'.repeat(n - 3)}  return 1;\n}\n`;
    expect(await rulesFiring('src/main/probe.ts', lines(601))).toEqual(['max-lines']);
    expect(await rulesFiring('src/main/probe.ts', lines(600))).toEqual([]);
    expect(await rulesFiring('src/renderer/src/probe.ts', fn(151))).toEqual(['max-lines-per-function']);
    expect(await rulesFiring('src/renderer/src/probe.ts', fn(150))).toEqual([]);
  });
});
