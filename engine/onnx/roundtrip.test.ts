/**
 * Import of graphs shaped the way other exporters write them, with onnxruntime as the reference: LayerLoom's own
 * exports read back (templates keep their parameter counts and outputs), and a tf2onnx-style graph built with
 * ONNX's python helper (NHWC input + Transpose, initializer aliased through Identity, auto_pad SAME_UPPER,
 * asymmetric MaxPool pads, Transpose back + Reshape as Keras' Flatten, MatMul + Add as Dense).
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { scratchDir, zooDesign } from '../codegen/test-designs';
import { DesignError } from '../errors';
import { requireTemplate } from '../../templates/index';
import { exportOnnx } from './export';
import { importOnnx } from './import';
import { decodeModel, encodeModel } from './proto';
import { floatTensor } from './tensor';
import { loadOrt, maxAbsDiff, pythonModuleMissing, randomInput, SYSTEM_PYTHON } from './test-onnx';
import { runImported } from './test-run';

const { ort, skip: ortSkip } = loadOrt();

beforeAll(async () => {
  await tf.setBackend('cpu');
  if (ortSkip) console.log(`SKIP onnxruntime references: ${ortSkip}`);
});

/** Runs `bytes` in onnxruntime on one input; returns the first output. */
async function reference(bytes: Uint8Array, dims: number[], data: Float32Array): Promise<Float32Array> {
  const session = await ort!.InferenceSession.create(bytes);
  const out = await session.run({ [session.inputNames[0]]: new ort!.Tensor('float32', data, dims) });
  await session.release();
  return out[session.outputNames[0]].data as Float32Array;
}

