/**
 * Runs an architecture search: candidates drawn from the space (`engine/search/space.ts`), the infeasible ones
 * refused by the analysis before any training, the rest trained briefly with the real training loop — random
 * search (every candidate, one short training) or successive halving (all candidates on a small budget, the
 * better half again on twice the budget, ... until one is left). Every training is kept as a run folder, and
 * `search.json` records the space, each candidate's choice, cost, accuracy and run, and the accuracy-vs-MACs
 * Pareto front.
 */
import path from 'node:path';
import type { SearchEvent } from '../../../contract/search';
import type { TrainingEvent, TrainingOverrides } from '../../../contract/training-protocol';
import type { Tf } from '../../compile/compile';
import { drawCandidates, paretoFront, refusal, type Candidate, type Refusal, type SearchSpace } from '../../search/space';
import type { DesignDocument } from '../../schema/document';
import { analyzeDesign } from '../../analysis/analyze';
import type { DesignError } from '../../errors';
import type { ErrorDetail } from '../../messages';
import { writeFileAtomic } from '../fs-atomic';
import { assertWithinMemoryBudget, type MemoryBudget } from '../limits';
import { TrainingControl } from '../train/control';
import type { Dataset, DatasetSpec } from '../train/data/types';
import { errorEvent, runTraining } from '../train/loop';
import type { BackendSelection } from '../train/backends/select';

/** Options of `runSearch`. */
export interface SearchOptions {
  tf: Tf;
  document: DesignDocument;
  space: SearchSpace;
  dataset: Dataset;
  datasetSpec?: DatasetSpec;
  /** How many candidates to draw. */
  budget: number;
  method: 'random' | 'halving';
  /** Batches per candidate training (the first round's, for halving). */
  batches: number;
  seed: number;
  outDir: string;
  backend: BackendSelection;
  /** Progress lines for the user. */
  log?: (line: string) => void;
  /** Overrides for every training (batch size, test limit, ...). */
  overrides?: TrainingOverrides;
  /** Receives the search's progress (the app's worker streams these to the search panel). */
  emit?: (event: SearchEvent) => void;
  /** Stops the search: the training in progress ends after its current step and no other starts. */
  control?: TrainingControl;
  /** The memory a training may take (default: `memoryBudget()`, as for every training). */
  memoryBudget?: MemoryBudget;
}

/** Why a feasible candidate is still too big to train on this machine (the training worker's check), or null. */
function overBudget(o: SearchOptions, c: Candidate): Refusal | null {
  const batchSize = o.overrides?.batchSize ?? c.doc.training.batchSize;
  try {
    assertWithinMemoryBudget(analyzeDesign(c.doc, { batchSize }), { use: 'train', batch: batchSize }, o.memoryBudget);
    return null;
  } catch (err) {
    const detail = (err as DesignError).detail as ErrorDetail | undefined;
    if (detail) return refusal(detail);
    throw err;
  }
}

/** One candidate in the results. */
export interface CandidateResult {
  id: string;
  choice: Record<string, unknown>;
  params: number;
  macs: number;
  rejected: string | null;
  /** The refusal by code + values, when refused. */
  rejectedDetail?: ErrorDetail;
  /** Test accuracy of its last (longest) training; null when rejected or failed. */
  accuracy: number | null;
  /** Why its training failed (diverged, could not compile, ...); the search goes on without it. */
  failed?: string;
  /** The failure by code + values, when the training said it by code. */
  failedDetail?: ErrorDetail;
  /** Batches of that training. */
  batches: number | null;
  runDir: string | null;
  seconds: number | null;
}

/** What `runSearch` returns and writes to `search.json`. */
export interface SearchResult {
  format: 'layerloom.search';
  version: 1;
  method: 'random' | 'halving';
  status: 'completed' | 'stopped';
  seed: number;
  space: SearchSpace;
  candidates: CandidateResult[];
  /** Ids on the accuracy-vs-MACs Pareto front, cheapest first. */
  front: string[];
  /** The most accurate candidate. */
  best: string | null;
  seconds: number;
}

/** Trains one candidate for `batches` batches (one epoch capped there); returns its test accuracy and run folder. */
async function trainCandidate(o: SearchOptions, c: Candidate, batches: number, round: number): Promise<{ accuracy: number; runDir: string; seconds: number; stopped: boolean }> {
  const runDir = path.join(o.outDir, `${c.id}-r${round}`);
  const events: TrainingEvent[] = [];
  const finished = await runTraining({
    tf: o.tf, document: c.doc, dataset: o.dataset, datasetSpec: o.datasetSpec, outDir: runDir, backend: o.backend, control: o.control ?? new TrainingControl(),
    overrides: { seed: o.seed, validationSplit: 0, ...o.overrides, epochs: 1, maxBatchesPerEpoch: batches },
    emit: (e) => events.push(e),
  });
  return { accuracy: finished.testAccuracy ?? 0, runDir, seconds: finished.seconds, stopped: finished.status === 'stopped' };
}

