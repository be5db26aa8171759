#!/usr/bin/env node
// Runs `npm ci` when node_modules is missing or older than package-lock.json, so that the
// README's two commands work on a fresh clone. Electron's binary is never fetched here
// (Electron 42+ fetches it on first use; `npm start` handles that separately).
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('tikv-stage: installing dependencies (npm ci) ...');
  execSync('npm ci --no-audit --no-fund', {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
  });
}
