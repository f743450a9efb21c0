/**
 * What the search tab shows, folded from the search's events (live ones, or a past search's replayed log): every
 * candidate with its cost, its refusal reason or its latest accuracy, the accuracy-vs-MACs Pareto front of the
 * trained ones (recomputed as each result arrives), and the phase. A pure reducer, so a reload and a live search
 * end in the same view.
 */
import type { SearchCandidate, SearchEvent } from '../../../../contract/search';
import { paretoFront, type SearchSpace } from '../../engine';

/** Where the search stands: idle (none yet), running, stopping, or ended. */
export type SearchPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'finished' | 'failed';

/** One candidate as the table and the plot show it. */
export interface CandidateView extends SearchCandidate {
  /** Test accuracy of its latest (longest) training; null while untrained or refused. */
  accuracy: number | null;
  batches: number | null;
  /** The round it is training in now, if any. */
  training: number | null;
  /** Why its training failed, if it did. */
  failed: string | null;
  /** The same by code + values, when the training said it by code. */
  failedDetail: SearchErrorDetail | null;
}

/** An error or refusal by code + values, as the search events carry it (shown with `errorDetailText`). */
export type SearchErrorDetail = NonNullable<SearchCandidate['rejectedDetail']>;

/** The search tab's state. */
export interface SearchView {
  phase: SearchPhase;
  searchId: string | null;
  method: 'random' | 'halving' | null;
  backend: string | null;
  space: SearchSpace | null;
  candidates: CandidateView[];
  /** Ids on the Pareto front, cheapest first. */
  front: string[];
  best: string | null;
  status: 'completed' | 'stopped' | null;
  seconds: number | null;
  error: string | null;
  errorDetail: SearchErrorDetail | null;
}

/** The view before any search. */
export const IDLE_SEARCH: SearchView = { phase: 'idle', searchId: null, method: null, backend: null, space: null, candidates: [], front: [], best: null, status: null, seconds: null, error: null, errorDetail: null };

/** A view waiting for its first event (Start pressed, or a past search being replayed). */
export function beginSearch(searchId: string | null): SearchView {
  return { ...IDLE_SEARCH, phase: 'starting', searchId };
}

function trainedFront(candidates: readonly CandidateView[]): { front: string[]; best: string | null } {
  const trained = candidates.filter((c): c is CandidateView & { accuracy: number } => c.accuracy !== null);
  const best = trained.length ? trained.reduce((a, b) => (b.accuracy > a.accuracy ? b : a)).id : null;
  return { front: paretoFront(trained).map((c) => c.id), best };
}

/** Folds one event into the view (never mutates it). */
export function applySearchEvent(view: SearchView, e: SearchEvent): SearchView {
  switch (e.type) {
    case 'drawn':
      return { ...view, phase: view.phase === 'stopping' ? 'stopping' : 'running', method: e.method, backend: e.backend, space: e.space, candidates: e.candidates.map((c) => ({ ...c, accuracy: null, batches: null, training: null, failed: null, failedDetail: null })), front: [], best: null };
    case 'training':
      return { ...view, candidates: view.candidates.map((c) => (c.id === e.id ? { ...c, training: e.round } : c)) };
    case 'trained': {
      const candidates = view.candidates.map((c) => (c.id === e.id ? { ...c, accuracy: e.accuracy, batches: e.batches, training: null } : c));
      return { ...view, candidates, ...trainedFront(candidates) };
    }
    case 'failed': {
      const candidates = view.candidates.map((c) => (c.id === e.id ? { ...c, accuracy: null, batches: null, training: null, failed: e.message, failedDetail: e.detail ?? null } : c));
      return { ...view, candidates, ...trainedFront(candidates) };
    }
    case 'finished':
      return { ...view, phase: 'finished', status: e.status, front: e.front, best: e.best, seconds: e.seconds, candidates: view.candidates.map((c) => ({ ...c, training: null })) };
    case 'error':
      return { ...view, phase: 'failed', error: e.message, errorDetail: e.detail ?? null, candidates: view.candidates.map((c) => ({ ...c, training: null })) };
  }
}

/** Whether a search is in progress. */
export const isSearchActive = (phase: SearchPhase) => phase === 'starting' || phase === 'running' || phase === 'stopping';

/**
 * The plot's data: trained candidates sorted by MACs (uPlot wants ascending x), accuracy for every one, and
 * accuracy again only where the candidate is on the front (null elsewhere: the front is drawn through those).
 */
export function plotData(view: SearchView): { ids: string[]; macs: number[]; accuracy: number[]; front: (number | null)[] } {
  const onFront = new Set(view.front);
  const trained = view.candidates.filter((c) => c.accuracy !== null).sort((a, b) => a.macs - b.macs || a.id.localeCompare(b.id));
  return {
    ids: trained.map((c) => c.id),
    macs: trained.map((c) => c.macs),
    accuracy: trained.map((c) => c.accuracy!),
    front: trained.map((c) => (onFront.has(c.id) ? c.accuracy! : null)),
  };
}
