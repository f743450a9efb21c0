/**
 * The checkpoint and early-stopping policy, as a pure transition: given the state after the previous epoch
 * and this epoch's record, the next state, whether this epoch is the best so far (write the `best`
 * checkpoint) and whether to stop early. The monitored value is the validation loss, or the training loss
 * when there is no validation split.
 */
import type { CheckpointState, EpochRecord } from './checkpoint';

/** The state a fresh run starts from. */
export const INITIAL_STATE: CheckpointState = { version: 1, epochsDone: 0, bestValLoss: null, epochsSinceBest: 0, history: [] };

/** What `afterEpoch` decides. */
export interface EpochDecision {
  state: CheckpointState;
  /** The monitored loss improved: keep this epoch as the best checkpoint. */
  improved: boolean;
  /** Patience ran out before the last epoch: end the run as early-stopped. */
  stopEarly: boolean;
}

/** The transition after one completed epoch (`patience` 0 turns early stopping off). */
export function afterEpoch(state: CheckpointState, rec: EpochRecord, patience: number, epochs: number): EpochDecision {
  const monitored = rec.valLoss ?? rec.loss;
  const improved = state.bestValLoss === null || monitored < state.bestValLoss;
  const next: CheckpointState = {
    ...state,
    epochsDone: rec.epoch + 1,
    history: [...state.history, rec],
    bestValLoss: improved ? monitored : state.bestValLoss,
    epochsSinceBest: improved ? 0 : state.epochsSinceBest + 1,
  };
  const stopEarly = patience > 0 && next.epochsSinceBest >= patience && rec.epoch + 1 < epochs;
  return { state: next, improved, stopEarly };
}
