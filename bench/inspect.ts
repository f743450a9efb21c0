/**
 * `npm run bench:inspect`: what looking inside a model costs, against running it.
 *
 * For ResNet-18 at 32×32×3 (10 classes) and the `fashion-cnn` template (28×28×1), on one example, medians of
 * `--reps` timed runs after two warm-ups (weights from the initializers; cost does not depend on training):
 *   - forward: `model.predict` (the peer);
 *   - forward+backward: the gradient of one class score with respect to every trainable weight (a training
 *     step's work without the optimizer), and, as a stricter peer, with respect to the input only (a backward
 *     pass through every layer's data path, no weight gradients);
 *   - Grad-CAM at the last convolution (`classActivationMaps`: a traced forward pass, the gradient with respect
 *     to that layer's output through the layers after it, the weighted map, upsampling, read back);
 *   - feature maps at the last convolution (a traced forward pass and the top-16 channels, read back).
 * Printed as times and as ratios to forward and to forward+backward. Goal: Grad-CAM within 3× of
 * forward+backward.
 *
 * Options: --backend wasm (default, what the app's worker uses when nothing faster loads) | cpu, --reps 15.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { compileModel } from '../engine/compile/compile';
import { classActivationMaps } from '../engine/inspect/cam';
import { traceModel } from '../engine/inspect/executor';
import { topFeatureMaps } from '../engine/inspect/features';
import { inspectableLayers, lastConvolution } from '../engine/inspect/layers';
import { requireTemplate } from '../templates/index';
import { median } from './train-lib';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, reps: { type: 'string', default: '15' } } });
const reps = Number(values.reps);

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function benchModel(label: string, template: string, inputShape: [number, number, number], classes: number): Promise<void> {
  const model = compileModel(requireTemplate(template).build({ inputShape, classes }), tf, { compile: false });
  const layer = lastConvolution(inspectableLayers(model)).layerName;
  const x = tf.randomUniform([1, ...inputShape]) as tf.Tensor4D;
  const mask = tf.oneHot([3], classes).toFloat();
  const forward = await timeIt(async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  });
  const backward = await timeIt(async () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: false }) as tf.Tensor, mask)) as tf.Scalar);
    await Promise.all(Object.values(grads).map((g) => g.data()));
    tf.dispose([value, ...Object.values(grads)]);
  });
  // A second peer without the weight gradients (tfjs' conv filter gradients dominate the full backward pass):
  // the gradient of the class score with respect to the input, i.e. a backward pass through every layer's data path.
  const inputGrad = await timeIt(async () => {
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(model.apply(xx, { training: false }) as tf.Tensor, mask)))(x);
    await g.data();
    g.dispose();
  });
  const cam = await timeIt(() => classActivationMaps(tf, model, x, layer, { method: 'grad-cam' }));
  const features = await timeIt(async () => {
    const trace = traceModel(tf, model, x);
    const out = trace.output(layer);
    topFeatureMaps(layer, await out.data(), out.shape.slice(1) as [number, number, number], 16);
    trace.dispose();
  });
  const r = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
  console.log(`\n${label} (${model.countParams().toLocaleString('en-US')} params), last convolution ${layer}, backend ${tf.getBackend()}, median of ${reps}`);
  console.log(`  forward              ${ms(forward)}`);
  console.log(`  forward+backward     ${ms(backward)}   ${r(backward, forward)} forward`);
  console.log(`  forward+backward (input gradient only) ${ms(inputGrad)}   ${r(inputGrad, forward)} forward`);
  console.log(`  Grad-CAM             ${ms(cam)}   ${r(cam, forward)} forward, ${r(cam, backward)} forward+backward, ${r(cam, inputGrad)} forward+input-gradient (goal <= 3×)`);
  console.log(`  feature maps (top16) ${ms(features)}   ${r(features, forward)} forward`);
  tf.dispose([x, mask]);
  model.dispose();
}

if (values.backend === 'wasm') {
  const { registerWasmTraining } = await import('../engine/node/train/backends/wasm/index');
  await registerWasmTraining(tf);
}
await tf.setBackend(values.backend);
await tf.ready();
await benchModel('ResNet-18 at 32×32×3', 'resnet18', [32, 32, 3], 10);
await benchModel('fashion-cnn at 28×28×1', 'fashion-cnn', [28, 28, 1], 10);
