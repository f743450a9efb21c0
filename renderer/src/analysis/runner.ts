/**
 * Keeps the store's analysis in step with its document. Small designs are analysed synchronously (well under a
 * frame, and results appear with the edit); big ones go to a Web Worker, latest request wins, so a burst of edits
 * never queues up work and input is never blocked.
 */
import { createAnalyzer, type DesignDocument } from '../engine';
import { useEditor } from '../store';
import { forEditor, type AnalysisRequest, type AnalysisResponse } from './protocol';

/** Designs with at most this many top-level nodes are analysed on the main thread. */
export const SYNC_LIMIT = 150;

type Waiter = () => void;

/** Starts analysing on every document change; returns a function that stops it. */
export function startAnalysis(): { stop(): void; whenIdle(): Promise<void> } {
  const local = createAnalyzer();
  let worker: Worker | null = null;
  let seq = 0;
  let inFlight: number | null = null;
  let pending: DesignDocument | null = null;
  let waiters: Waiter[] = [];

  const settle = () => {
    if (inFlight === null && pending === null) {
      const list = waiters;
      waiters = [];
      list.forEach((w) => w());
    }
  };

  const ensureWorker = (): Worker | null => {
    if (worker) return worker;
    try {
      worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (event: MessageEvent<AnalysisResponse>) => {
        const msg = event.data;
        const doc = sent.get(msg.seq);
        sent.delete(msg.seq);
        inFlight = null;
        if (msg.kind === 'result' && doc && msg.seq === seq) useEditor.getState().setAnalysis(doc, msg.analysis, msg.ms, msg.flatShapes);
        else if (msg.kind === 'error') useEditor.getState().showToast('error', `analysis failed: ${msg.message}`);
        flush();
      };
      worker.onerror = () => {
        worker = null;
        inFlight = null;
        flush();
      };
    } catch {
      worker = null;
    }
    return worker;
  };

  const sent = new Map<number, DesignDocument>();

  const runLocal = (doc: DesignDocument) => {
    const started = performance.now();
    try {
      const { analysis, flatShapes } = forEditor(local.update(doc));
      useEditor.getState().setAnalysis(doc, analysis, performance.now() - started, flatShapes);
    } catch (err) {
      useEditor.getState().showToast('error', `analysis failed: ${(err as Error).message}`);
    }
  };

  function flush() {
    if (inFlight !== null || pending === null) return settle();
    const doc = pending;
    pending = null;
    const w = doc.nodes.length > SYNC_LIMIT ? ensureWorker() : null;
    seq += 1;
    if (!w) {
      runLocal(doc);
      return settle();
    }
    inFlight = seq;
    sent.set(seq, doc);
    w.postMessage({ seq, doc } satisfies AnalysisRequest);
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
      worker?.terminate();
    },
    whenIdle() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
  };
}
