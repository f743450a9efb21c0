/** `layerloom import <model.json> -o <document.json>`: a tfjs Layers model.json or Keras JSON topology -> design document. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzeDesign } from '../../engine/analysis/analyze';
import { importModelText } from '../../engine/import/import-model';
import { writeFileAtomic } from '../../engine/node/fs-atomic';
import { formatBytes, MAX_MODEL_FILE_BYTES } from '../../engine/node/limits';
import { serializeDocument } from '../../engine/schema/load';
import { parseCliArgs } from '../args';
import { CliError } from '../cli-error';
import { isOnnxPath } from '../../engine/node/onnx-files';
import { importOnnxCommand } from './import-onnx';

const USAGE = 'Usage: layerloom import <model.json | model.onnx> -o <document.json> [--weights <folder>]';

/** Imports the model file and writes the document atomically; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { out: { type: 'string', short: 'o' }, name: { type: 'string' }, weights: { type: 'string' } });
  if (positionals.length !== 1) throw new CliError(`expected one model file, got ${positionals.length}. ${USAGE}`);
  if (!values.out) throw new CliError(`missing -o <document.json>. ${USAGE}`);
  const file = positionals[0];
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new CliError(`cannot read '${file}': no such file.`);
  if (!info.isFile()) throw new CliError(`'${file}' is not a file.`);
  if ((await stat(values.out).catch(() => undefined))?.isDirectory()) throw new CliError(`-o '${values.out}' is a folder; give the document's file name (e.g. ${path.join(values.out, 'design.json')}).`);
  if (isOnnxPath(file)) return importOnnxCommand(file, values.out, values.name, values.weights);
  if (values.weights) throw new CliError('--weights keeps the weights of an .onnx file; a model.json topology has none to keep.');
  // Sized before reading, as the app's import does: a huge or hostile file is refused, not loaded into memory.
  if (info.size > MAX_MODEL_FILE_BYTES) {
    throw new CliError(`cannot import '${file}': it is ${formatBytes(info.size)} (${info.size} bytes), more than the ${formatBytes(MAX_MODEL_FILE_BYTES)} a model topology (model.json or Keras JSON) may have; the importer reads the topology only, not weight files.`);
  }
  const text = await readFile(file, 'utf8');
  const doc = importModelText(text, { fileName: path.basename(file), name: values.name });
  const analysis = analyzeDesign(doc);
  await writeFileAtomic(values.out, serializeDocument(doc));
  const layers = doc.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output').length;
  console.log(`Imported ${layers} layers from ${file} -> ${values.out}`);
  if (analysis.valid) {
    console.log(`Parameters: ${analysis.totals.params.toLocaleString('en-US')} (trainable ${analysis.totals.trainableParams.toLocaleString('en-US')})`);
  } else {
    for (const d of analysis.diagnostics.filter((x) => x.severity === 'error')) console.log(`warning: ${d.nodeId ? `${d.nodeId}: ` : ''}${d.message}`);
  }
  return 0;
}
