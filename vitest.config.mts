import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests in plain Node. `electron` is aliased to a fake so that a stray
// import can never trigger Electron 42+'s lazy binary download.
export default defineConfig({
  resolve: {
    alias: {
      electron: resolve(import.meta.dirname, 'test/fakes/electron.ts')
    }
  },
  test: {
    // test/fuzz: property tests (fast-check), bounded to about a minute in all.
    include: ['test/unit/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
});
