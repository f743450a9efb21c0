/** `layerloom export ... --format onnx`: the ONNX branch of `layerloom export` (see export.ts for the arguments). */
import path from 'node:path';
import { analyzeDesign } from '../../engine/analysis/analyze';
import { assertCompilable } from '../../engine/compile/compile';
import { ONNX_OPSET } from '../../engine/onnx/export';
import { exportOnnxFile } from '../../engine/node/onnx-files';
import type { DesignDocument } from '../../engine/schema/document';
import { CliError } from '../cli-error';

/** Writes `doc` as an .onnx file at `out` (trained weights from `runDir` when given); returns the exit code. */
export async function exportOnnxCommand(doc: DesignDocument, out: string, runDir: string | undefined): Promise<number> {
  assertCompilable(analyzeDesign(doc));
  if (out.endsWith('.json')) throw new CliError(`-o '${out}' ends in .json; an ONNX export is one binary file (e.g. model.onnx).`);
  const result = await exportOnnxFile(doc, out, { runDir });
  const weights = result.trainedFrom ? `trained weights from ${result.trainedFrom}` : 'fresh weights';
  console.log(`wrote ${result.files[0]} (ONNX opset ${ONNX_OPSET}, channels-first input [N, C, H, W]; ${weights}; ${result.params.toLocaleString('en-US')} parameters)`);
  if (path.extname(result.files[0]).toLowerCase() !== '.onnx') console.log('note: ONNX tools look for the .onnx extension');
  return 0;
}
