/// <reference lib="webworker" />
/** Runs the engine's incremental analyzer off the main thread, so analysis of big graphs never blocks input. */
import { createAnalyzer } from '../engine';
import { forEditor, type AnalysisRequest, type AnalysisResponse } from './protocol';

const analyzer = createAnalyzer();

self.onmessage = (event: MessageEvent<AnalysisRequest>) => {
  const { seq, doc } = event.data;
  const started = performance.now();
  let response: AnalysisResponse;
  try {
    response = { kind: 'result', seq, ...forEditor(analyzer.update(doc)), ms: performance.now() - started };
  } catch (err) {
    response = { kind: 'error', seq, message: (err as Error).message };
  }
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(response);
};
