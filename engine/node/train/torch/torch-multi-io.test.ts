/**
 * The torch backend on designs with several Input and Output blocks, as the tfjs loop trains them (heads.ts): every
 * output learns the one label, the loss is Σ weightᵢ · lossᵢ, each output's loss arrives in the batch, epoch-end and
 * finished events, every input of the same shape gets the same image, and the run folder's tfjs model loads.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingEventOf } from '../../../../contract/training-protocol';
import type { DesignDocument } from '../../../schema/document';
import { loadModelFiles } from '../../model-files';
import { loadDataset } from '../data/dataset';
import { twoHeadCnn } from '../test-fixtures';
import { headStepLosses, trainBriefly } from '../test-multi-io';
import { findTorch } from './python';

const torch = await findTorch();
if (!torch.ok) console.log(`SKIP torch backend with several inputs and outputs: ${torch.reason}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const train = (document: DesignDocument) => trainBriefly(tf, document, loadDataset({ kind: 'default' }), { name: 'torch', reason: 'test', skipped: [] });

describe.skipIf(!torch.ok)('torch backend with several inputs and outputs', () => {
  it('trains a two-head design: both losses in the events, the loss their weighted sum, the tfjs model loads', async () => {
    const { finished, events } = await train(twoHeadCnn({ auxWeight: 0.3 }));
    expect(finished.status).toBe('completed');
    const steps = headStepLosses(events);
    expect(steps).toHaveLength(6);
    for (const s of steps) {
      expect(s.main).toBeGreaterThan(0);
      expect(s.aux).toBeGreaterThan(0);
      expect(Math.abs(s.loss - (s.main + 0.3 * s.aux))).toBeLessThan(1e-4);
    }
    // Separate heads: their losses differ.
    expect(steps.some((s) => Math.abs(s.main - s.aux) > 1e-4)).toBe(true);
    const epoch = events.find((e): e is TrainingEventOf<'epoch-end'> => e.type === 'epoch-end')!;
    expect(Object.keys(epoch.outputLosses!)).toEqual(['output', 'aux_output']);
    expect(Math.abs(epoch.loss - (epoch.outputLosses!.output + 0.3 * epoch.outputLosses!.aux_output))).toBeLessThan(1e-4);
    expect(Object.keys(epoch.valOutputLosses!)).toEqual(['output', 'aux_output']);
    expect(Math.abs(epoch.valLoss! - (epoch.valOutputLosses!.output + 0.3 * epoch.valOutputLosses!.aux_output))).toBeLessThan(1e-4);
    expect(events.some((e) => e.type === 'log' && /all 2 outputs learn it.*accuracy is read from output/.test(e.message))).toBe(true);
    expect(Math.abs(finished.testLoss! - (finished.testOutputLosses!.output + 0.3 * finished.testOutputLosses!.aux_output))).toBeLessThan(1e-4);
    expect(finished.confusionMatrix!.flat().reduce((a, b) => a + b, 0)).toBe(64);
    // The run folder's tfjs model loads, with both heads, and its main head's test loss matches PyTorch's.
    const model = await loadModelFiles(tf, path.join(finished.modelPath, 'model.json'));
    try {
      expect(model.outputs).toHaveLength(2);
      const ds = loadDataset({ kind: 'default' });
      const n = 64;
      const px = ds.test.images.slice(0, n * 784);
      const x = tf.tensor4d(Float32Array.from(px, (v) => v / 255), [n, 28, 28, 1]);
      const outs = model.predict(x) as tf.Tensor[];
      const y = tf.oneHot(tf.tensor1d(Array.from(ds.test.labels.slice(0, n)), 'int32'), 10);
      const mainLoss = tf.mean(tf.metrics.categoricalCrossentropy(y, outs[0])).dataSync()[0];
      expect(Math.abs(mainLoss - finished.testOutputLosses!.output)).toBeLessThan(1e-3);
      tf.dispose([x, y, ...outs]);
    } finally {
      model.dispose();
    }
  });

  it('feeds the same image to two inputs of the same shape', async () => {
    const { finished, events } = await train(twoHeadCnn({ twoInputs: [28, 28, 1] }));
    expect(finished.status).toBe('completed');
    expect(events.some((e) => e.type === 'log' && /all 2 inputs are fed the same image/.test(e.message))).toBe(true);
    expect(Object.keys(finished.testOutputLosses!)).toEqual(['output', 'aux_output']);
  });
});
