/**
 * Code export: design document -> TypeScript (tfjs), Keras or PyTorch source files. Each export analyses the
 * design, refuses invalid designs and anything the target cannot express (with the full list), then writes.
 */
import { analyzeDesign } from '../analysis/analyze';
import type { AnalyzeOptions, DesignAnalysis } from '../analysis/types';
import { assertCompilable } from '../compile/compile';
import { DesignError } from '../errors';
import { errorDetailEnglish, quoting, type ErrorDetail } from '../messages';
import type { DesignDocument } from '../schema/document';
import { generateKeras, generateKerasMapped } from './keras';
import { generatePyTorchFiles, generatePyTorchMapped } from './pytorch';
import { TRAIN_PY } from './pytorch-train';
import type { SourceMap } from './source-map';
import { generateTypeScript, generateTypeScriptMapped } from './typescript';
import type { CodegenModel, ExportTarget, GeneratedFile } from './types';
import { formatUnsupported, unsupportedFeatures } from './unsupported';

export type { CodegenModel, CodegenNode, ExportTarget, GeneratedFile, UnsupportedFeature } from './types';
export { EXPORT_TARGETS } from './types';
export { unsupportedFeatures, formatUnsupported } from './unsupported';
export { generateTypeScript, generateTypeScriptMapped } from './typescript';
export { generateKeras, generateKerasMapped } from './keras';
export { generatePyTorch, generatePyTorchFiles, generatePyTorchMapped } from './pytorch';
export type { LineRange, MappedCode, SourceMap } from './source-map';
export { canvasNodeOf, canvasSourceMap, expandedComposites, nodeAtLine, SCOPE_BLOCK_KEY, scopeSourceMap } from './source-map';

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
  const features = unsupportedFeatures(analysis.flat, target);
  if (features.length > 0) {
    const problems = formatUnsupported(features);
    const n = problems.length;
    // Each feature as the code panel lists it (its node, then what the target cannot express), for the app's languages.
    const causes = features.map((f) => (f.nodeName ? quoting('export-feature', { node: f.nodeName }, f.detail) : f.detail));
    const detail: ErrorDetail = { code: n > 1 ? 'export-code-refused' : 'export-code-refused-one', values: { target, count: n, reason: problems.join('\n  - ') }, causes };
    throw new DesignError('unsupported-export', errorDetailEnglish(detail), undefined, problems, detail);
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

/** A generated file with the source map of its lines (empty for files that no node writes, such as train.py). */
export interface MappedFile extends GeneratedFile {
  sourceMap: SourceMap;
}

/**
 * The files of a code target with their source maps, from an already checked model (see `prepareExport` and
 * `unsupportedFeatures`): what the app's code panel shows. Keys of the maps are flat node ids.
 */
export function generateMappedFiles(model: CodegenModel, target: Exclude<ExportTarget, 'tfjs'>): MappedFile[] {
  const file = (path: string, code: { text: string; sourceMap: SourceMap }): MappedFile => ({ path, contents: code.text, sourceMap: code.sourceMap });
  switch (target) {
    case 'ts':
      return [file('model.ts', generateTypeScriptMapped(model))];
    case 'keras':
      return [file('model.py', generateKerasMapped(model))];
    case 'pytorch':
      return [file('model.py', generatePyTorchMapped(model)), { path: 'train.py', contents: TRAIN_PY, sourceMap: {} }];
  }
}
