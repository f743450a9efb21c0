/** Messages between the editor and the analysis worker. */
import type { DesignAnalysis, DesignDocument, Shape } from '../engine';

/** Analyse this document; `seq` orders requests so a stale answer is dropped. */
export interface AnalysisRequest {
  seq: number;
  doc: DesignDocument;
}

/** The worker's answer to one request. */
export type AnalysisResponse =
  | { kind: 'result'; seq: number; analysis: DesignAnalysis; flatShapes: Record<string, Shape>; ms: number }
  | { kind: 'error'; seq: number; message: string };

/**
 * What the editor keeps of an analysis: everything but the flat graph (layer configs for 1,000+ layers, the
 * biggest part of a worker message and unused by the editor), plus the inner layers' output shapes for expanded
 * composites. Compile and code export derive the flat graph from the document themselves.
 */
export function forEditor(analysis: DesignAnalysis): { analysis: DesignAnalysis; flatShapes: Record<string, Shape> } {
  const flatShapes: Record<string, Shape> = {};
  for (const f of analysis.flat) if (f.id.includes('/')) flatShapes[f.id] = f.outputShape;
  return { analysis: { ...analysis, flat: [] }, flatShapes };
}
