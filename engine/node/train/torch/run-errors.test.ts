/**
 * What the torch backend refuses before it trains, with messages that name the problem: a design its PyTorch
 * export cannot express, and data that does not fit the design (the same `data-mismatch` as the tfjs loop).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../../build/design-builder';
import { TrainingControl } from '../control';
import { loadDataset } from '../data/dataset';
import { errorEvent } from '../loop';
import { tinyCnn } from '../test-fixtures';
import { findTorch } from './python';
import { runTorchTraining } from './run';

const torch = await findTorch();
if (!torch.ok) console.log(`SKIP torch refusals: ${torch.reason}`);

function attempt(document: ReturnType<typeof tinyCnn>) {
  const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-torch-refuse-'));
  const run = runTorchTraining({
    tf,
    document,
    dataset: loadDataset({ kind: 'default' }),
    overrides: { epochs: 1, limitTrain: 64, limitTest: 32 },
    outDir,
    backend: { name: 'torch', reason: 'test', skipped: [] },
    emit: () => {},
    control: new TrainingControl(),
  });
  return { outDir, run };
}

describe.skipIf(!torch.ok)('torch backend refusals', () => {
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

  it('data that does not fit the design: the same data-mismatch as the tfjs loop', async () => {
    const { run } = attempt(tinyCnn(10, [32, 32, 3]));
    const err = await run.then(() => null, (e: unknown) => e);
    expect(errorEvent(err)).toMatchObject({ code: 'data-mismatch', message: expect.stringMatching(/input is 32×32×3 .* 28×28×1/), path: 'nodes[0].params.shape' });
  });
});
