/** The training backend a command asked for, as the CLI reports it. */
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendChoice } from '../contract/training-protocol';
import { BackendUnavailableError, selectBackend, type BackendSelection } from '../engine/node/train/backends/select';
import { CliError } from './cli-error';

/** Selects `choice` (or the fastest that loads for `auto`); a forced backend that cannot load is a `CliError` saying why. */
export async function selectCliBackend(tf: typeof tfjs, choice: BackendChoice): Promise<BackendSelection> {
  try {
    return await selectBackend(tf, choice);
  } catch (err) {
    if (err instanceof BackendUnavailableError) throw new CliError(`${err.message}. Use --backend auto to pick the fastest that loads.`);
    throw err;
  }
}
