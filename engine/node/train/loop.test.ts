import { existsSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingControl } from './control';
import { loadDataset } from './data/dataset';
import type { Dataset } from './data/types';
import { errorEvent, runTraining, TrainingFailure, type RunOptions } from './loop';
import { errorDetailEnglish, type TrainingErrorDetail } from '../../messages';
import type { TrainingEvent, TrainingOverrides } from '../../../contract/training-protocol';
import { tinyCnn } from './test-fixtures';

let data: Dataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadDataset({ kind: 'default' });
});

const outDir = () => mkdtempSync(join(tmpdir(), 'layerloom-train-'));

async function train(overrides: TrainingOverrides, extra: Partial<RunOptions> = {}) {
  const events: TrainingEvent[] = [];
  const control = extra.control ?? new TrainingControl();
  const out = extra.outDir ?? outDir();
  const base = { limitTrain: 600, limitTest: 200, batchSize: 32, epochs: 1, validationSplit: 0.2 };
  const finished = await runTraining({
    tf,
    document: tinyCnn(),
    dataset: data,
    overrides: { ...base, ...overrides },
    outDir: out,
    backend: { name: 'cpu', reason: 'test', skipped: [] },
    emit: (e) => events.push(e),
    control,
    ...extra,
  });
  return { finished, events, out };
}

const batchLosses = (events: TrainingEvent[]) => events.flatMap((e) => (e.type === 'batch' ? e.loss : [])) as number[];

