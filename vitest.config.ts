import { defineConfig } from 'vitest/config';
import SummaryReporter from './scripts/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts', 'apps/web/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep parallel files few so timing-sensitive realtime tests are not starved.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default', new SummaryReporter()],
  },
});
