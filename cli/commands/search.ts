/**
 * `layerloom search <design | template> [--space space.json] [--budget N] [--method random|halving] [--batches N]
 * [--dataset SPEC] [--seed S] [--backend ...] [--out DIR] [--json]`: a small architecture search — candidates from
 * the space (the design's own, `doc.search`, when `--space` is absent; its budget, method and batches likewise), refused by the analysis when they break the constraints, the rest trained briefly; prints the
 * accuracy-vs-MACs Pareto front and writes `search.json` and every run folder under `--out`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { backendChoiceSchema } from '../../contract/training-protocol';
import { runSearch } from '../../engine/node/search/run-search';
import { selectCliBackend } from '../backend';
import { loadDataset, parseDatasetSpec } from '../../engine/node/train/data/dataset';
import { documentSpace, searchSpaceSchema } from '../../engine/search/space';
import { getTemplate } from '../../templates/index';
import { parseCliArgs, positiveInt } from '../args';
import { CliError } from '../cli-error';
import { loadDesign } from './analyze';

const USAGE = 'usage: layerloom search <document.json | template> [--space <space.json>] [--budget N] [--method random|halving] [--batches N] [--dataset SPEC] [--seed S] [--backend auto|wasm|cpu|...] [--out DIR] [--json]';

/** Reads and validates the space file; a bad one names the field. */
function readSpace(file: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read the search space ${file}: ${(err as Error).message}`);
  }
  const r = searchSpaceSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new CliError(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

/** Runs the search; 0 when it finished. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    space: { type: 'string' },
    budget: { type: 'string' },
    method: { type: 'string' },
    batches: { type: 'string' },
    dataset: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new CliError(`expected one document or template name. ${USAGE}`);
  const target = positionals[0];
  let doc = loadDesign(target);
  // Without --space, the search saved in the design (the app's inspector and search panel write it).
  const stored = doc.search;
  const budget = positiveInt(values.budget, '--budget') ?? stored?.budget;
  if (budget === undefined) throw new CliError(`--budget is required. ${USAGE}`);
  const method = values.method ?? stored?.method ?? 'random';
  if (method !== 'random' && method !== 'halving') throw new CliError(`--method must be random or halving, got '${method}'.`);
  const backend = backendChoiceSchema.safeParse(values.backend);
  if (!backend.success || backend.data === 'torch') throw new CliError(`--backend must be one of the tfjs backends (${backendChoiceSchema.options.filter((b) => b !== 'torch').join(', ')}), got '${values.backend}'.`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got '${values.seed}'.`);
  const space = values.space ? readSpace(values.space) : documentSpace(doc);
  if (!space) throw new CliError(`--space is required: ${target} marks no param as searchable. ${USAGE}`);
  const spec = parseDatasetSpec(values.dataset ?? doc.training.dataset);
  const inputShape = doc.nodes.find((n) => n.type === 'Input')?.params.shape;
  const dataset = loadDataset(spec, Array.isArray(inputShape) ? (inputShape as number[]) : undefined);
  const template = getTemplate(target);
  if (template) doc = template.build({ inputShape: [...dataset.train.shape], classes: dataset.classNames.length });
  // Production mode: no tfjs console advice (the Node "install tfjs-node" banner) in the CLI's output.
  tf.env().set('PROD', true);
  const selection = await selectCliBackend(tf, backend.data);
  const outDir = values.out ?? path.join('runs', `search-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const log = values.json ? undefined : (line: string) => console.log(line);
  log?.(`backend: ${selection.name} (${selection.reason})`);
  const result = await runSearch({ tf, document: doc, space, dataset, datasetSpec: spec, budget, method, batches: positiveInt(values.batches, '--batches') ?? stored?.batches ?? 40, seed, outDir, backend: selection, log, overrides: { limitTest: 1000 } });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.log(`\nPareto front (accuracy vs MACs), cheapest first:`);
  for (const id of result.front) {
    const c = result.candidates.find((x) => x.id === id)!;
    console.log(`  ${id}  ${(c.accuracy! * 100).toFixed(1)}%  ${c.macs.toLocaleString('en-US')} MACs  ${c.params.toLocaleString('en-US')} params  ${JSON.stringify(c.choice)}`);
  }
  console.log(`best: ${result.best ?? 'none'}; results in ${path.join(outDir, 'search.json')} (${result.seconds.toFixed(1)} s)`);
  return 0;
}
