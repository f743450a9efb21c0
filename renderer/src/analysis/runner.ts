/**
 * Keeps the store's analysis in step with its document. Small designs are analysed synchronously (well under a
 * frame, and results appear with the edit); big ones go to a Web Worker, latest request wins, so a burst of edits
 * never queues up work and input is never blocked. The worker holds its own copy of the document and its last
 * result: each edit travels as a document patch and comes back as an analysis delta (see `delta.ts`).
 */
import { createAnalyzer, type DesignDocument } from '../engine';
import { useEditor } from '../store';
import { diffAnalysis, diffDocument, editorView, mergeAnalysis, type AnalysisDelta, type EditorAnalysis } from './delta';
import type { AnalysisRequest, AnalysisResponse } from './protocol';

/** Designs with at most this many top-level nodes are analysed on the main thread. */
export const SYNC_LIMIT = 150;

type Waiter = () => void;

/** Starts analysing on every document change; returns a function that stops it. */
export function startAnalysis(): { stop(): void; whenIdle(): Promise<void> } {
  const local = createAnalyzer();
  /** The last local result, for diffing the next one against. */
  let localLast: EditorAnalysis | null = null;
  /** What the store shows, and who made it: deltas only apply to the result they were made against. */
  let shown: EditorAnalysis | null = null;
  let shownBy: 'local' | 'worker' | null = null;
  let worker: Worker | null = null;
  /** The document the worker holds (null: send it whole next time). */
  let workerDoc: DesignDocument | null = null;
  let seq = 0;
  let inFlight: { seq: number; doc: DesignDocument } | null = null;
  let pending: DesignDocument | null = null;
  let waiters: Waiter[] = [];

  const settle = () => {
    if (inFlight === null && pending === null) {
      const list = waiters;
      waiters = [];
      list.forEach((w) => w());
    }
  };

  const show = (doc: DesignDocument, delta: AnalysisDelta, by: 'local' | 'worker', ms: number) => {
    shown = mergeAnalysis(shown, delta);
    shownBy = by;
    useEditor.getState().setAnalysis(doc, shown, ms);
  };

  const dropWorker = () => {
    worker?.terminate();
    worker = null;
    workerDoc = null;
    if (shownBy === 'worker') shownBy = null;
  };

  const ensureWorker = (): Worker | null => {
    if (worker) return worker;
    try {
      worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module' });
      workerDoc = null;
      worker.onmessage = (event: MessageEvent<AnalysisResponse>) => {
        const msg = event.data;
        const sent = inFlight;
        inFlight = null;
        if (msg.kind === 'result' && sent && msg.seq === sent.seq) show(sent.doc, msg.delta, 'worker', msg.ms);
        else if (msg.kind === 'result' && shownBy === 'worker') shownBy = null; // an unexpected answer: start afresh
        else if (msg.kind === 'error') {
          // The worker dropped its state: the next request carries the whole document.
          workerDoc = null;
          if (shownBy === 'worker') shownBy = null;
          useEditor.getState().showToast('error', `analysis failed: ${msg.message}`);
        }
        flush();
      };
      worker.onerror = () => {
        dropWorker();
        inFlight = null;
        flush();
      };
    } catch {
      worker = null;
    }
    return worker;
  };

  const runLocal = (doc: DesignDocument) => {
    const started = performance.now();
    try {
      const view = editorView(local.update(doc));
      const delta = diffAnalysis(shownBy === 'local' ? localLast : null, view);
      localLast = view;
      show(doc, delta, 'local', performance.now() - started);
    } catch (err) {
      useEditor.getState().showToast('error', `analysis failed: ${(err as Error).message}`);
    }
  };

  const send = (w: Worker, doc: DesignDocument) => {
    seq += 1;
    inFlight = { seq, doc };
    const fresh = shownBy !== 'worker';
    const request: AnalysisRequest = workerDoc ? { kind: 'patch', seq, patch: diffDocument(workerDoc, doc), fresh } : { kind: 'load', seq, doc, fresh };
    workerDoc = doc;
    w.postMessage(request);
  };

  function flush() {
    if (inFlight !== null || pending === null) return settle();
    const doc = pending;
    pending = null;
    const w = doc.nodes.length > SYNC_LIMIT ? ensureWorker() : null;
    if (!w) {
      seq += 1;
      runLocal(doc);
      return settle();
    }
    send(w, doc);
  }

  const request = (doc: DesignDocument) => {
    pending = doc;
    flush();
  };

  request(useEditor.getState().doc);
  const unsubscribe = useEditor.subscribe((state, prev) => {
    if (state.doc !== prev.doc) request(state.doc);
  });

  return {
    stop() {
      unsubscribe();
      dropWorker();
    },
    whenIdle() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
  };
}
