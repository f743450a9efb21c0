/** One optimizer step of the training loop, taking one object (was eleven positional arguments). */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import type { HostBatch } from './data/dataset';
import { distillationLoss, teacherTargets, type Teacher } from './distill';
import { accuracyOf, type LossFn } from './evaluate';
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
  lossFn: LossFn;
  batch: HostBatch;
  /** One example's shape ([h, w, c]); the batch adds its size in front. */
  exampleShape: readonly number[];
  classes: number;
  learningRate: number;
  /** Knowledge distillation: the loss also pulls towards this teacher's softened predictions. */
  teacher?: Teacher;
}

/** Runs one optimizer step; returns the batch's data loss (without the L2 term) and accuracy. */
export async function trainStep(s: StepInput): Promise<{ loss: number; accuracy: number }> {
  const kept = trainStepKept(s);
  try {
    const [l, a] = await Promise.all([kept.loss.data(), kept.accuracy.data()]);
    return { loss: l[0], accuracy: a[0] };
  } finally {
    s.tf.dispose([kept.loss, kept.accuracy]);
  }
}

/**
 * Runs one optimizer step without reading anything back: returns the batch's data loss and accuracy as
 * scalars the caller owns (and disposes), so a GPU backend can read several steps' metrics at once.
 */
export function trainStepKept(s: StepInput): { loss: tfjs.Scalar; accuracy: tfjs.Scalar } {
  const { tf, model, opt, kernels } = s;
  const kept: { loss?: tfjs.Scalar; acc?: tfjs.Scalar } = {};
  const x = tf.tensor4d(s.batch.x, [s.batch.size, ...s.exampleShape] as [number, number, number, number]);
  const y = tf.tensor2d(s.batch.y, [s.batch.size, s.classes]);
  const soft = s.teacher ? teacherTargets(tf, s.teacher, x) : null;
  try {
    const total = opt.optimizer.minimize(
      () => {
        const pred = model.apply(x, { training: true }) as tfjs.Tensor;
        const l = soft && s.teacher ? distillationLoss(tf, s.lossFn, s.teacher, y, pred, soft) : s.lossFn(y, pred);
        kept.loss = tf.keep(l);
        kept.acc = tf.keep(accuracyOf(tf, y, pred));
        const p = opt.penalty(kernels);
        return p ? (tf.add(l, p) as tfjs.Scalar) : l;
      },
      true,
      s.trainable,
    );
    if (total && total !== kept.loss) total.dispose();
    opt.afterStep(kernels, s.learningRate);
    return { loss: kept.loss!, accuracy: kept.acc! };
  } catch (err) {
    tf.dispose([...(kept.loss ? [kept.loss] : []), ...(kept.acc ? [kept.acc] : [])]);
    throw err;
  } finally {
    tf.dispose([x, y, ...(soft ? [soft] : [])]);
  }
}
