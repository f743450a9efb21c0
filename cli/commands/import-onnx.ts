/** `layerloom import model.onnx -o design.json [--weights DIR]`: the ONNX branch of `layerloom import` (see import.ts). */
import path from 'node:path';
import { analyzeDesign } from '../../engine/analysis/analyze';
import { compileModel } from '../../engine/compile/compile';
import { importOnnxFile } from '../../engine/node/onnx-files';
import { writeFileAtomic } from '../../engine/node/fs-atomic';
import { saveModelFiles } from '../../engine/node/model-files';
import { applyWeights } from '../../engine/onnx/weights';
import { serializeDocument } from '../../engine/schema/load';
import { DesignError } from '../../engine/errors';
import { CliError } from '../cli-error';

/**
 * Imports the ONNX file and writes the design document atomically. With `weightsDir`, the file's weights are kept
 * as `weightsDir/model/model.json` + `weights.bin` (a tfjs model laid out like a training run folder, so
 * `layerloom export design.json --run weightsDir` writes them into any format that carries weights).
 */
export async function importOnnxCommand(file: string, out: string, name?: string, weightsDir?: string): Promise<number> {
  let imported;
  try {
    imported = await importOnnxFile(file, { name });
  } catch (err) {
    // An unknown operator: also say which ones LayerLoom reads.
    if (err instanceof DesignError && err.details?.length) throw new CliError(`${err.message}\n${err.details.join('\n')}`);
    throw err;
  }
  const { doc } = imported;
  const analysis = analyzeDesign(doc);
  let saved: string | undefined;
  if (weightsDir) {
    const tf = await import('@tensorflow/tfjs');
    tf.env().set('PROD', true);
    const model = compileModel(analysis, tf, { compile: false, name: doc.name });
    try {
      applyWeights(tf, model, analysis, imported.weights);
      saved = (await saveModelFiles(model, path.join(weightsDir, 'model'))).modelJson;
    } finally {
      model.dispose();
    }
  }
  await writeFileAtomic(out, serializeDocument(doc));
  const layers = doc.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output').length;
  console.log(`Imported ${layers} layers from ${file} (ONNX opset ${imported.opset}${imported.producer ? `, written by ${imported.producer}` : ''}) -> ${out}`);
  console.log(`Parameters: ${analysis.totals.params.toLocaleString('en-US')} (trainable ${analysis.totals.trainableParams.toLocaleString('en-US')})`);
  const shapes = imported.inputs.map((p) => `${p.name} [${p.designShape.join(', ')}] (ONNX [${p.onnxShape.map((d) => (d < 0 ? 'N' : d)).join(', ')}])`);
  console.log(`Inputs, channels last: ${shapes.join(', ')}`);
  console.log(saved
    ? `Weights: ${saved} (use it with: layerloom export ${out} --run ${weightsDir} --format tfjs|onnx -o ...)`
    : 'The design document holds the architecture; add --weights <folder> to keep the file\'s weights.');
  return 0;
}
