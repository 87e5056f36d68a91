import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', '.data/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/fast-check-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration suites share one NATS server and one Postgres cluster; running files in
    // parallel on two cores only adds contention.
    fileParallelism: false,
  },
});
