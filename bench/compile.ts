/**
 * `npm run bench:compile`: the compiler's cost and what it adds to training.
 *
 * 1. Compile time of ResNet-152 from its document (`templates/resnet152.json`: parse + migrations, analysis,
 *    `compileModel`), median of several runs; the peer is tfjs building the same model from its own
 *    serialized topology (`tf.models.modelFromJSON`, what loading a model.json costs). Goal: under 1 s.
 * 2. Training throughput of the compiled `fashion-cnn` template against the same network written by hand in
 *    tfjs, both starting from the same weights, timed in interleaved windows in one run; medians and the
 *    ratio compiled / hand-written. Goal: >= 0.98 (the compiler adds nothing to a training step).
 *
 * Options: --backend wasm (default: the npm-only training path with LayerLoom's kernels) | cpu | ..., --batch 64,
 * --windows 7, --steps 5 (per window), --reps 5. With --backend cpu (a few examples/s) use e.g. --batch 8 --steps 1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { analyzeDesign } from '../engine/analysis/analyze';
import { compileModel } from '../engine/compile/compile';
import { parseDocumentText } from '../engine/schema/load';
import { requireTemplate } from '../templates/index';
import { loadFashion, median, type Batches } from './train-lib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '64' },
    windows: { type: 'string', default: '7' },
    steps: { type: 'string', default: '5' },
    reps: { type: 'string', default: '5' },
  },
});
const batch = Number(values.batch);
const windows = Number(values.windows);
const steps = Number(values.steps);
const reps = Number(values.reps);

const ms = (x: number) => `${x.toFixed(0)} ms`;

async function benchCompile(): Promise<void> {
  const text = readFileSync(path.join(root, 'templates/resnet152.json'), 'utf8');
  const parse: number[] = [];
  const analyze: number[] = [];
  const build: number[] = [];
  const total: number[] = [];
  const peer: number[] = [];
  let params = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const doc = parseDocumentText(text, 'resnet152.json');
    const t1 = performance.now();
    const analysis = analyzeDesign(doc);
    const t2 = performance.now();
    const model = compileModel(analysis, tf);
    const t3 = performance.now();
    parse.push(t1 - t0);
    analyze.push(t2 - t1);
    build.push(t3 - t2);
    total.push(t3 - t0);
    params = model.countParams();
    const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
    model.dispose();
    const p0 = performance.now();
    const reloaded = await tf.models.modelFromJSON({ modelTopology: topology });
    peer.push(performance.now() - p0);
    reloaded.dispose();
  }
  console.log(`ResNet-152 (${params.toLocaleString('en-US')} params), median of ${reps}:`);
  console.log(`  parse + migrate ${ms(median(parse))}, analyze ${ms(median(analyze))}, build tfjs model ${ms(median(build))} (mostly weight initialization)`);
  console.log(`  document -> LayersModel: ${ms(median(total))}   (goal < 1000 ms)`);
  console.log(`  peer, tfjs modelFromJSON of the same topology: ${ms(median(peer))}   ratio ours/peer ${(median(total) / median(peer)).toFixed(2)}`);
}

/** The fashion-cnn template written by hand with tfjs layers (the peer of the compiled model). */
function handWritten(classes: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  let x = tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function step(model: tf.LayersModel, data: Batches, index: number): Promise<number> {
  const per = batch;
  const n = Math.max(1, Math.floor(data.count / per));
  const i = index % n;
  const xs = tf.tensor4d(data.x.subarray(i * per * 784, (i + 1) * per * 784), [per, 28, 28, 1]);
  const ys = tf.tensor2d(data.y.subarray(i * per * 10, (i + 1) * per * 10), [per, 10]);
  const out = await model.trainOnBatch(xs, ys);
  tf.dispose([xs, ys]);
  return Array.isArray(out) ? out[0] : out;
}

async function benchTraining(): Promise<void> {
  const data = loadFashion(batch * 8);
  const compiled = compileModel(requireTemplate('fashion-cnn').build(), tf, { optimizer: tf.train.adam(0.001) });
  const hand = handWritten(10);
  if (compiled.countParams() !== hand.countParams()) throw new Error(`the two models differ: ${compiled.countParams()} vs ${hand.countParams()} params`);
  hand.setWeights(compiled.getWeights());
  // Same weights: the two models must predict the same numbers (inference skips dropout).
  const probe = tf.tensor4d(data.x.subarray(0, batch * 784), [batch, 28, 28, 1]);
  const [pc, ph] = [compiled.predict(probe) as tf.Tensor, hand.predict(probe) as tf.Tensor];
  const maxDiff = tf.max(tf.abs(tf.sub(pc, ph))).dataSync()[0];
  tf.dispose([probe, pc, ph]);
  await step(compiled, data, 0);
  await step(hand, data, 0);
  const rates: Record<'compiled' | 'hand', number[]> = { compiled: [], hand: [] };
  let cursor = 1;
  for (let w = 0; w < windows; w++) {
    // Interleave, and alternate which goes first, so drift in machine load hits both alike.
    const order: Array<'compiled' | 'hand'> = w % 2 === 0 ? ['compiled', 'hand'] : ['hand', 'compiled'];
    for (const which of order) {
      const model = which === 'compiled' ? compiled : hand;
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) await step(model, data, cursor + s);
      rates[which].push((steps * batch) / ((performance.now() - t0) / 1000));
    }
    cursor += steps;
  }
  const c = median(rates.compiled);
  const h = median(rates.hand);
  console.log(`Training fashion-cnn (${compiled.countParams().toLocaleString('en-US')} params), backend ${tf.getBackend()}, batch ${batch}, ${windows} interleaved windows of ${steps} steps, data: ${data.source}`);
  console.log(`  same weights -> max |prediction difference| ${maxDiff.toExponential(2)}`);
  console.log(`  compiled:     ${c.toFixed(2)} examples/s  (windows ${rates.compiled.map((r) => r.toFixed(2)).join(', ')})`);
  console.log(`  hand-written: ${h.toFixed(2)} examples/s  (windows ${rates.hand.map((r) => r.toFixed(2)).join(', ')})`);
  console.log(`  ratio compiled/hand-written: ${(c / h).toFixed(3)}   (goal >= 0.98)`);
  compiled.dispose();
  hand.dispose();
}

if (values.backend === 'wasm') {
  const { registerWasmTraining } = await import('../engine/node/train/backends/wasm/index');
  await registerWasmTraining(tf);
}
await tf.setBackend(values.backend);
await tf.ready();
await benchCompile();
await benchTraining();
