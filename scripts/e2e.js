#!/usr/bin/env node
// `npm run test:e2e`: the Playwright specs in e2e/ (vitest runner, vitest.e2e.config.ts); the JSON report goes
// to test-results/e2e.json. Exits with vitest's status, so a failing spec fails the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build-app.js';

mkdirSync(join(ROOT, 'test-results'), { recursive: true });
const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', '-c', 'vitest.e2e.config.ts', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
if (result.error) console.error(`e2e: could not run vitest: ${result.error.message}`);
process.exit(result.status ?? 1);
