/** `layerloom blocks [--json]`: every block with its category, params, defaults and explanation (the palette's list). */
import { blockCatalog } from '../../engine/blocks/catalog';
import { parseCliArgs } from '../args';
import { CliError } from '../cli-error';

/** Lists the blocks as a table (or JSON with `--json`); returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean', default: false } });
  if (positionals.length > 0) throw new CliError(`blocks takes no arguments, got '${positionals.join(' ')}'. Usage: layerloom blocks [--json]`);
  const rows = blockCatalog();
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const typeWidth = Math.max(4, ...rows.map((r) => r.type.length));
  const catWidth = Math.max(8, ...rows.map((r) => r.category.length));
  console.log(`${'TYPE'.padEnd(typeWidth)}  ${'CATEGORY'.padEnd(catWidth)}  PARAMS (defaults)`);
  for (const r of rows) {
    const params = r.params.map((p) => (p.required ? `${p.name} (required)` : p.default === undefined ? `${p.name} (optional)` : `${p.name}=${JSON.stringify(p.default)}`)).join(', ') || '-';
    console.log(`${r.type.padEnd(typeWidth)}  ${r.category.padEnd(catWidth)}  ${params}`);
    console.log(`${''.padEnd(typeWidth)}  ${''.padEnd(catWidth)}  ${r.description.replace(/`/g, '')}`);
  }
  return 0;
}
