/**
 * ONNX export, checked by software no one here wrote: every exported file runs in onnxruntime-node (CPU) on the
 * same input as the tfjs model compiled from the same design with the same weights, outputs equal within 1e-4
 * (relative to the value's size above 1), and passes ONNX's own `onnx.checker` (Debian python3-onnx).
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { compileModel } from '../compile/compile';
import { DesignBuilder } from '../build/design-builder';
import { hostileDesign, scratchDir, zooDesign } from '../codegen/test-designs';
import { DesignError } from '../errors';
import type { DesignDocument } from '../schema/document';
import { listTemplates } from '../../templates/index';
import { exportOnnx, onnxUnsupported } from './export';
import { toChannelsFirstPerm, transpose } from './layout';
import { decodeModel } from './proto';
import { loadOrt, maxAbsDiff, onnxCheck, pythonModuleMissing, randomInput } from './test-onnx';
import { applyWeights, weightsFromModel } from './weights';

/** Small inputs (as the compiler's tests use) keep weight initialization and inference cheap on 2 cores. */
const SMALL: Record<string, number[]> = {
  lenet5: [32, 32, 1], alexnet: [67, 67, 3], vgg11: [32, 32, 3], vgg16: [32, 32, 3], vgg19: [32, 32, 3],
  resnet18: [32, 32, 3], resnet34: [32, 32, 3], resnet50: [32, 32, 3], resnet101: [32, 32, 3], resnet152: [32, 32, 3],
  googlenet: [64, 64, 3], 'googlenet-aux': [96, 96, 3], 'se-resnet50': [32, 32, 3], mobilenet: [32, 32, 3], mobilenetv2: [32, 32, 3], 'fashion-cnn': [28, 28, 1],
};

const { ort, skip: ortSkip } = loadOrt();
const checkerSkip = pythonModuleMissing('onnx', 'python3-onnx');
const written: string[] = [];
let dir = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = scratchDir('onnx-export');
  if (ortSkip) console.log(`SKIP onnxruntime comparisons: ${ortSkip}`);
});

/** Compiles `doc`, exports it with the model's own weights, runs both on one batch and compares. */
async function exportAndCompare(key: string, doc: DesignDocument, batch = 2): Promise<{ diff: number; nodes: number }> {
  const analysis = analyzeDesign(doc);
  const model = compileModel(analysis, tf, { compile: false });
  try {
    // Fresh biases are 0 and BatchNorm is the identity: random ones make their translation matter.
    const weights = weightsFromModel(model, analysis);
    let seed = 100;
    for (const [id, ws] of Object.entries(weights)) {
      const bn = analysis.flat.find((n) => n.id === id)?.type === 'BatchNormalization';
      for (const w of ws) {
        if (w.shape.length !== 1) continue;
        const r = randomInput(w.data.length, seed++);
        w.data.set(bn ? r.map((v) => 0.75 + 0.25 * v) : r.map((v) => 0.2 * v));
      }
    }
    applyWeights(tf, model, analysis, weights);
    const { bytes, inputs, outputs } = exportOnnx(doc, weights);
    const file = path.join(dir, `${key}.onnx`);
    writeFileSync(file, bytes);
    written.push(file);
    if (!ort) return { diff: 0, nodes: decodeModel(bytes).graph?.node?.length ?? 0 };
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    const tfInputs: tf.Tensor[] = [];
    inputs.forEach((inp, i) => {
      const shape = analysis.flat.find((n) => n.id === inp.nodeId)!.outputShape;
      const dims = [batch, ...shape];
      const data = randomInput(dims.reduce((a, b) => a * b, 1), 11 + i);
      tfInputs.push(tf.tensor(data, dims));
      const cf = transpose(data, dims, toChannelsFirstPerm(shape.length));
      feeds[inp.name] = new ort.Tensor('float32', cf.data, cf.dims);
    });
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run(feeds);
    const predicted = model.predict(tfInputs.length === 1 ? tfInputs[0] : tfInputs) as tf.Tensor | tf.Tensor[];
    const tfOuts = Array.isArray(predicted) ? predicted : [predicted];
    let diff = 0;
    outputs.forEach((out, i) => {
      const got = result[out.name];
      const ref = tfOuts[i];
      const refCf = transpose(ref.dataSync() as Float32Array, ref.shape, toChannelsFirstPerm(ref.shape.length - 1));
      expect(got.dims, `${key} output ${out.name} dims`).toEqual(refCf.dims);
      // Absolute 1e-4, relative beyond magnitude 1 (float32 sums of many products).
      const scale = Math.max(1, ...Array.from(refCf.data, Math.abs));
      diff = Math.max(diff, maxAbsDiff(got.data as Float32Array, refCf.data) / scale);
      // A near-constant output would hide mistakes inside the 1e-4 tolerance.
      const spread = Math.max(...Array.from(refCf.data)) - Math.min(...Array.from(refCf.data));
      expect(spread, `${key} output ${out.name} varies`).toBeGreaterThan(1e-3);
      console.log(`${key}: output ${out.name} ${JSON.stringify(got.dims)} max |onnxruntime - tfjs| / max(1, |tfjs|) = ${diff.toExponential(2)} (values span ${spread.toFixed(4)})`);
    });
    tfInputs.forEach((t) => t.dispose());
    tfOuts.forEach((t) => t.dispose());
    await session.release();
    return { diff, nodes: decodeModel(bytes).graph?.node?.length ?? 0 };
  } finally {
    model.dispose();
  }
}

