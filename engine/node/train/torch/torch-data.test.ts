/**
 * The data hand-over keeps the layout: a CIFAR-format folder (32×32×3) whose class is where, and in which colour
 * channel, a bright patch sits is learnt by the torch backend, and the tfjs model written to the run folder
 * classifies the same test images as PyTorch did. Had the pixels reached PyTorch in another layout (rows for
 * columns, channels for rows), the model trained in one layout and evaluated in the other would not agree.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModelFiles } from '../../model-files';
import { TrainingControl } from '../control';
import { loadDataset, makeBatch } from '../data/dataset';
import { tinyCnn } from '../test-fixtures';
import { findTorch } from './python';
import { runTorchTraining } from './run';

const torch = await findTorch();
if (!torch.ok) console.log(`SKIP torch data layout: ${torch.reason}`);

/** CIFAR-10 binary records (label, then 1,024 R, 1,024 G, 1,024 B): class k = an 8×8 patch in channel k % 3. */
function cifarRecords(count: number, seed: number): Uint8Array {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) / 255;
  const out = new Uint8Array(count * 3073);
  for (let i = 0; i < count; i++) {
    const k = i % 10;
    const rec = out.subarray(i * 3073, (i + 1) * 3073);
    rec[0] = k;
    const [r0, c0, ch] = [Math.floor(k / 4) * 8 + 4, (k % 4) * 8, k % 3];
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const lit = c === ch && y >= r0 && y < r0 + 8 && x >= c0 && x < c0 + 8;
          rec[1 + c * 1024 + y * 32 + x] = Math.round(255 * (lit ? 0.8 + 0.2 * rnd() : 0.3 * rnd()));
        }
      }
    }
  }
  return out;
}

describe.skipIf(!torch.ok)('torch backend data layout (CIFAR folder, RGB)', () => {
  it('learns a where-and-which-channel rule, and the run folder tfjs model agrees with PyTorch on the test set', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-cifar-'));
    writeFileSync(path.join(dir, 'data_batch_1.bin'), cifarRecords(400, 1));
    writeFileSync(path.join(dir, 'test_batch.bin'), cifarRecords(100, 2));
    const dataset = loadDataset({ kind: 'cifar', dir });
    const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-torch-cifar-'));
    const fin = await runTorchTraining({
      tf,
      document: tinyCnn(10, [32, 32, 3]),
      dataset,
      overrides: { epochs: 6, batchSize: 20, optimizer: 'adam', learningRate: 0.01, validationSplit: 0, schedule: 'constant' },
      outDir,
      backend: { name: 'torch', reason: 'test', skipped: [] },
      emit: () => {},
      control: new TrainingControl(),
    });
    expect(fin.testAccuracy).toBeGreaterThan(0.8);
    const model = await loadModelFiles(tf, path.join(outDir, 'model', 'model.json'));
    const batch = makeBatch(dataset.test, Array.from({ length: 100 }, (_, i) => i), 10);
    const predicted = (model.predict(tf.tensor4d(batch.x, [100, 32, 32, 3])) as tf.Tensor).argMax(-1).dataSync();
    model.dispose();
    // Same per-class prediction counts as PyTorch's confusion matrix (the order of examples is the test set's).
    const tfjsMatrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < 100; i++) tfjsMatrix[batch.labels[i]][predicted[i]]++;
    expect(tfjsMatrix).toEqual(fin.confusionMatrix);
  }, 120_000);
});
