import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start servers or databases run in their own forks; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
