/**
 * Writes every template's default build to `templates/<name>.json` (`npx tsx templates/generate.ts`).
 * `templates.test.ts` fails when a committed file differs from its builder, so rerun this after changing one.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../engine/node/fs-atomic';
import { serializeDocument } from '../engine/schema/load';
import { listTemplates } from './index';

const dir = path.dirname(fileURLToPath(import.meta.url));

/** The JSON file of a template. */
export function templateFile(name: string): string {
  return path.join(dir, `${name}.json`);
}

async function main(): Promise<void> {
  for (const t of listTemplates()) {
    await writeFileAtomic(templateFile(t.name), serializeDocument(t.build()));
    console.log(`wrote templates/${t.name}.json`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
