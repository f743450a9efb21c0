/** One optimizer step of the training loop, taking one object (was eleven positional arguments). */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import type { HostBatch } from './data/dataset';
import { distillationLoss, teacherTargets, type Teacher } from './distill';
import { accuracyOf } from './evaluate';
import { asOutputs, feedInputs, headLosses, type ModelHeads } from './heads';
import type { createTrainOptimizer } from './optim';

/** The optimizer bundle `createTrainOptimizer` returns (optimizer, L2 penalty, decoupled weight decay). */
export type TrainOptimizer = ReturnType<typeof createTrainOptimizer>;

/** What one step needs: the model and its variables, the loss, one host batch and the step's learning rate. */
export interface StepInput {
  tf: Tf;
  model: tfjs.LayersModel;
  opt: TrainOptimizer;
  /** Variables the optimizer updates. */
  trainable: tfjs.Variable[];
  /** Kernels (rank ≥ 2) that weight decay applies to. */
  kernels: tfjs.Variable[];
  /** The model's outputs with their losses and weights (one label feeds them all) and its input count. */
  heads: ModelHeads;
  batch: HostBatch;
  /** One example's shape ([h, w, c]); the batch adds its size in front. */
  exampleShape: readonly number[];
  classes: number;
  learningRate: number;
  /** Knowledge distillation: the loss also pulls towards this teacher's softened predictions. */
  teacher?: Teacher;
}

/** Runs one optimizer step; returns the batch's data loss (without the L2 term), accuracy and per-output losses. */
export async function trainStep(s: StepInput): Promise<{ loss: number; accuracy: number; outputLosses?: number[] }> {
  const kept = trainStepKept(s);
  try {
    const [l, a, each] = await Promise.all([kept.loss.data(), kept.accuracy.data(), kept.outputLosses?.data()]);
    return { loss: l[0], accuracy: a[0], ...(each ? { outputLosses: Array.from(each) } : {}) };
  } finally {
    s.tf.dispose([kept.loss, kept.accuracy, ...(kept.outputLosses ? [kept.outputLosses] : [])]);
  }
}

/** What `trainStepKept` leaves on the device for the caller: the loss (weighted over the outputs), accuracy, per-output losses. */
export interface KeptStep {
  loss: tfjs.Scalar;
  /** Accuracy of the main head. */
  accuracy: tfjs.Scalar;
  /** With several outputs: each one's loss, stacked in `heads` order. */
  outputLosses?: tfjs.Tensor1D;
}

/**
 * Runs one optimizer step without reading anything back: returns the batch's data loss and accuracy as
 * scalars the caller owns (and disposes), so a GPU backend can read several steps' metrics at once.
 */
export function trainStepKept(s: StepInput): KeptStep {
  const { tf, model, opt, kernels, heads } = s;
  const kept: { loss?: tfjs.Scalar; acc?: tfjs.Scalar; each?: tfjs.Tensor1D } = {};
  const x = tf.tensor4d(s.batch.x, [s.batch.size, ...s.exampleShape] as [number, number, number, number]);
  const y = tf.tensor2d(s.batch.y, [s.batch.size, s.classes]);
  const soft = s.teacher ? teacherTargets(tf, s.teacher, x) : null;
  try {
    const total = opt.optimizer.minimize(
      () => {
        const preds = asOutputs(model.apply(feedInputs(x, heads.inputs), { training: true }) as tfjs.Tensor | tfjs.Tensor[]);
        const pred = preds[heads.main];
        // Distillation is refused for several inputs or outputs before a run starts (loop.ts), so one head here.
        const { total: l, each } = soft && s.teacher ? { total: distillationLoss(tf, heads.heads[0].lossFn, s.teacher, y, pred, soft), each: [] } : headLosses(tf, heads, y, preds);
        kept.loss = tf.keep(l);
        kept.acc = tf.keep(accuracyOf(tf, y, pred));
        if (each.length > 1) kept.each = tf.keep(tf.stack(each) as tfjs.Tensor1D);
        const p = opt.penalty(kernels);
        return p ? (tf.add(l, p) as tfjs.Scalar) : l;
      },
      true,
      s.trainable,
    );
    if (total && total !== kept.loss) total.dispose();
    opt.afterStep(kernels, s.learningRate);
    return { loss: kept.loss!, accuracy: kept.acc!, ...(kept.each ? { outputLosses: kept.each } : {}) };
  } catch (err) {
    tf.dispose([...(kept.loss ? [kept.loss] : []), ...(kept.acc ? [kept.acc] : []), ...(kept.each ? [kept.each] : [])]);
    throw err;
  } finally {
    tf.dispose([x, y, ...(soft ? [soft] : [])]);
  }
}
