/**
 * One code tab for one document: analysis -> checks -> writer + source map (pure; the worker runs it, and tests
 * call it directly). The source map is folded onto canvas nodes: collapsed composites own their inner lines.
 */
import type { DesignAnalysis, DesignDocument } from '../../engine';
import {
  canvasSourceMap, codegenModel, expandedComposites, generateMappedFiles, unsupportedFeatures,
} from '../../../../engine/codegen';
import type { CodeRequest, CodeResult } from './protocol';

/** Answers a `CodeRequest` using `analyze` (the worker's incremental analyzer). Never throws. */
export function generateCodeTab(req: CodeRequest, analyze: (doc: DesignDocument) => DesignAnalysis): CodeResult {
  const started = performance.now();
  const { seq, tab, doc } = req;
  const ms = () => performance.now() - started;
  try {
    const analysis = analyze(doc);
    if (!analysis.valid) {
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      const first = errors[0]?.message ?? 'the design is not valid';
      const more = Math.max(0, errors.length - 1);
      return { kind: 'invalid', seq, tab, message: `No code while the design has errors: ${first}${more ? ` (and ${more} more)` : ''}`, ...(errors[0] ? { error: errors[0], more } : {}), ms: ms() };
    }
    const target = tab === 'train' ? 'pytorch' : tab;
    const features = unsupportedFeatures(analysis.flat, target);
    if (features.length > 0) return { kind: 'unsupported', seq, tab, features, ms: ms() };
    const files = generateMappedFiles(codegenModel(doc, analysis), target);
    const file = tab === 'train' ? files[1] : files[0];
    return { kind: 'code', seq, tab, text: file.contents, sourceMap: canvasSourceMap(file.sourceMap, expandedComposites(doc)), flatSourceMap: file.sourceMap, ms: ms() };
  } catch (err) {
    return { kind: 'invalid', seq, tab, message: (err as Error).message, ms: ms() };
  }
}
