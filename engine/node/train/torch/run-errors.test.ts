/**
 * How torch runs refuse or end other than by completing, with messages that name the problem: a design its PyTorch
 * export cannot express, `--gpus N` without the GPUs, data that does not fit the design (the same `data-mismatch`
 * as the tfjs loop), a diverging loss, early stopping, and a damaged checkpoint.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../../build/design-builder';
import type { TrainingEvent, TrainingOverrides } from '../../../../contract/training-protocol';
import { TrainingControl } from '../control';
import { loadDataset } from '../data/dataset';
import { errorEvent } from '../loop';
import { tinyCnn } from '../test-fixtures';
import { findTorch } from './python';
import { runTorchTraining } from './run';

const torch = await findTorch();
if (!torch.ok) console.log(`SKIP torch refusals: ${torch.reason}`);

function attempt(document: ReturnType<typeof tinyCnn>, overrides: TrainingOverrides = { epochs: 1, limitTrain: 64, limitTest: 32 }) {
  const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-torch-refuse-'));
  const events: TrainingEvent[] = [];
  const run = runTorchTraining({
    tf,
    document,
    dataset: loadDataset({ kind: 'default' }),
    overrides,
    outDir,
    backend: { name: 'torch', reason: 'test', skipped: [] },
    emit: (e) => events.push(e),
    control: new TrainingControl(),
  });
  return { outDir, run, events };
}

describe.skipIf(!torch.ok)('torch backend refusals and endings', () => {
  it('a design the PyTorch export cannot express: backend-unavailable naming the layer, nothing written', async () => {
    await tf.setBackend('cpu');
    const b = new DesignBuilder('one-sided batchnorm');
    let x = b.input([28, 28, 1]);
    x = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], activation: 'relu' }, x, 'conv');
    x = b.add('BatchNormalization', { center: true, scale: false }, x, 'bn_center_only');
    x = b.add('Flatten', {}, x, 'flat');
    x = b.add('Dense', { units: 10, activation: 'softmax' }, x, 'out');
    b.output(x);
    const { outDir, run } = attempt(b.build());
    const err = await run.then(() => null, (e: unknown) => e);
    expect(errorEvent(err)).toMatchObject({ code: 'backend-unavailable', message: expect.stringMatching(/torch backend .*cannot express: .*bn_center_only.*only one of center\/scale/) });
    expect(existsSync(path.join(outDir, 'run.json'))).toBe(false);
  });

  it('--gpus 2 without CUDA: backend-unavailable with the reason, before any training', async () => {
    const { outDir, run } = attempt(tinyCnn(), { epochs: 1, limitTrain: 64, limitTest: 32, gpus: 2 });
    const err = await run.then(() => null, (e: unknown) => e);
    if (torch.ok && torch.device === 'cuda' && torch.cudaDevices >= 2) return; // a multi-GPU machine can run it
    expect(errorEvent(err)).toMatchObject({ code: 'backend-unavailable', message: expect.stringMatching(/--gpus 2 (needs CUDA GPUs|asks for more GPUs)/) });
    expect(existsSync(path.join(outDir, 'run.json'))).toBe(false);
  });

  it('data that does not fit the design: the same data-mismatch as the tfjs loop', async () => {
    const { run } = attempt(tinyCnn(10, [32, 32, 3]));
    const err = await run.then(() => null, (e: unknown) => e);
    expect(errorEvent(err)).toMatchObject({ code: 'data-mismatch', message: expect.stringMatching(/input is 32×32×3 .* 28×28×1/), path: 'nodes[0].params.shape' });
  });

  it('a loss that stops being finite ends the run as non-finite-loss with a diverged record', async () => {
    // Linear convolutions let a huge learning rate overflow the logits (relu units would just die), as in loop.test.ts.
    const { outDir, run } = attempt(tinyCnn(10, [28, 28, 1], 'linear'), { epochs: 1, limitTrain: 640, limitTest: 32, optimizer: 'sgd', momentum: 0, learningRate: 1e30, batchSize: 32 });
    const err = await run.then(() => null, (e: unknown) => e);
    expect(errorEvent(err)).toMatchObject({ code: 'non-finite-loss', message: expect.stringMatching(/the loss became (NaN|Infinity|-Infinity) at epoch 1, batch \d+ .*No epoch had completed/) });
    expect(JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8')).status).toBe('diverged');
  });

  it('early stopping: the worker-side policy ends the torch run when the monitored loss stops improving', async () => {
    // A learning rate this small leaves the weights (and so the training loss) as they were: no epoch improves on the first.
    const { run, events } = attempt(tinyCnn(), { epochs: 6, limitTrain: 256, limitTest: 32, validationSplit: 0.25, learningRate: 1e-30, earlyStoppingPatience: 2, batchSize: 64 });
    const fin = await run;
    expect(fin).toMatchObject({ status: 'early-stopped', epochs: 3 });
    expect(events.filter((e) => e.type === 'checkpoint' && e.kind === 'best')).toHaveLength(1);
    expect(events.some((e) => e.type === 'log' && /early stopping/.test(e.message))).toBe(true);
  });

  it('a damaged checkpoint: the trainer failure names the file, with the Python trace in the log', async () => {
    const first = attempt(tinyCnn(), { epochs: 1, limitTrain: 64, limitTest: 32, batchSize: 32 });
    await first.run;
    const ckpt = path.join(first.outDir, 'checkpoints', 'last');
    writeFileSync(path.join(ckpt, 'torch-optimizer.pt'), 'not a checkpoint');
    const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-torch-resume-'));
    const events: TrainingEvent[] = [];
    const err = await runTorchTraining({
      tf,
      document: tinyCnn(),
      dataset: loadDataset({ kind: 'default' }),
      overrides: { epochs: 2, limitTrain: 64, limitTest: 32, batchSize: 32 },
      outDir,
      resumeFrom: ckpt,
      backend: { name: 'torch', reason: 'test', skipped: [] },
      emit: (e) => events.push(e),
      control: new TrainingControl(),
    }).then(() => null, (e: unknown) => e);
    expect(errorEvent(err)).toMatchObject({ code: 'internal', message: expect.stringMatching(/PyTorch trainer failed: ValueError: cannot read the PyTorch optimizer state .*torch-optimizer\.pt/) });
    // An internal error by code too: its reason is the English technical text, the whole message.
    expect(errorEvent(err).detail).toEqual({ code: 'internal', values: { reason: errorEvent(err).message } });
    expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /Traceback|File ".*trainer\.py"/.test(e.message))).toBe(true);
  });
});
