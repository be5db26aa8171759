#!/usr/bin/env node
// `npm start` needs Electron's binary. Electron 42+ no longer downloads it at install time:
// this runs Electron's own installer on first use, and where that cannot work (no network)
// says so in one clear line that points to `npm run web`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
spawnSync(process.execPath, [join(root, 'scripts', 'ensure-deps.mjs')], { stdio: 'inherit' });

const require = createRequire(join(root, 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronDir, 'path.txt');
const installed = () => {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return true;
  if (!existsSync(pathFile)) return false;
  return existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
};

if (!installed()) {
  console.log('tikv-stage: fetching the Electron binary (first run only) ...');
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
    timeout: 300_000
  });
  if (r.status !== 0 || !installed()) {
    const lines = String(r.stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const why = lines.find((l) => !l.startsWith('at ')) ?? 'download failed';
    console.error(
      `tikv-stage: cannot start Electron: its binary could not be downloaded (${why.slice(0, 160)}). ` +
        'Run the same show in a browser instead: npm run web'
    );
    process.exit(1);
  }
}