describe('ONNX export runs in onnxruntime like the tfjs model', () => {
  it('the layer zoo (every layer kind, asymmetric padding, broadcasting merges, rank-2 tensors)', async () => {
    const { diff } = await exportAndCompare('zoo', zooDesign());
    expect(diff).toBeLessThan(1e-4);
  });

  it('a design with hostile names (names stay data)', async () => {
    const { diff } = await exportAndCompare('hostile', hostileDesign());
    expect(diff).toBeLessThan(1e-4);
  });

  it('a two-input, two-output design', async () => {
    const b = new DesignBuilder('two ends');
    const a = b.input([8, 8, 2], 'left');
    const c = b.input([8, 8, 2], 'right');
    const s = b.add('Add', {}, [b.add('Conv2D', { filters: 2, padding: 'same' }, a), c]);
    b.output(b.add('Dense', { units: 3, activation: 'softmax' }, b.add('Flatten', {}, s)), {}, 'probs');
    b.output(b.add('Conv2DTranspose', { filters: 3, kernelSize: [2, 2], strides: [3, 3], padding: 'valid' }, s), { loss: 'meanSquaredError' }, 'image');
    const { diff } = await exportAndCompare('two-ends', b.build());
    expect(diff).toBeLessThan(1e-4);
  });

  it('sequences (rank-2 tensors): Dense and BatchNormalization on the channel axis, concatenation along the steps', async () => {
    const b = new DesignBuilder('sequences');
    const x = b.input([6, 4], 'steps');
    const d = b.add('Dense', { units: 5, activation: 'tanh' }, x, 'per_step');
    const n = b.add('BatchNormalization', { epsilon: 0.01 }, d, 'bn');
    const c = b.add('Concatenate', { axis: 1 }, [n, b.add('Dense', { units: 5 }, x, 'other')], 'by_step');
    const s = b.add('Activation', { activation: 'softmax' }, c, 'per_step_softmax');
    b.output(b.add('Dense', { units: 3, activation: 'sigmoid' }, b.add('Flatten', {}, s, 'flat'), 'head'));
    const { diff } = await exportAndCompare('sequences', b.build());
    expect(diff).toBeLessThan(1e-4);
  });

  it('volumes (rank-4 tensors): activations, merges, Reshape and Flatten in Keras order', async () => {
    // (No BatchNormalization: tfjs cannot run it on rank-5 batches.)
    const b = new DesignBuilder('volume');
    let x = b.add('Activation', { activation: 'elu' }, b.input([2, 3, 4, 5], 'volume'), 'elu');
    x = b.add('Multiply', {}, [x, b.add('Activation', { activation: 'sigmoid' }, x, 'gate')], 'gated');
    x = b.add('Reshape', { targetShape: [6, 20] }, x, 'as_sequence');
    x = b.add('Dense', { units: 3, activation: 'relu' }, x, 'per_step');
    b.output(b.add('Dense', { units: 4, activation: 'softmax' }, b.add('Flatten', {}, x, 'flat'), 'head'));
    const { diff } = await exportAndCompare('volume', b.build());
    expect(diff).toBeLessThan(1e-4);
  });

  it('dynamic convolution (K kernels mixed per example by attention) as Conv + attention + ReduceSum', async () => {
    const b = new DesignBuilder('dynamic');
    let x = b.add('DynamicConv2D', { filters: 5, kernels: 3, strides: [2, 2], padding: 'same', activation: 'relu', temperature: 2 }, b.input([9, 10, 4]), 'dyn');
    x = b.add('DynamicConv2D', { filters: 4, kernels: 2, useBias: false, padding: 'valid', reduction: 2 }, x, 'dyn_valid');
    b.output(b.add('Dense', { units: 3, activation: 'softmax' }, b.add('Flatten', {}, x)));
    const { diff } = await exportAndCompare('dynamic', b.build());
    expect(diff).toBeLessThan(1e-4);
  });

  it.each(listTemplates().map((t) => [t.name] as const))('template %s', async (name) => {
    const t = listTemplates().find((x) => x.name === name)!;
    // Templates added later get a small input when they are valid at it.
    let doc = t.build({ inputShape: SMALL[name] ?? [64, 64, 3], classes: 10 });
    if (!analyzeDesign(doc).valid) doc = t.build({ classes: 10 });
    const problems = onnxUnsupported(analyzeDesign(doc));
    if (problems.length > 0) {
      // A template ONNX cannot express must be refused, with the reasons listed.
      console.log(`template ${name}: not expressible in ONNX: ${problems.map((p) => `${p.nodeName}: ${p.message}`).join('; ')}`);
      expect(() => exportOnnx(doc)).toThrow(DesignError);
      return;
    }
    const { diff, nodes } = await exportAndCompare(name, doc, 1);
    expect(nodes).toBeGreaterThan(3);
    expect(diff).toBeLessThan(1e-4);
  });
});