describe('training loop on the embedded Fashion-MNIST subset', () => {
  it('lowers the loss over the first batches and reports test accuracy with a confusion matrix', async () => {
    const { finished, events } = await train({ limitTrain: 2000, learningRate: 0.01, maxBatchesPerEpoch: 40 });
    const losses = batchLosses(events);
    expect(losses).toHaveLength(40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-8))).toBeLessThan(mean(losses.slice(0, 8)) * 0.75);
    expect(finished.status).toBe('completed');
    expect(finished.testAccuracy).toBeGreaterThan(0.3);
    const cm = finished.confusionMatrix!;
    expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(cm.reduce((s, row, i) => s + row[i], 0) / 200).toBeCloseTo(finished.testAccuracy!, 10);
    const record = JSON.parse(readFileSync(finished.recordPath, 'utf8'));
    expect(record.history).toHaveLength(1);
    expect(record.test.accuracy).toBe(finished.testAccuracy);
    expect(events.some((e) => e.type === 'checkpoint' && e.kind === 'best')).toBe(true);
    // Per-example test predictions agree with the confusion matrix.
    const preds = JSON.parse(readFileSync(join(finished.recordPath, '..', 'predictions.json'), 'utf8'));
    expect(preds.predicted).toHaveLength(200);
    const correct = preds.predicted.filter((p: number, i: number) => p === data.test.labels[i]).length;
    expect(correct / 200).toBeCloseTo(finished.testAccuracy!, 10);
    expect(Math.min(...preds.confidence)).toBeGreaterThan(0);
    expect(Math.max(...preds.confidence)).toBeLessThanOrEqual(1);
  });

  it('resumes from a checkpoint with the same weights and continues the epoch count', async () => {
    const first = await train({ learningRate: 0.01 });
    const ckpt = join(first.out, 'checkpoints', 'last');
    // Nothing left to train: the restored model must score exactly what the saved one did.
    const same = await train({ learningRate: 0.01 }, { resumeFrom: ckpt });
    expect(same.finished.testAccuracy).toBe(first.finished.testAccuracy);
    expect(same.finished.testLoss).toBeCloseTo(first.finished.testLoss!, 6);
    const more = await train({ learningRate: 0.01, epochs: 2 }, { resumeFrom: ckpt });
    const started = more.events.find((e) => e.type === 'started');
    expect(started && started.type === 'started' && started.startEpoch).toBe(1);
    expect(more.finished.epochs).toBe(2);
    expect(JSON.parse(readFileSync(more.finished.recordPath, 'utf8')).history.map((h: { epoch: number }) => h.epoch)).toEqual([0, 1]);
  });

  it('a kill between the checkpoint swap\'s two renames loses nothing: the previous checkpoint is put back and resumes', async () => {
    const first = await train({ learningRate: 0.01 });
    const ckpt = join(first.out, 'checkpoints', 'last');
    // What a SIGKILL after `rename(dir, old)` and before `rename(tmp, dir)` leaves behind.
    renameSync(ckpt, `${ckpt}.old-4242`);
    const resumed = await train({ learningRate: 0.01 }, { resumeFrom: ckpt });
    expect(resumed.finished.testAccuracy).toBe(first.finished.testAccuracy);
    expect(existsSync(join(ckpt, 'state.json'))).toBe(true);
    expect(existsSync(`${ckpt}.old-4242`)).toBe(false);
  });

  it('stops early when the validation loss stops improving', async () => {
    // A learning rate below float32 resolution leaves the weights unchanged, so the loss cannot improve.
    const { finished, events } = await train({ optimizer: 'sgd', momentum: 0, learningRate: 1e-30, epochs: 6, earlyStoppingPatience: 2, maxBatchesPerEpoch: 2 });
    expect(finished.status).toBe('early-stopped');
    expect(finished.epochs).toBe(3);
    expect(events.filter((e) => e.type === 'epoch-end')).toHaveLength(3);
  });

  it('stops on a non-finite loss and keeps the last good checkpoint', async () => {
    // Linear convolutions let a huge learning rate overflow the logits (with relu the units just die, and at
    // lr 1e10 the clipped cross-entropy saturates near 16 without becoming NaN).
    const linear = tinyCnn(10, [28, 28, 1], 'linear');
    const good = await train({ optimizer: 'sgd', momentum: 0, learningRate: 0.01 }, { document: linear });
    const ckpt = join(good.out, 'checkpoints', 'last');
    const before = readFileSync(join(ckpt, 'weights.bin'));
    let err: unknown;
    try {
      await train({ optimizer: 'sgd', momentum: 0, learningRate: 1e30, epochs: 3 }, { resumeFrom: ckpt, outDir: good.out, document: linear });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingFailure);
    expect((err as TrainingFailure).code).toBe('non-finite-loss');
    expect((err as Error).message).toMatch(/loss became (NaN|Infinity|-Infinity) at epoch 2.*last good checkpoint \(epoch 1\)/);
    const event = errorEvent(err);
    expect(event.detail).toMatchObject({ code: 'non-finite-loss', values: { epoch: 2, checkpointEpoch: 1, lr: '1.00e+30' } });
    expect(errorDetailEnglish(event.detail as TrainingErrorDetail)).toBe(event.message);
    expect(readFileSync(join(ckpt, 'weights.bin')).equals(before)).toBe(true);
    expect(JSON.parse(readFileSync(join(good.out, 'run.json'), 'utf8')).status).toBe('diverged');
  });

  it('reading the metrics back every few steps (as on webgpu) still reports every batch, with the same values', async () => {
    const o = { learningRate: 0.01, maxBatchesPerEpoch: 11 };
    const each = await train(o, { readbackEvery: 1 });
    const parked = await train(o, { readbackEvery: 4 });
    expect(batchLosses(parked.events)).toHaveLength(11);
    expect(batchLosses(parked.events)).toEqual(batchLosses(each.events));
    const epochEnd = (ev: TrainingEvent[]) => ev.find((e) => e.type === 'epoch-end');
    expect(epochEnd(parked.events)).toMatchObject({ loss: (epochEnd(each.events) as { loss: number }).loss });
    // The NaN guard names the same batch, though it learns of it up to three steps later.
    const linear = tinyCnn(10, [28, 28, 1], 'linear');
    const diverge = (readbackEvery: number) => train({ optimizer: 'sgd', momentum: 0, learningRate: 1e30, maxBatchesPerEpoch: 12 }, { document: linear, readbackEvery }).then(() => 'no error', (e: Error) => e.message);
    const [m1, m4] = [await diverge(1), await diverge(4)];
    expect(m1).toMatch(/loss became .* at epoch 1, batch \d+/);
    expect(m4).toBe(m1);
  });

  it('pauses, resumes and stops between steps', async () => {
    const control = new TrainingControl();
    const seen: string[] = [];
    let batches = 0;
    const events: TrainingEvent[] = [];
    const run = runTraining({
      tf,
      document: tinyCnn(),
      dataset: data,
      overrides: { limitTrain: 3000, batchSize: 16, epochs: 3, limitTest: 50 },
      outDir: outDir(),
      backend: { name: 'cpu', reason: 'test', skipped: [] },
      control,
      emit: (e) => {
        events.push(e);
        if (e.type === 'state') seen.push(e.state);
        if (e.type === 'batch') {
          batches += e.loss.length;
          if (seen.length === 0) {
            control.pause();
            setTimeout(() => control.resume(), 50);
          } else if (seen.length === 2) control.stop();
        }
      },
    });
    const finished = await run;
    expect(seen).toEqual(['paused', 'running']);
    expect(finished.status).toBe('stopped');
    expect(finished.testAccuracy).toBeNull();
    expect(batches).toBeLessThan(3000 / 16);
  });

  it('rejects a design whose output does not fit the classes, naming the field', async () => {
    await expect(train({}, { document: tinyCnn(5) })).rejects.toThrow(/nodes\[\d+\]\.params\.units: .*set the last Dense to 10 units/);
  });
});
