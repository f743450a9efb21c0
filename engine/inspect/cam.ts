/**
 * Class activation maps. Grad-CAM (Selvaraju et al., 2017): the class score's gradient with respect to a
 * convolution's output A, averaged over space, weighs A's channels; ReLU of the weighted sum says where the
 * evidence for the class is. Plain CAM (Zhou et al., 2016) applies where the design ends in global average
 * pooling and one Dense layer: the Dense weights of the class weigh the channels directly. Both are upsampled
 * to the input's resolution (bilinear, half-pixel centres) and scaled to [0, 1] by their maximum.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../compile/compile';
import { DesignError } from '../errors';
import { outputLayerOf, scoresFrom, stepsOf, traceModel, type Trace } from './executor';

/** A heat map for one example. */
export interface CamResult {
  layerName: string;
  method: 'grad-cam' | 'cam';
  /** The model output the map explains (0 = the first). */
  output: number;
  /** The arg-max of the model's output. */
  predicted: number;
  /** The class the map is for (the predicted one unless chosen). */
  classIndex: number;
  probabilities: number[];
  /** At the input resolution, `height × width` row-major, in [0, 1]. */
  heatmap: Float32Array;
  height: number;
  width: number;
  /** The map at the layer's resolution before upsampling and scaling (ReLU applied). */
  coarse: { height: number; width: number; values: Float32Array };
}

/** Options of `classActivationMaps`. */
export interface CamOptions {
  /** Class per example (defaults to each example's predicted class). */
  classes?: ReadonlyArray<number | undefined>;
  /** 'auto' uses plain CAM where the design allows it, Grad-CAM otherwise. */
  method?: 'auto' | 'grad-cam' | 'cam';
  /** Which model output the classes are of, for designs with several (default 0, the first). */
  output?: number;
}

/**
 * The Dense weights plain CAM uses when `layerName` feeds GlobalAveragePooling2D → (Dropout) → the output
 * Dense: `[channels, classes]`; null when the design does not end that way.
 */
export function plainCamWeights(model: tfjs.LayersModel, layerName: string, output = 0): tfjs.Tensor2D | null {
  const steps = stepsOf(model);
  const out = outputLayerOf(model, output);
  if (out.getClassName() !== 'Dense') return null;
  // Walk back from the output Dense through pass-through layers to a global average pooling fed by the layer.
  const producer = new Map(steps.flatMap((s) => s.outputs.map((o) => [o.id, s] as const)));
  let step = producer.get(model.outputs[output].id);
  if (!step) return null;
  let src = step.inputs.length === 1 ? producer.get(step.inputs[0].id) : undefined;
  while (src && src.layer.getClassName() === 'Dropout') src = producer.get(src.inputs[0].id);
  if (!src || src.layer.getClassName() !== 'GlobalAveragePooling2D') return null;
  step = producer.get(src.inputs[0].id);
  if (!step || step.layer.name !== layerName) return null;
  return out.getWeights()[0] as tfjs.Tensor2D;
}

/** Channel weights per example: `[n, c]`, from the gradient (Grad-CAM) or the Dense kernel (CAM). */
function channelWeights(tf: Tf, model: tfjs.LayersModel, trace: Trace, layerName: string, classes: number[], plain: tfjs.Tensor2D | null, output: number): tfjs.Tensor2D {
  const a = trace.output(layerName);
  if (plain) return tf.transpose(tf.gather(plain, classes, 1)) as tfjs.Tensor2D;
  const scores = scoresFrom(tf, model, trace, layerName, output);
  const nClasses = (trace.prediction.shape.at(-1) ?? 1) as number;
  const mask = tf.oneHot(classes, nClasses).toFloat();
  // Examples are independent in inference mode, so the gradient of the summed chosen scores is each one's own.
  const grad = tf.grad((t: tfjs.Tensor) => tf.sum(tf.mul(scores(t), mask)))(a);
  return tf.mean(grad, [1, 2]) as tfjs.Tensor2D;
}

/**
 * Class activation maps at convolution `layerName` for every example of `x` (`[n, h, w, c]`, already
 * normalized as in training). Throws a `DesignError` when CAM is asked for a design that does not end in
 * global average pooling + one Dense fed by that layer. With several outputs, `options.output` picks the one
 * whose classes are explained (predicted, probabilities and the map all read that output).
 */
export async function classActivationMaps(tf: Tf, model: tfjs.LayersModel, x: tfjs.Tensor4D, layerName: string, options: CamOptions = {}): Promise<CamResult[]> {
  const output = options.output ?? 0;
  const trace = traceModel(tf, model, x, output);
  try {
    const probs = (await trace.prediction.array()) as number[][];
    const predicted = probs.map((p) => p.indexOf(Math.max(...p)));
    const classes = predicted.map((p, i) => options.classes?.[i] ?? p);
    const nClasses = probs[0]?.length ?? 0;
    const bad = classes.find((c) => !Number.isInteger(c) || c < 0 || c >= nClasses);
    if (bad !== undefined) throw new DesignError('invalid-params', `class ${bad} is out of range: the model has ${nClasses} classes (0–${nClasses - 1})`, 'class');
    const method = options.method ?? 'auto';
    const plain = method === 'grad-cam' ? null : plainCamWeights(model, layerName, output);
    if (method === 'cam' && !plain) throw new DesignError('invalid-graph', `plain CAM needs ${layerName} → GlobalAveragePooling2D → one Dense output; use Grad-CAM`, 'node');
    const [, H, W] = x.shape;
    const [coarse, fine] = tf.tidy(() => {
      const a = trace.output(layerName) as tfjs.Tensor4D;
      const w = channelWeights(tf, model, trace, layerName, classes, plain, output);
      const map = tf.relu(tf.sum(tf.mul(a, tf.reshape(w, [w.shape[0], 1, 1, w.shape[1]])), -1, true)) as tfjs.Tensor4D;
      const up = tf.image.resizeBilinear(map, [H, W], false, true);
      return [tf.squeeze(map, [3]), tf.squeeze(up, [3])];
    });
    const coarseData = (await coarse.data()) as Float32Array;
    const fineData = (await fine.data()) as Float32Array;
    const [, h, w] = coarse.shape;
    tf.dispose([coarse, fine]);
    return probs.map((p, i) => ({
      layerName,
      method: plain ? 'cam' : 'grad-cam',
      output,
      predicted: predicted[i],
      classIndex: classes[i],
      probabilities: p,
      heatmap: scaleToUnit(fineData.slice(i * H * W, (i + 1) * H * W)),
      height: H,
      width: W,
      coarse: { height: h, width: w, values: coarseData.slice(i * h * w, (i + 1) * h * w) },
    }));
  } finally {
    trace.dispose();
  }
}

/** Divides by the maximum (maps are non-negative after ReLU); an all-zero map stays zero. */
export function scaleToUnit(values: Float32Array): Float32Array {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < values.length; i++) values[i] = Math.min(1, Math.max(0, values[i] / max));
  else values.fill(0);
  return values;
}
