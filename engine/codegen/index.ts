/**
 * Code export: design document -> TypeScript (tfjs), Keras or PyTorch source files. Each export analyses the
 * design, refuses invalid designs and anything the target cannot express (with the full list), then writes.
 */
import { analyzeDesign } from '../analysis/analyze';
import type { AnalyzeOptions, DesignAnalysis } from '../analysis/types';
import { assertCompilable } from '../compile/compile';
import { DesignError } from '../errors';
import type { DesignDocument } from '../schema/document';
import { generateKeras } from './keras';
import { generatePyTorchFiles } from './pytorch';
import { generateTypeScript } from './typescript';
import type { CodegenModel, ExportTarget, GeneratedFile } from './types';
import { formatUnsupported, unsupportedFeatures } from './unsupported';

export type { CodegenModel, CodegenNode, ExportTarget, GeneratedFile, UnsupportedFeature } from './types';
export { EXPORT_TARGETS } from './types';
export { unsupportedFeatures, formatUnsupported } from './unsupported';
export { generateTypeScript } from './typescript';
export { generateKeras } from './keras';
export { generatePyTorch, generatePyTorchFiles } from './pytorch';

/** The generator input for an analysed document. */
export function codegenModel(doc: DesignDocument, analysis: DesignAnalysis): CodegenModel {
  return {
    name: doc.name,
    description: doc.description,
    source: doc.source,
    nodes: analysis.flat,
    totals: { params: analysis.totals.params, trainableParams: analysis.totals.trainableParams },
    training: doc.training,
  };
}

/**
 * Analyses `doc` and checks it can be exported to `target`: throws `DesignError('invalid-graph')` for an invalid
 * design and `DesignError('unsupported-export')` (details: one line per feature) for what the target cannot express.
 */
export function prepareExport(doc: DesignDocument, target: ExportTarget, options: AnalyzeOptions = {}): { analysis: DesignAnalysis; model: CodegenModel } {
  const analysis = analyzeDesign(doc, options);
  assertCompilable(analysis);
  const problems = formatUnsupported(unsupportedFeatures(analysis.flat, target));
  if (problems.length > 0) {
    const n = problems.length;
    throw new DesignError(
      'unsupported-export',
      `cannot export to ${target}: ${n} feature${n > 1 ? 's' : ''} of this design cannot be expressed:\n  - ${problems.join('\n  - ')}`,
      undefined,
      problems,
    );
  }
  return { analysis, model: codegenModel(doc, analysis) };
}

/** The source files of a code export (`ts`: model.ts; `keras`: model.py; `pytorch`: model.py + train.py). */
export function generateCode(doc: DesignDocument, target: Exclude<ExportTarget, 'tfjs'>, options: AnalyzeOptions = {}): GeneratedFile[] {
  const { model } = prepareExport(doc, target, options);
  switch (target) {
    case 'ts':
      return [{ path: 'model.ts', contents: generateTypeScript(model) }];
    case 'keras':
      return [{ path: 'model.py', contents: generateKeras(model) }];
    case 'pytorch':
      return generatePyTorchFiles(model);
  }
}
