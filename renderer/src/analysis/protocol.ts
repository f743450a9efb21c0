/** Messages between the editor and the analysis worker. */
import type { DesignAnalysis, DesignDocument } from '../engine';

/** Analyse this document; `seq` orders requests so a stale answer is dropped. */
export interface AnalysisRequest {
  seq: number;
  doc: DesignDocument;
}

/** The worker's answer to one request. */
export type AnalysisResponse =
  | { kind: 'result'; seq: number; analysis: DesignAnalysis; ms: number }
  | { kind: 'error'; seq: number; message: string };