describe('ONNX export refuses what it cannot express', () => {
  it('names the node and the problem, and writes nothing', () => {
    const b = new DesignBuilder('deformable');
    const x = b.add('DeformableConv2D', { filters: 4 }, b.input([12, 12, 3]), 'wobbly');
    b.output(b.add('Dense', { units: 2 }, b.add('Flatten', {}, x)));
    const analysis = analyzeDesign(b.build());
    expect(analysis.valid).toBe(true);
    const problems = onnxUnsupported(analysis);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ nodeName: 'wobbly' });
    expect(problems[0].message).toMatch(/layers cannot be exported to ONNX$/);
    expect(() => exportOnnx(analysis)).toThrow(DesignError);
    expect(() => exportOnnx(analysis)).toThrow(/wobbly: .* layers cannot be exported to ONNX/);
  });

  it('refuses weights that do not fit the design', () => {
    const doc = zooDesign();
    const analysis = analyzeDesign(doc);
    expect(() => exportOnnx(analysis, {})).toThrow(/no weights for layer 'conv_s2'/);
  });
});

describe('every exported file passes onnx.checker', () => {
  if (checkerSkip) console.log(`SKIP onnx.checker: ${checkerSkip}`);
  it.skipIf(!!checkerSkip)('onnx.checker.check_model(full_check=True) on every file written above', () => {
    expect(written.length).toBeGreaterThan(0);
    const r = onnxCheck(written);
    console.log(`onnx.checker (full_check): ${r.checked - r.invalid.length}/${r.checked} exported files valid`);
    expect(r.invalid, r.output).toEqual([]);
    expect(r.checked).toBe(written.length);
  });
});
