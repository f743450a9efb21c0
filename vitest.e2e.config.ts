/**
 * The e2e specs (`npm run test:e2e`): Playwright (playwright-core) driving Debian's Chromium against the
 * browser-mode server, one file at a time in a single fork (one Chromium on a 2-core CI machine).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/e2e.json' },
  },
});