/** Runs the search to the end and writes `search.json` in `outDir`. */
export async function runSearch(o: SearchOptions): Promise<SearchResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => undefined);
  const emit = o.emit ?? (() => undefined);
  const candidates = drawCandidates(o.document, o.space, o.budget, o.seed).map((c) => {
    const refused = c.rejected ? null : overBudget(o, c);
    return refused ? { ...c, rejected: refused.reason, rejectedDetail: refused.detail } : c;
  });
  const results = new Map<string, CandidateResult>(candidates.map((c) => [c.id, { id: c.id, choice: c.choice, params: c.params, macs: c.macs, rejected: c.rejected, ...(c.rejectedDetail ? { rejectedDetail: c.rejectedDetail } : {}), accuracy: null, batches: null, runDir: null, seconds: null }]));
  emit({ type: 'drawn', method: o.method, backend: o.backend.name, space: o.space, candidates: candidates.map((c) => ({ id: c.id, choice: c.choice, params: c.params, macs: c.macs, rejected: c.rejected, ...(c.rejectedDetail ? { rejectedDetail: c.rejectedDetail } : {}) })) });
  for (const c of candidates) if (c.rejected) log(`${c.id} ${JSON.stringify(c.choice)}: refused before training: ${c.rejected}`);
  let alive = candidates.filter((c) => !c.rejected);
  log(`${alive.length} of ${candidates.length} candidates fit the constraints; ${o.method === 'halving' ? 'successive halving' : 'random search'}`);
  let batches = o.batches;
  let stopped = false;
  for (let round = 1; alive.length > 0 && !stopped; round++) {
    for (const c of alive) {
      if (o.control?.stopRequested) {
        stopped = true;
        break;
      }
      emit({ type: 'training', id: c.id, round, batches });
      let r: Awaited<ReturnType<typeof trainCandidate>>;
      try {
        r = await trainCandidate(o, c, batches, round);
      } catch (err) {
        const { message, detail } = errorEvent(err);
        Object.assign(results.get(c.id)!, { failed: message, ...(detail ? { failedDetail: detail as ErrorDetail } : {}), accuracy: null });
        emit({ type: 'failed', id: c.id, round, message, ...(detail ? { detail } : {}) });
        log(`round ${round}: ${c.id} ${JSON.stringify(c.choice)} failed: ${message}`);
        continue;
      }
      // A training cut short by Stop is not a fair point on the plot: it is left out.
      if (r.stopped) {
        stopped = true;
        break;
      }
      Object.assign(results.get(c.id)!, { accuracy: r.accuracy, batches, runDir: r.runDir, seconds: r.seconds });
      emit({ type: 'trained', id: c.id, round, batches, accuracy: r.accuracy, seconds: r.seconds, run: path.relative(o.outDir, r.runDir) });
      log(`round ${round}: ${c.id} ${JSON.stringify(c.choice)} → accuracy ${(r.accuracy * 100).toFixed(1)}% (${batches} batches, ${c.macs.toLocaleString('en-US')} MACs)`);
    }
    if (stopped || o.method === 'random' || alive.length === 1) break;
    alive = alive.filter((c) => results.get(c.id)!.accuracy !== null).sort((a, b) => results.get(b.id)!.accuracy! - results.get(a.id)!.accuracy!).slice(0, Math.ceil(alive.length / 2));
    if (alive.length === 1 && round > 1) break;
    batches *= 2;
  }
  const trained = [...results.values()].filter((r) => r.accuracy !== null) as Array<CandidateResult & { accuracy: number }>;
  const front = paretoFront(trained).map((r) => r.id);
  const best = trained.length ? trained.reduce((a, b) => (b.accuracy > a.accuracy ? b : a)).id : null;
  const result: SearchResult = {
    format: 'layerloom.search', version: 1, method: o.method, status: stopped ? 'stopped' : 'completed', seed: o.seed, space: o.space,
    candidates: [...results.values()], front, best, seconds: (performance.now() - t0) / 1000,
  };
  await writeFileAtomic(path.join(o.outDir, 'search.json'), JSON.stringify(result, null, 2) + '\n');
  emit({ type: 'finished', status: result.status, front, best, seconds: result.seconds });
  return result;
}
