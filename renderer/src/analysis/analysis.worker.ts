/// <reference lib="webworker" />
/**
 * Runs the engine's incremental analyzer off the main thread, so analysis of big graphs never blocks input. The
 * worker keeps the document and its last result between requests: an edit arrives as a patch and leaves as a delta.
 */
import { createAnalyzer, type DesignDocument } from '../engine';
import { applyDocPatch, diffAnalysis, editorView, type EditorAnalysis } from './delta';
import type { AnalysisRequest, AnalysisResponse } from './protocol';

const analyzer = createAnalyzer();
let doc: DesignDocument | null = null;
let last: EditorAnalysis | null = null;

self.onmessage = (event: MessageEvent<AnalysisRequest>) => {
  const req = event.data;
  const started = performance.now();
  let response: AnalysisResponse;
  try {
    if (req.kind === 'load') doc = req.doc;
    else if (doc) doc = applyDocPatch(doc, req.patch);
    else throw new Error('a patch arrived before any document');
    const view = editorView(analyzer.update(doc));
    const delta = diffAnalysis(req.fresh ? null : last, view);
    last = view;
    response = { kind: 'result', seq: req.seq, delta, ms: performance.now() - started };
  } catch (err) {
    // The editor answers an error by sending the whole document next time.
    doc = null;
    last = null;
    response = { kind: 'error', seq: req.seq, message: (err as Error).message };
  }
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(response);
};
