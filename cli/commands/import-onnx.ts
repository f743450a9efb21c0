/** `layerloom import model.onnx -o design.json`: the ONNX branch of `layerloom import` (see import.ts). */
import { analyzeDesign } from '../../engine/analysis/analyze';
import { importOnnxFile } from '../../engine/node/onnx-files';
import { writeFileAtomic } from '../../engine/node/fs-atomic';
import { serializeDocument } from '../../engine/schema/load';

/** Imports the ONNX file, writes the design document atomically and reports what was read; returns the exit code. */
export async function importOnnxCommand(file: string, out: string, name?: string): Promise<number> {
  const imported = await importOnnxFile(file, { name });
  const { doc } = imported;
  const analysis = analyzeDesign(doc);
  await writeFileAtomic(out, serializeDocument(doc));
  const layers = doc.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output').length;
  console.log(`Imported ${layers} layers from ${file} (ONNX opset ${imported.opset}${imported.producer ? `, written by ${imported.producer}` : ''}) -> ${out}`);
  console.log(`Parameters: ${analysis.totals.params.toLocaleString('en-US')} (trainable ${analysis.totals.trainableParams.toLocaleString('en-US')})`);
  const shapes = imported.inputs.map((p) => `${p.name} [${p.designShape.join(', ')}] (ONNX [${p.onnxShape.map((d) => (d < 0 ? 'N' : d)).join(', ')}])`);
  console.log(`Inputs, channels last: ${shapes.join(', ')}`);
  console.log('The design document holds the architecture; the file\'s weights are not stored in it.');
  return 0;
}
