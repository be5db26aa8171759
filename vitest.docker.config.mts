import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Docker tests: against a real engine (scripts/test.sh starts a private one; TIKV_STAGE_DOCKER_HOST).
export default defineConfig({
  resolve: {
    alias: {
      electron: resolve(import.meta.dirname, 'test/fakes/electron.ts')
    }
  },
  test: {
    include: ['test/docker/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false
  }
});
