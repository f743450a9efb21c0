/** Test support shared by the multi-output training tests of the tfjs path and the torch backend. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { eventSchema, type TrainingEvent, type TrainingEventOf } from '../../../contract/training-protocol';
import type { DesignDocument } from '../../schema/document';
import { TrainingControl } from './control';
import type { Dataset } from './data/types';
import { runTraining, type BackendInfo } from './loop';

/** Six batches of 32 from 320 examples of `dataset`, one epoch, fixed seed; every event checked against the protocol. */
export async function trainBriefly(tf: typeof TF, document: DesignDocument, dataset: Dataset, backend: BackendInfo, readbackEvery?: number) {
  const events: TrainingEvent[] = [];
  const finished = await runTraining({
    tf,
    document,
    dataset,
    overrides: { limitTrain: 320, limitTest: 64, batchSize: 32, epochs: 1, validationSplit: 0.2, maxBatchesPerEpoch: 6, learningRate: 0.01, seed: 3 },
    outDir: mkdtempSync(join(tmpdir(), `layerloom-multio-${backend.name}-`)),
    backend,
    emit: (e) => events.push(eventSchema.parse(e)),
    control: new TrainingControl(),
    ...(readbackEvery ? { readbackEvery } : {}),
  });
  return { finished, events };
}

/** Per training step of a `twoHeadCnn` run: the total loss and the losses of its `output` and `aux_output` heads. */
export function headStepLosses(events: TrainingEvent[]): { loss: number; main: number; aux: number }[] {
  const batches = events.filter((e): e is TrainingEventOf<'batch'> => e.type === 'batch');
  return batches.flatMap((b) => b.loss.map((loss, i) => ({ loss: loss!, main: b.outputLosses!.output[i]!, aux: b.outputLosses!.aux_output[i]! })));
}
