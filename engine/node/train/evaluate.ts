/** Loss, accuracy and confusion matrix of a model over a whole image set, in inference mode and in batches. */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import { makeBatch } from './data/dataset';
import type { ImageSet } from './data/types';

/** A loss over a batch: one-hot labels and predictions in, a scalar mean out. */
export type LossFn = (y: tfjs.Tensor, pred: tfjs.Tensor) => tfjs.Scalar;

/** The tfjs loss for an Output block's loss name (labels are always one-hot here, so sparse = categorical). */
export function lossFunction(tf: Tf, name: string): LossFn {
  switch (name) {
    case 'binaryCrossentropy':
      return (y, p) => tf.mean(tf.metrics.binaryCrossentropy(y, p)) as tfjs.Scalar;
    case 'meanSquaredError':
      return (y, p) => tf.mean(tf.metrics.meanSquaredError(y, p)) as tfjs.Scalar;
    default:
      return (y, p) => tf.mean(tf.metrics.categoricalCrossentropy(y, p)) as tfjs.Scalar;
  }
}

/** Fraction of rows whose arg-max matches the label's. */
export function accuracyOf(tf: Tf, y: tfjs.Tensor, pred: tfjs.Tensor): tfjs.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(y, -1), tf.argMax(pred, -1)), 'float32')) as tfjs.Scalar;
}

/** Result of `evaluateSet`. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  /** `matrix[true][predicted]` counts. */
  confusionMatrix: number[][];
  /** Per example (in set order), with `collect`: the predicted class and its probability. */
  predictions?: { predicted: number[]; confidence: number[] };
}

/**
 * Evaluates `model` over all of `set`; yields to the event loop between batches. With `collect`, also returns
 * each example's predicted class and confidence (the results view's worst-classified samples and matrix cells).
 */
export async function evaluateSet(tf: Tf, model: tfjs.LayersModel, set: ImageSet, classes: number, lossFn: LossFn, batchSize = 256, collect = false): Promise<Evaluation> {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const predictions = collect ? { predicted: [] as number[], confidence: [] as number[] } : undefined;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    const host = makeBatch(set, Array.from({ length: n }, (_, i) => start + i), classes);
    const [lossT, predIdx, predMax] = tf.tidy(() => {
      const x = tf.tensor4d(host.x, [n, ...set.shape]);
      const y = tf.tensor2d(host.y, [n, classes]);
      const pred = model.predict(x) as tfjs.Tensor;
      return [lossFn(y, pred), tf.argMax(pred, -1), tf.max(pred, -1)] as const;
    });
    lossSum += (await lossT.data())[0] * n;
    const predicted = await predIdx.data();
    if (predictions) {
      const conf = await predMax.data();
      for (let i = 0; i < n; i++) {
        predictions.predicted.push(predicted[i]);
        predictions.confidence.push(Math.round(conf[i] * 1e4) / 1e4);
      }
    }
    tf.dispose([lossT, predIdx, predMax]);
    for (let i = 0; i < n; i++) {
      matrix[host.labels[i]][predicted[i]]++;
      if (host.labels[i] === predicted[i]) correct++;
    }
    await new Promise<void>((r) => setImmediate(r));
  }
  return { loss: set.count ? lossSum / set.count : NaN, accuracy: set.count ? correct / set.count : NaN, confusionMatrix: matrix, ...(predictions ? { predictions } : {}) };
}
