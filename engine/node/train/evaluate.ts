/** Loss, accuracy and confusion matrix of a model over a whole image set, in inference mode and in batches. */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import { makeBatch } from './data/dataset';
import type { ImageSet } from './data/types';
import { asOutputs, feedInputs, headLosses, lossFunction, type ModelHeads } from './heads';

export { lossFunction, type LossFn } from './heads';

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
  /** Each output's own mean loss, in `heads` order (only with several outputs). */
  outputLosses?: number[];
}

/** The heads of a model with one input and one output trained with `loss`. */
export function singleHead(tf: Tf, loss: string): ModelHeads {
  return { heads: [{ name: 'output', loss, lossFn: lossFunction(tf, loss), weight: 1 }], main: 0, inputs: 1 };
}

/**
 * Evaluates `model` over all of `set`; yields to the event loop between batches. The loss is the heads' weighted
 * total; accuracy, the matrix and predictions come from the main head. With `collect`, also returns each example's
 * predicted class and confidence (the results view's worst-classified samples and matrix cells).
 */
export async function evaluateSet(tf: Tf, model: tfjs.LayersModel, set: ImageSet, classes: number, heads: ModelHeads, batchSize = 256, collect = false): Promise<Evaluation> {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const predictions = collect ? { predicted: [] as number[], confidence: [] as number[] } : undefined;
  let lossSum = 0;
  const headSums = new Array<number>(heads.heads.length).fill(0);
  let correct = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    const host = makeBatch(set, Array.from({ length: n }, (_, i) => start + i), classes);
    const [lossT, predIdx, predMax, eachT] = tf.tidy(() => {
      const x = tf.tensor4d(host.x, [n, ...set.shape]);
      const y = tf.tensor2d(host.y, [n, classes]);
      const preds = asOutputs(model.predict(feedInputs(x, heads.inputs)) as tfjs.Tensor | tfjs.Tensor[]);
      const pred = preds[heads.main];
      const { total, each } = headLosses(tf, heads, y, preds);
      return [total, tf.argMax(pred, -1), tf.max(pred, -1), tf.stack(each)] as const;
    });
    lossSum += (await lossT.data())[0] * n;
    const eachLoss = await eachT.data();
    for (let i = 0; i < headSums.length; i++) headSums[i] += eachLoss[i] * n;
    const predicted = await predIdx.data();
    if (predictions) {
      const conf = await predMax.data();
      for (let i = 0; i < n; i++) {
        predictions.predicted.push(predicted[i]);
        predictions.confidence.push(Math.round(conf[i] * 1e4) / 1e4);
      }
    }
    tf.dispose([lossT, predIdx, predMax, eachT]);
    for (let i = 0; i < n; i++) {
      matrix[host.labels[i]][predicted[i]]++;
      if (host.labels[i] === predicted[i]) correct++;
    }
    await new Promise<void>((r) => setImmediate(r));
  }
  const outputLosses = headSums.length > 1 ? headSums.map((v) => (set.count ? v / set.count : NaN)) : undefined;
  return { loss: set.count ? lossSum / set.count : NaN, accuracy: set.count ? correct / set.count : NaN, confusionMatrix: matrix, ...(predictions ? { predictions } : {}), ...(outputLosses ? { outputLosses } : {}) };
}