describe('LayerLoom ONNX files read back', () => {
  it.each([
    ['fashion-cnn', [28, 28, 1]],
    ['mobilenetv2', [32, 32, 3]],
    ['googlenet', [32, 32, 3]],
    ['resnet18', [32, 32, 3]],
  ] as const)('%s: same parameter count, same outputs as onnxruntime on the file', async (name, input) => {
    const doc = requireTemplate(name).build({ inputShape: [...input], classes: 10 });
    const { bytes } = exportOnnx(doc);
    const imported = importOnnx(bytes, { fileName: `${name}.onnx` });
    expect(imported.doc.name).toBe(doc.name);
    const a = analyzeDesign(imported.doc).totals;
    const b = analyzeDesign(doc).totals;
    expect([a.params, a.trainableParams, a.macs]).toEqual([b.params, b.trainableParams, b.macs]);
    if (!ort) return;
    const dims = [2, input[2], input[0], input[1]];
    const x = randomInput(dims.reduce((p, q) => p * q, 1), 3);
    const want = await reference(bytes, dims, x);
    const got = runImported(tf, imported, { [imported.inputs[0].name]: { dims, data: x } });
    expect(maxAbsDiff(got[imported.outputs[0].name], want)).toBeLessThan(1e-4);
  });

  it('the layer zoo reads back (GELU from its five arithmetic nodes, separable as depthwise + pointwise) and runs like the file', async () => {
    const doc = zooDesign();
    const { bytes } = exportOnnx(doc);
    const imported = importOnnx(bytes, { fileName: 'zoo.onnx' });
    const types = imported.doc.nodes.map((n) => n.type);
    expect(types.filter((x) => x === 'Activation').length).toBeGreaterThan(5);
    expect(imported.doc.nodes.find((n) => n.type === 'Activation' && n.params.activation === 'gelu')).toBeDefined();
    expect(types).toContain('Conv2DTranspose');
    const a = analyzeDesign(imported.doc).totals;
    const b = analyzeDesign(doc).totals;
    expect([a.params, a.trainableParams]).toEqual([b.params, b.trainableParams]);
    if (!ort) return;
    const dims = [2, 3, 15, 16];
    const x = randomInput(2 * 3 * 15 * 16, 4);
    const want = await reference(bytes, dims, x);
    const got = runImported(tf, imported, { [imported.inputs[0].name]: { dims, data: x } });
    expect(maxAbsDiff(got[imported.outputs[0].name], want)).toBeLessThan(1e-4);
  });

  it('refuses arithmetic outside the patterns it knows, naming the node', () => {
    const { bytes } = exportOnnx(zooDesign());
    // Break the GELU pattern: divide by 3 instead of sqrt(2).
    const model = decodeModel(bytes);
    const div = model.graph!.node!.find((n) => n.opType === 'Div')!;
    const k = model.graph!.initializer!.find((i) => i.name === div.input![1])!;
    Object.assign(k, floatTensor(k.name!, [], Float32Array.of(3)));
    let error: unknown;
    try {
      importOnnx(encodeModel(model), { fileName: 'zoo.onnx' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DesignError);
    expect((error as DesignError).message).toMatch(/^graph\.node\[\d+\]: Div node 'sep_scaled': only x \/ sqrt\(2\), the first step of GELU, can be expressed/);
  });
});

/** A tf2onnx-style graph, written with onnx.helper (ONNX's own writer). */
const TF2ONNX_PY = `
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
rng = np.random.default_rng(0)
init = lambda name, a: numpy_helper.from_array(a.astype(np.float32), name)
nodes = [
    helper.make_node("Transpose", ["input_1"], ["x_nchw"], perm=[0, 3, 1, 2], name="model/conv/Conv2D__6"),
    helper.make_node("Identity", ["W1"], ["W1_alias"], name="Identity_W1"),
    helper.make_node("Conv", ["x_nchw", "W1_alias", "B1"], ["conv"], auto_pad="SAME_UPPER", strides=[2, 2], kernel_shape=[3, 3], name="model/conv/BiasAdd"),
    helper.make_node("Relu", ["conv"], ["relu"], name="model/conv/Relu"),
    helper.make_node("MaxPool", ["relu"], ["pool"], kernel_shape=[2, 2], strides=[1, 1], pads=[1, 0, 0, 1], name="model/pool/MaxPool"),
    helper.make_node("Transpose", ["pool"], ["pool_nhwc"], perm=[0, 2, 3, 1], name="model/pool/MaxPool__20"),
    helper.make_node("Reshape", ["pool_nhwc", "flat_shape"], ["flat"], name="model/flatten/Reshape"),
    helper.make_node("MatMul", ["flat", "W2"], ["mm"], name="model/dense/MatMul"),
    helper.make_node("Add", ["mm", "B2"], ["logits"], name="model/dense/BiasAdd"),
    helper.make_node("Softmax", ["logits"], ["probs"], axis=-1, name="model/dense/Softmax"),
]
graph = helper.make_graph(nodes, "tf2onnx_style",
    [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__1", 9, 8, 3])],
    [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["unk__2", 10])],
    [init("W1", rng.normal(0, 0.5, (4, 3, 3, 3))), init("B1", rng.normal(0, 0.2, 4)), init("W2", rng.normal(0, 0.3, (80, 10))),
     init("B2", rng.normal(0, 0.2, 10)), numpy_helper.from_array(np.array([-1, 80], dtype=np.int64), "flat_shape")])
model = helper.make_model(graph, producer_name="tf2onnx-style", opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
print("WROTE")
`;

describe('a tf2onnx-style graph', () => {
  const missing = pythonModuleMissing('onnx', 'python3-onnx');
  if (missing) console.log(`SKIP the tf2onnx-style graph: ${missing}`);
  it.skipIf(!!missing || !ort)('imports (NHWC input kept channels last) and matches onnxruntime', async () => {
    const file = path.join(scratchDir('onnx-tf2onnx'), 'model.onnx');
    const r = spawnSync(SYSTEM_PYTHON, ['-c', TF2ONNX_PY, file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout, r.stderr).toContain('WROTE');
    const bytes = new Uint8Array(readFileSync(file));
    const imported = importOnnx(bytes, { fileName: 'model.onnx' });
    const types = imported.doc.nodes.map((n) => n.type);
    // No block for the transposes or the reshape; the Add folds into the Dense as its bias.
    expect(types).toEqual(['Input', 'Conv2D', 'Activation', 'ZeroPadding2D', 'MaxPool2D', 'Flatten', 'Dense', 'Activation', 'Output']);
    expect(imported.inputs[0].designShape).toEqual([9, 8, 3]);
    expect(imported.doc.nodes.find((n) => n.type === 'Conv2D')?.params).toMatchObject({ padding: 'same', strides: [2, 2] });
    const dims = [2, 9, 8, 3];
    const x = randomInput(2 * 9 * 8 * 3, 9);
    const want = await reference(bytes, dims, x);
    const got = runImported(tf, imported, { input_1: { dims, data: x } });
    expect(maxAbsDiff(got.probs, want)).toBeLessThan(1e-4);
    expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.05);
  });
});
