/**
 * Knowledge distillation: the loss is what Hinton et al. define, a wrong teacher is refused by name, and on the
 * embedded Fashion-MNIST subset a small student trained on few labels learns more with a teacher than alone
 * (same seeds and data, mean of several runs; the margin is printed).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../build/design-builder';
import type { DesignDocument } from '../../schema/document';
import type { TrainingOverrides } from '../../../contract/training-protocol';
import { registerWasmTraining } from './backends/wasm/index';
import { TrainingControl } from './control';
import { loadDataset } from './data/dataset';
import type { Dataset } from './data/types';
import { distillationLoss, loadTeacher, soften } from './distill';
import { lossFunction } from './evaluate';
import { runTraining } from './loop';

let data: Dataset;
beforeAll(async () => {
  // The wasm training backend, one thread: fast enough for a real teacher, and the same sums on every run.
  await registerWasmTraining(tf as never, { threads: 1 });
  data = loadDataset({ kind: 'default' });
});

/** Flatten → [Dense(hidden, relu)] → Dense(10, softmax): dense nets train quickly on the cpu backend. */
function mlp(name: string, hidden: number | null): DesignDocument {
  const b = new DesignBuilder(name);
  let x = b.add('Flatten', {}, b.input([28, 28, 1]), 'flatten');
  if (hidden) x = b.add('Dense', { units: hidden, activation: 'relu' }, x, 'hidden');
  b.output(b.add('Dense', { units: 10, activation: 'softmax' }, x, 'logits'));
  return b.build();
}

async function train(document: DesignDocument, overrides: TrainingOverrides) {
  const events: { type: string; message?: string }[] = [];
  const outDir = mkdtempSync(join(tmpdir(), 'layerloom-distill-'));
  const finished = await runTraining({
    tf, document, dataset: data, overrides: { validationSplit: 0, limitTest: 2000, ...overrides }, outDir,
    backend: { name: 'wasm', reason: 'test', skipped: [] }, emit: (e) => events.push(e), control: new TrainingControl(),
  });
  return { finished, events, outDir };
}

describe('distillation loss', () => {
  const hard = lossFunction(tf, 'categoricalCrossentropy');
  const y = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
  const pred = tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]);

  it('is the hard-label loss at alpha 0, and T²·KL alone at alpha 1 (zero when the student matches the teacher)', () => {
    const soft = soften(tf, pred, 4);
    expect(distillationLoss(tf, hard, { temperature: 4, alpha: 0 }, y, pred, soft).dataSync()[0]).toBeCloseTo(hard(y, pred).dataSync()[0], 6);
    expect(distillationLoss(tf, hard, { temperature: 4, alpha: 1 }, y, pred, soft).dataSync()[0]).toBeCloseTo(0, 6);
    const other = soften(tf, tf.tensor2d([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]]), 4);
    const kl = distillationLoss(tf, hard, { temperature: 4, alpha: 1 }, y, pred, other).dataSync()[0];
    // By hand: softmax(log p / T) of each row, KL(q ‖ p) averaged, times T² = 16.
    const row = (p: number[]) => {
      const e = p.map((v) => Math.pow(v, 1 / 4));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    const klRow = (q: number[], p: number[]) => q.reduce((a, qi, i) => a + qi * Math.log(qi / p[i]), 0);
    const want = 16 * (klRow(row([0.2, 0.7, 0.1]), row([0.7, 0.2, 0.1])) + klRow(row([0.6, 0.3, 0.1]), row([0.1, 0.3, 0.6]))) / 2;
    expect(kl).toBeCloseTo(want, 5);
  });

  it('softening with T = 1 keeps the probabilities; a higher T flattens them', () => {
    expect(Array.from(soften(tf, pred, 1).dataSync())).toEqual(Array.from(pred.dataSync()).map((v) => expect.closeTo(v, 6)));
    const hot = soften(tf, pred, 10).arraySync() as number[][];
    expect(Math.max(...hot[0])).toBeLessThan(0.7);
  });
});

describe('distillation in a training run', () => {
  it('refuses a teacher that does not fit the data, or no run folder, naming it', async () => {
    const teacher = await train(mlp('teacher', 8), { limitTrain: 64, batchSize: 32, epochs: 1 });
    const cfg = { teacher: teacher.outDir, temperature: 2, alpha: 0.5 };
    await expect(loadTeacher(tf, cfg, [32, 32, 3], 10)).rejects.toThrow(`teacher ${teacher.outDir} takes 28×28×1 inputs but the student's data is 32×32×3`);
    await expect(loadTeacher(tf, cfg, [28, 28, 1], 4)).rejects.toThrow(`teacher ${teacher.outDir} predicts [10] but the data has 4 classes`);
    await expect(train(mlp('student', null), { teacher: join(teacher.outDir, 'missing') })).rejects.toThrow(/teacher: .*missing: no such run folder/);
  });

  it('a small student trained on few labels learns more from a teacher than alone (mean of 5 seeds)', async () => {
    // The teacher sees 8,000 labelled examples; the students only the first 300 (the teacher's soft targets on
    // those 300 carry what it learned from the rest: Hinton et al.'s "dark knowledge").
    const teacher = await train(mlp('teacher', 256), { limitTrain: 8000, batchSize: 64, epochs: 6, learningRate: 0.002, seed: 1 });
    // Seeds fix everything (initial weights included), so the margin is the same on every run. Measured here:
    // T = 2, α = 0.5 gains about 0.6 points; T = 4, α = 0.9 loses about 2 (with this few labels the student then
    // mostly copies an 82% teacher's mistakes).
    const student = mlp('student', 32);
    const common = { limitTrain: 300, batchSize: 32, epochs: 15, learningRate: 0.003 };
    const alone: number[] = [];
    const distilled: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      alone.push((await train(student, { ...common, seed })).finished.testAccuracy!);
      const d = await train(student, { ...common, seed, teacher: teacher.outDir, temperature: 2, alpha: 0.5 });
      distilled.push(d.finished.testAccuracy!);
      if (seed === 1) {
        const record = JSON.parse(readFileSync(d.finished.recordPath, 'utf8'));
        expect(record.distillation).toMatchObject({ teacher: teacher.outDir, temperature: 2, alpha: 0.5, teacherTestAccuracy: teacher.finished.testAccuracy, studentTestAccuracy: d.finished.testAccuracy });
        expect(d.events.some((e) => e.type === 'log' && /distillation: teacher test accuracy/.test(e.message ?? ''))).toBe(true);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const margin = mean(distilled) - mean(alone);
    console.log(`distillation: teacher ${(teacher.finished.testAccuracy! * 100).toFixed(1)}%; student alone ${alone.map((a) => (a * 100).toFixed(1)).join('/')}% (mean ${(mean(alone) * 100).toFixed(2)}%), distilled ${distilled.map((a) => (a * 100).toFixed(1)).join('/')}% (mean ${(mean(distilled) * 100).toFixed(2)}%), margin ${(margin * 100).toFixed(2)} points`);
    expect(margin).toBeGreaterThan(0);
  }, 240_000);
});
