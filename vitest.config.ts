import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Golden files are generated output (a scaffold has its own tests), not archsim's tests.
    exclude: [...configDefaults.exclude, 'test/**/golden/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start servers or databases run in their own forks; two cores on CI.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    globalSetup: ['test/global-affinity.ts'],
  },
});
