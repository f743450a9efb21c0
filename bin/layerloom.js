#!/usr/bin/env node
// Entry point of the `layerloom` CLI. The sources are TypeScript; tsx's loader runs them directly.
import { register } from 'tsx/esm/api';

// A closed pipe (e.g. `layerloom train ... --json | head`) ends the command quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
