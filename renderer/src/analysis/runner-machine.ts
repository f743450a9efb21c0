/**
 * The analysis runner as an explicit state machine (pure: no worker, store or clock here). States:
 *  - `idle`: nothing is being analysed;
 *  - `local`: the main thread is analysing a small design (synchronously, so it ends with `local-done`);
 *  - `worker`: a request is in flight to the worker; later documents wait in `pending` (latest wins).
 * `step` takes an event and returns the next state and the effects the shell (`runner.ts`) carries out.
 * Besides the phase, the state tracks who made what the store shows (`shownBy`) — a delta applies only to
 * the result it was computed against — and which document the worker holds (`workerDoc`), so an edit can
 * travel as a patch; after a worker error or crash the next request sends the whole document.
 */
import type { DesignDocument } from '../engine';
import { diffDocument, type AnalysisDelta } from './delta';
import type { AnalysisRequest } from './protocol';

/** Where a document is analysed: decided by the shell (size, and whether a worker can be made). */
export type Route = 'local' | 'worker';

/** The runner's state. */
export interface RunnerState {
  phase: 'idle' | 'local' | 'worker';
  /** Number of the last request (local or worker). */
  seq: number;
  /** The worker request being answered, in phase `worker`. */
  inFlight: { seq: number; doc: DesignDocument } | null;
  /** The newest document not yet analysed (older ones are dropped). */
  pending: DesignDocument | null;
  /** Who produced the analysis the store shows. */
  shownBy: 'local' | 'worker' | null;
  /** The document the worker holds; null: it holds none (send the next one whole). */
  workerDoc: DesignDocument | null;
}

/** What happens to the runner. */
export type RunnerEvent =
  | { type: 'request'; doc: DesignDocument }
  | { type: 'local-done' }
  | { type: 'local-failed'; message: string }
  | { type: 'worker-result'; seq: number; delta: AnalysisDelta; ms: number }
  | { type: 'worker-error'; message: string }
  | { type: 'worker-crashed' };

/** What the shell must do, in order. */
export type RunnerEffect =
  /** Analyse on the main thread; `fresh`: diff against nothing (the store's result came from the worker). */
  | { type: 'analyse-locally'; doc: DesignDocument; fresh: boolean }
  | { type: 'post'; request: AnalysisRequest }
  | { type: 'show'; doc: DesignDocument; delta: AnalysisDelta; ms: number }
  | { type: 'report'; message: string }
  /** Idle with nothing pending: resolve whoever waits for the analysis to catch up. */
  | { type: 'settled' };

/** The state before the first request. */
export const INITIAL_STATE: RunnerState = { phase: 'idle', seq: 0, inFlight: null, pending: null, shownBy: null, workerDoc: null };

interface Result {
  state: RunnerState;
  effects: RunnerEffect[];
}

/** Starts the next pending document, if the runner is free; otherwise reports `settled` when nothing is left. */
function next(state: RunnerState, route: (doc: DesignDocument) => Route, effects: RunnerEffect[]): Result {
  if (state.phase !== 'idle') return { state, effects };
  const doc = state.pending;
  if (!doc) return { state, effects: [...effects, { type: 'settled' }] };
  const seq = state.seq + 1;
  if (route(doc) === 'local') {
    return {
      state: { ...state, phase: 'local', seq, pending: null },
      effects: [...effects, { type: 'analyse-locally', doc, fresh: state.shownBy !== 'local' }],
    };
  }
  const fresh = state.shownBy !== 'worker';
  const request: AnalysisRequest = state.workerDoc
    ? { kind: 'patch', seq, patch: diffDocument(state.workerDoc, doc), fresh }
    : { kind: 'load', seq, doc, fresh };
  return {
    state: { ...state, phase: 'worker', seq, pending: null, inFlight: { seq, doc }, workerDoc: doc },
    effects: [...effects, { type: 'post', request }],
  };
}

/** The runner's transition function. */
export function step(state: RunnerState, event: RunnerEvent, route: (doc: DesignDocument) => Route): Result {
  switch (event.type) {
    case 'request':
      return next({ ...state, pending: event.doc }, route, []);
    case 'local-done':
      if (state.phase !== 'local') return { state, effects: [] };
      return next({ ...state, phase: 'idle', shownBy: 'local' }, route, []);
    case 'local-failed':
      if (state.phase !== 'local') return { state, effects: [] };
      return next({ ...state, phase: 'idle' }, route, [{ type: 'report', message: `analysis failed: ${event.message}` }]);
    case 'worker-result': {
      if (state.phase !== 'worker' || !state.inFlight) return { state, effects: [] };
      const idle = { ...state, phase: 'idle' as const, inFlight: null };
      if (event.seq !== state.inFlight.seq) {
        // An answer to another request: what the store shows can no longer take this worker's deltas.
        return next({ ...idle, shownBy: state.shownBy === 'worker' ? null : state.shownBy }, route, []);
      }
      return next({ ...idle, shownBy: 'worker' }, route, [{ type: 'show', doc: state.inFlight.doc, delta: event.delta, ms: event.ms }]);
    }
    case 'worker-error': {
      // The worker dropped its state: the next request carries the whole document.
      const idle = { ...state, phase: state.phase === 'worker' ? ('idle' as const) : state.phase, inFlight: null, workerDoc: null };
      return next({ ...idle, shownBy: state.shownBy === 'worker' ? null : state.shownBy }, route, [{ type: 'report', message: `analysis failed: ${event.message}` }]);
    }
    case 'worker-crashed': {
      // The shell has let the dead worker go; the document that was in flight is analysed again (by a new
      // worker, or locally if none can be made), unless a newer one waits.
      const retry = state.pending ?? state.inFlight?.doc ?? null;
      const idle = { ...state, phase: state.phase === 'worker' ? ('idle' as const) : state.phase, inFlight: null, workerDoc: null, pending: retry };
      return next({ ...idle, shownBy: state.shownBy === 'worker' ? null : state.shownBy }, route, []);
    }
  }
}
