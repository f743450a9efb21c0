/**
 * Keeps the store's analysis in step with its document. Small designs are analysed synchronously (well under a
 * frame, and results appear with the edit); big ones go to a Web Worker, latest request wins, so a burst of edits
 * never queues up work and input is never blocked. The worker holds its own copy of the document and its last
 * result: each edit travels as a document patch and comes back as an analysis delta (see `delta.ts`).
 */
import { createAnalyzer, type DesignDocument } from '../engine';
import { useEditor } from '../store';
import { diffAnalysis, editorView, mergeAnalysis, type AnalysisDelta, type EditorAnalysis } from './delta';
import type { AnalysisResponse } from './protocol';
import { INITIAL_STATE, step, type Route, type RunnerEffect, type RunnerEvent, type RunnerState } from './runner-machine';

/** Designs with at most this many top-level nodes are analysed on the main thread. */
export const SYNC_LIMIT = 150;

/**
 * Starts analysing on every document change; returns a function that stops it. The decisions are the state
 * machine's (`runner-machine.ts`); this shell owns the worker, the local analyzer and the store, and carries
 * out the machine's effects.
 */
export function startAnalysis(): { stop(): void; whenIdle(): Promise<void> } {
  const local = createAnalyzer();
  /** The last local result, for diffing the next one against. */
  let localLast: EditorAnalysis | null = null;
  /** What the store shows: deltas merge into it. */
  let shown: EditorAnalysis | null = null;
  let worker: Worker | null = null;
  /** Set when a worker cannot be made here: every design is then analysed locally. */
  let noWorker = false;
  let state: RunnerState = INITIAL_STATE;
  let waiters: Array<() => void> = [];

  const route = (doc: DesignDocument): Route => (doc.nodes.length > SYNC_LIMIT && ensureWorker() ? 'worker' : 'local');

  const show = (doc: DesignDocument, delta: AnalysisDelta, ms: number) => {
    shown = mergeAnalysis(shown, delta);
    useEditor.getState().setAnalysis(doc, shown, ms);
  };

  function dispatch(event: RunnerEvent): void {
    const result = step(state, event, route);
    state = result.state;
    result.effects.forEach(perform);
  }

  function perform(effect: RunnerEffect): void {
    switch (effect.type) {
      case 'analyse-locally': {
        const started = performance.now();
        let failure: string | null = null;
        try {
          const view = editorView(local.update(effect.doc));
          const delta = diffAnalysis(effect.fresh ? null : localLast, view);
          localLast = view;
          show(effect.doc, delta, performance.now() - started);
        } catch (err) {
          failure = (err as Error).message;
        }
        dispatch(failure === null ? { type: 'local-done' } : { type: 'local-failed', message: failure });
        return;
      }
      case 'post':
        worker?.postMessage(effect.request);
        return;
      case 'show':
        show(effect.doc, effect.delta, effect.ms);
        return;
      case 'report':
        useEditor.getState().showToast('error', effect.message);
        return;
      case 'settled': {
        const list = waiters;
        waiters = [];
        list.forEach((w) => w());
        return;
      }
    }
  }

  function ensureWorker(): Worker | null {
    if (worker || noWorker) return worker;
    try {
      const w = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module' });
      w.onmessage = (event: MessageEvent<AnalysisResponse>) => {
        const msg = event.data;
        dispatch(msg.kind === 'result' ? { type: 'worker-result', seq: msg.seq, delta: msg.delta, ms: msg.ms } : { type: 'worker-error', message: msg.message });
      };
      w.onerror = () => {
        // Let the dead worker go first: the machine's retry may ask for a new one.
        w.terminate();
        if (worker === w) worker = null;
        dispatch({ type: 'worker-crashed' });
      };
      worker = w;
    } catch {
      noWorker = true;
    }
    return worker;
  }

  dispatch({ type: 'request', doc: useEditor.getState().doc });
  const unsubscribe = useEditor.subscribe((s, prev) => {
    if (s.doc !== prev.doc) dispatch({ type: 'request', doc: s.doc });
  });

  return {
    stop() {
      unsubscribe();
      worker?.terminate();
      worker = null;
    },
    whenIdle() {
      return new Promise<void>((resolve) => {
        if (state.phase === 'idle' && state.pending === null) resolve();
        else waiters.push(resolve);
      });
    },
  };
}
