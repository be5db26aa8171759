import { defineConfig } from 'vitest/config';

// The shell tier: the built Electron shell (out/main/index.js) booted in Node on a stand-in
// for Electron's main-process API (test/shell/standin), its pages in Debian's chromium; and
// packaging with electron-builder on a stand-in Electron dist. Needs `electron-vite build` first.
// No `electron` alias here: the stand-in answers the bundle's require('electron') itself.
export default defineConfig({
  test: {
    include: ['test/shell/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false
  }
});
