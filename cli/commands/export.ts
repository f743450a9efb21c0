/**
 * `layerloom export <document.json | template | run folder> --format ts|keras|pytorch|tfjs -o <path>`: writes the
 * design as TypeScript (tfjs), Keras or PyTorch source, or as a tfjs model.json + weights — the trained weights
 * when the source is a training run folder (or `--run DIR` names one), else fresh ones. Refuses (exit 2) with the
 * list of features the target cannot express instead of writing broken code. Files are written atomically.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EXPORT_TARGETS, prepareExport, type ExportTarget } from '../../engine/codegen';
import { parseDocumentText } from '../../engine/schema/load';
import { analyzeDesign } from '../../engine/analysis/analyze';
import { assertWithinMemoryBudget } from '../../engine/node/limits';
import type { DesignDocument } from '../../engine/schema/document';
import { designOfRun, exportModel, isRunFolder } from '../../engine/node/export-model';
import { requireTemplate } from '../../templates';
import { parseCliArgs, parseShape, positiveInt } from '../args';
import { CliError } from '../cli-error';
import { exportOnnxCommand } from './export-onnx';

const USAGE = 'usage: layerloom export <document.json | template | run folder> --format ts|keras|pytorch|tfjs|onnx -o <path> [--input HxWxC] [--classes N] [--run <run folder>]';

/** A document from a JSON file, or a template by name (retargeted with `--input`/`--classes`). */
async function loadSource(source: string, inputShape?: number[], classes?: number): Promise<DesignDocument> {
  const looksLikeFile = source.endsWith('.json') || source.includes('/') || source.includes(path.sep);
  const exists = await stat(source).then((s) => s.isFile(), () => false);
  if (exists || looksLikeFile) {
    if (inputShape || classes) throw new CliError('--input and --classes retarget templates; edit the document to change its input or classes.');
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read '${source}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message}.`);
    }
    return parseDocumentText(text, source);
  }
  return requireTemplate(source).build({ inputShape, classes });
}

/** Runs `layerloom export`; returns the exit code (user errors throw `CliError`/`DesignError`: exit 2). */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    input: { type: 'string' },
    classes: { type: 'string' },
    run: { type: 'string' },
  });
  if (positionals.length !== 1) throw new CliError(`expected one document, template name or run folder, got ${positionals.length}.\n${USAGE}`);
  const format = values.format;
  if (!format) throw new CliError(`missing --format (one of ${EXPORT_TARGETS.join(', ')}, onnx).\n${USAGE}`);
  if (format !== 'onnx' && !(EXPORT_TARGETS as readonly string[]).includes(format)) throw new CliError(`unknown format '${format}'; expected one of ${EXPORT_TARGETS.join(', ')}, onnx.`);
  const target = format as ExportTarget;
  const out = values.output;
  if (!out) throw new CliError(`missing -o <path> (where to write the ${target === 'pytorch' || target === 'tfjs' ? 'folder' : 'file'}).\n${USAGE}`);

  // A run folder (what `layerloom train --out DIR` writes): its design, and for tfjs its trained weights.
  const source = positionals[0];
  const fromRun = await isRunFolder(source);
  if (fromRun && values.run) throw new CliError(`'${source}' is a run folder already; --run takes the run when the first argument is a design.`);
  const runDir = fromRun ? source : values.run;
  if (runDir && target !== 'tfjs' && format !== 'onnx' && !fromRun) throw new CliError(`--run writes trained weights, which only --format tfjs carries; ${target} code builds a fresh model.`);
  const doc = fromRun ? await designOfRun(source) : await loadSource(source, parseShape(values.input, '--input'), positiveInt(values.classes, '--classes'));

  // Weight-carrying formats build the model: refuse one that would not fit in memory before allocating it.
  if (format === 'onnx' || target === 'tfjs') assertWithinMemoryBudget(analyzeDesign(doc, { batchSize: 1 }), { use: 'export', format });
  // ONNX carries weights like tfjs: the run's trained ones, else fresh ones (cli/commands/export-onnx.ts).
  if (format === 'onnx') return exportOnnxCommand(doc, out, runDir);
  const { analysis } = prepareExport(doc, target);
  const weightsFrom = target === 'tfjs' ? runDir : undefined;
  const result = await exportModel(doc, target, out, { runDir: weightsFrom });
  if (target === 'tfjs') {
    const weights = result.trainedFrom ? `trained weights from ${result.trainedFrom}` : 'fresh weights';
    console.log(`wrote ${path.join(out, 'model.json')} and its weights (${weights}; ${result.params.toLocaleString('en-US')} parameters; engine: ${analysis.totals.params.toLocaleString('en-US')})`);
    return 0;
  }
  console.log(`wrote ${result.files.join(' and ')}${fromRun ? ` (the design trained in ${source}; source code builds fresh weights, --format tfjs writes the trained ones)` : ''}`);
  if (target === 'pytorch') console.log(`train with: python ${path.join(out, 'train.py')} --idx <fashion-mnist folder>   (or torchrun --nproc_per_node N ...)`);
  return 0;
}
