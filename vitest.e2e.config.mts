import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// End-to-end: the built app in browser mode, driven by playwright-core in Debian's chromium.
export default defineConfig({
  resolve: {
    alias: {
      electron: resolve(import.meta.dirname, 'test/fakes/electron.ts')
    }
  },
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false
  }
});
