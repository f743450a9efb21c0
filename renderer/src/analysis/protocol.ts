/** Messages between the editor and the analysis worker (see `delta.ts` for what a patch and a delta hold). */
import type { DesignDocument } from '../engine';
import type { AnalysisDelta, DocPatch } from './delta';

/**
 * Analyse a document: `load` sends it whole (a new worker, or after an error), `patch` as changes against the
 * document of the previous request. `fresh` asks for a full result instead of a delta (the editor's current
 * analysis did not come from this worker). `seq` numbers requests.
 */
export type AnalysisRequest =
  | { kind: 'load'; seq: number; doc: DesignDocument; fresh: boolean }
  | { kind: 'patch'; seq: number; patch: DocPatch; fresh: boolean };

/** The worker's answer to one request: the analysis as a delta against the worker's previous answer. */
export type AnalysisResponse =
  | { kind: 'result'; seq: number; delta: AnalysisDelta; ms: number }
  | { kind: 'error'; seq: number; message: string };
