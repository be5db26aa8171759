import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Unit and integration tests in plain Node. `electron` is aliased to a fake so that a stray
// import can never trigger Electron 42+'s lazy binary download.
export default defineConfig({
  resolve: {
    alias: {
      electron: resolve(import.meta.dirname, 'test/fakes/electron.ts'),
      '@shared': resolve(import.meta.dirname, 'src/shared')
    }
  },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
});
