/** `layerloom templates [--json]`: the template library with each design's parameter count. */
import { analyzeDesign } from '../../engine/analysis/analyze';
import { listTemplates } from '../../templates/index';
import { parseCliArgs } from '../args';
import { CliError } from '../cli-error';

/** One row of the listing. */
interface TemplateRow {
  name: string;
  title: string;
  description: string;
  source: string;
  inputShape: number[];
  classes: number;
  params: number;
}

/** Lists the templates as a table (or JSON with `--json`); returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean', default: false } });
  if (positionals.length > 0) throw new CliError(`templates takes no arguments, got '${positionals.join(' ')}'. Usage: layerloom templates [--json]`);
  const rows: TemplateRow[] = listTemplates().map((t) => {
    const analysis = analyzeDesign(t.build());
    return {
      name: t.name,
      title: t.title,
      description: t.description,
      source: t.source,
      inputShape: t.defaultInputShape,
      classes: t.defaultClasses,
      params: analysis.totals.params,
    };
  });
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const nameWidth = Math.max(4, ...rows.map((r) => r.name.length));
  const fmt = (n: number) => n.toLocaleString('en-US');
  const paramWidth = Math.max(6, ...rows.map((r) => fmt(r.params).length));
  console.log(`${'NAME'.padEnd(nameWidth)}  ${'PARAMS'.padStart(paramWidth)}  ${'INPUT'.padEnd(14)}  DESCRIPTION`);
  for (const r of rows) {
    const input = `${r.inputShape.join('x')}/${r.classes}`.padEnd(14);
    const firstSentence = r.description.split(/(?<=\.)\s/)[0];
    console.log(`${r.name.padEnd(nameWidth)}  ${fmt(r.params).padStart(paramWidth)}  ${input}  ${firstSentence}`);
  }
  return 0;
}
