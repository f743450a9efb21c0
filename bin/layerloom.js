#!/usr/bin/env node
// Entry point of the `layerloom` CLI. The sources are TypeScript; tsx's loader runs them directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
