/**
 * `--gpus N`'s code path without GPUs: the same torchrun command line and trainer.py's DistributedDataParallel
 * branch, run as two CPU processes over gloo (allowed for tests only; the product refuses --gpus N without CUDA).
 * What it checks: only rank 0 speaks (one `started`, one `epoch-end` per epoch), the epoch loop, checkpoints and
 * the final weights work across processes, and the run finishes. NCCL on real GPUs is not exercised here.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../../../../contract/training-protocol';
import { TrainingControl } from '../control';
import { loadDataset } from '../data/dataset';
import { tinyCnn } from '../test-fixtures';
import { findTorch } from './python';
import { runTorchTraining } from './run';

const torch = await findTorch();
if (!torch.ok) console.log(`SKIP DDP on CPU: ${torch.reason}`);
else if (!torch.distributed) console.log(`SKIP DDP on CPU: PyTorch ${torch.torch} has no torch.distributed`);

describe.skipIf(!torch.ok || !torch.distributed)('torch backend, DistributedDataParallel (2 CPU processes, gloo)', () => {
  it('trains under torchrun with events from rank 0 only', async () => {
    await tf.setBackend('cpu');
    const events: TrainingEvent[] = [];
    const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-ddp-'));
    const dataset = loadDataset({ kind: 'default' });
    const finished = await runTorchTraining(
      {
        tf,
        document: tinyCnn(),
        dataset,
        overrides: { epochs: 2, batchSize: 16, limitTrain: 400, limitTest: 100, validationSplit: 0.2 },
        outDir,
        backend: { name: 'torch', reason: 'test', skipped: [] },
        emit: (e) => events.push(e),
        control: new TrainingControl(),
      },
      { gpus: 2, allowCpuDistributed: true, threads: 1 },
    );
    expect(finished).toMatchObject({ status: 'completed', epochs: 2 });
    expect(events.find((e) => e.type === 'log' && /2 processes/.test(e.message))).toBeTruthy();
    // 320 training examples over 2 processes × batch 16: 10 steps per epoch, each rank a different half.
    expect(events.find((e) => e.type === 'started')).toMatchObject({ batchesPerEpoch: 10 });
    expect(events.filter((e) => e.type === 'epoch-end').map((e) => (e as { epoch: number }).epoch)).toEqual([0, 1]);
    expect(events.filter((e) => e.type === 'batch').flatMap((e) => (e as { loss: unknown[] }).loss)).toHaveLength(20);
    expect(finished.confusionMatrix!.flat().reduce((a, b) => a + b, 0)).toBe(100);
    const state = JSON.parse(readFileSync(path.join(outDir, 'checkpoints', 'last', 'state.json'), 'utf8'));
    expect(state.epochsDone).toBe(2);
  }, 180_000);
});
