/**
 * ONNX operators -> LayerLoom blocks (the windowed ones are in import-window.ts). Each handler reads one node
 * and returns the values of its outputs; a handler throws a plain Error with the reason a case cannot be
 * expressed, which the importer turns into an `OnnxRefusal` naming the operator and node.
 */
import { channelsLastShape, transpose } from './layout';
import type { NodeReader } from './import-attrs';
import { explicitMap, normalizeMap, refuseNode, type Value, type ValueTable } from './import-graph';
import { geluArithmetic, geluDiv, geluErf } from './import-gelu';
import { importConv, importConvTranspose, importPool } from './import-window';
import { sizeOf } from './tensor';

type Handler = (t: ValueTable, r: NodeReader) => Value[];

const batchAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** A value that is `x` seen through a new ONNX shape (Reshape, Flatten, Squeeze, Unsqueeze: same flat order). */
function view(x: Value, onnx: number[]): Value {
  if (sizeOf(onnx.slice(1)) !== sizeOf(x.onnx.slice(1))) throw new Error(`internal: view of [${x.onnx.join(', ')}] as [${onnx.join(', ')}]`);
  if (onnx.length < 2) throw new Error('the result would have no axis besides the batch; LayerLoom tensors keep at least one');
  if (onnx.length > 5) throw new Error(`the result [${onnx.join(', ')}] has ${onnx.length - 1} axes besides the batch; LayerLoom tensors have at most 4`);
  return { ...x, onnx, map: normalizeMap(x.map ?? (onnx.length === x.onnx.length && onnx.every((d, i) => d === x.onnx[i]) ? null : explicitMap(x)), onnx), biasTarget: undefined };
}

/** A design block applied element-wise to `x` (shape and layout unchanged). */
function unary(t: ValueTable, r: NodeReader, type: string, params: Record<string, unknown>, nonNegative: boolean): Value[] {
  const x = t.value(r.inputs[0], 'input');
  const id = t.draft.add(type, params, [x.node()], r.name);
  return [{ ...x, node: () => id, nonNegative, biasTarget: undefined }];
}

const activation = (name: string, nonNegative = false): Handler => (t, r) => unary(t, r, 'Activation', { activation: name }, nonNegative);

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
}

/** Refuses attribute values the block cannot take (e.g. Elu's alpha: the block has none). */
function requireDefault(r: NodeReader, attr: string, expected: number): void {
  const v = r.float(attr, expected);
  if (!near(v, expected)) throw new Error(`${attr}=${v}: LayerLoom's ${r.op === 'HardSigmoid' ? 'hard sigmoid' : r.op.toLowerCase()} uses ${attr} ${expected}`);
}

/** Gemm / MatMul with a constant matrix -> Dense; the weight rows follow the input's layout. */
function dense(t: ValueTable, r: NodeReader, kernelKxM: { dims: number[]; data: Float32Array }, bias: Float32Array | undefined): Value[] {
  const x = t.value(r.inputs[0], 'input');
  if (x.onnx.length !== 2) throw new Error(`a rank-${x.onnx.length} input: LayerLoom's Dense is read from [N, K] matrices here`);
  const [k, m] = kernelKxM.dims;
  if (x.onnx[1] !== k) throw new Error(`the input has ${x.onnx[1]} features, the weight expects ${k}`);
  const src = t.shaped(x, [k]);
  // Row i of the design kernel multiplies design element i, which is ONNX element map[i].
  let data = kernelKxM.data;
  if (x.map) {
    data = new Float32Array(k * m);
    for (let i = 0; i < k; i++) data.set(kernelKxM.data.subarray(x.map[i] * m, x.map[i] * m + m), i * m);
  }
  const weights = [{ shape: [k, m], data }, ...(bias ? [{ shape: [m], data: bias }] : [])];
  const id = t.draft.add('Dense', { units: m, useBias: !!bias, activation: 'linear' }, [src], r.name, weights);
  return [{ node: () => id, design: [m], onnx: [x.onnx[0], m], map: null, nonNegative: false, biasTarget: bias ? undefined : { nodeId: id, channels: m, kind: 'Dense' } }];
}

const gemm: Handler = (t, r) => {
  if (r.int('transA', 0) !== 0) throw new Error('transA=1 transposes the batch axis of the input');
  const b = r.floatInput(1, 'B');
  if (!b || b.dims.length !== 2) throw new Error('B must be a constant matrix');
  const alpha = r.float('alpha', 1);
  const beta = r.float('beta', 1);
  const kernel = r.int('transB', 0) === 1 ? transpose(b.data, b.dims, [1, 0]) : { dims: b.dims, data: b.data };
  if (alpha !== 1) kernel.data = kernel.data.map((v) => v * alpha);
  const c = r.floatInput(2, 'C');
  let bias: Float32Array | undefined;
  if (c) {
    const m = kernel.dims[1];
    const n = sizeOf(c.dims);
    if (n !== 1 && n !== m) throw new Error(`C of shape [${c.dims.join(', ')}] adds a different bias per example; LayerLoom's Dense has one bias per unit`);
    bias = new Float32Array(m).map((_, i) => beta * c.data[n === 1 ? 0 : i]);
  }
  return dense(t, r, kernel, bias);
};

const matmul: Handler = (t, r) => {
  const b = r.floatInput(1, 'B');
  if (!b || b.dims.length !== 2) throw new Error('the second operand must be a constant matrix (a Dense kernel)');
  return dense(t, r, b, undefined);
};

const batchNorm: Handler = (t, r) => {
  if ((r.node.output ?? []).filter(Boolean).length > 1 || r.int('training_mode', 0) === 1) refuseNode('onnx-batchnorm-training');
  const x = t.value(r.inputs[0], 'input');
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => r.floatInput(i, ['', 'scale', 'B', 'mean', 'var'][i]));
  if (!scale || !bias || !mean || !variance) throw new Error('scale, B, mean and var must all be given');
  const eps = r.float('epsilon', 1e-5);
  if (!(eps > 0 && eps <= 1)) throw new Error(`epsilon ${eps} is outside (0, 1]`);
  const momentum = r.float('momentum', 0.9);
  const ch = x.onnx[1];
  const weights = [scale, bias, mean, variance].map((w) => ({ shape: [ch], data: w.data }));
  const id = t.draft.add('BatchNormalization', { epsilon: eps, momentum: Math.min(Math.max(momentum, 0), 1), center: true, scale: true }, [t.structured(x, 'BatchNormalization')], r.name, weights);
  return [{ ...x, node: () => id, design: channelsLastShape(x.onnx.slice(1)), map: null, nonNegative: false, biasTarget: undefined }];
};

/** Add / Mul / Sum of computed tensors -> Add / Multiply; a constant bias after a bias-less Dense/Conv folds into it. */
function merge(type: 'Add' | 'Multiply'): Handler {
  return (t, r) => {
    const gelu = r.op === 'Sum' ? undefined : geluArithmetic(t, r, type === 'Add' ? 'Add' : 'Mul');
    if (gelu) return [gelu.value];
    const names = r.inputs.filter(Boolean);
    const consts = names.filter((n) => t.constants.has(n));
    if (type === 'Add' && consts.length === 1 && names.length === 2) {
      const x = t.value(names.find((n) => n !== consts[0])!, 'input');
      const c = r.floatInput(r.inputs.indexOf(consts[0]), 'bias')!;
      const target = x.biasTarget;
      const perChannel = target && sizeOf(c.dims) === target.channels && c.dims.filter((d) => d !== 1).length <= 1 &&
        (target.kind === 'Dense' ? c.dims[c.dims.length - 1] === target.channels : c.dims.length >= 3 && c.dims[c.dims.length - 3] === target.channels);
      if (target && perChannel && t.uses.get(r.inputs.find((n) => n !== consts[0])!) === 1) {
        const node = t.draft.node(target.nodeId);
        node.params.useBias = true;
        t.draft.weights[target.nodeId].push({ shape: [target.channels], data: c.data });
        return [{ ...x, biasTarget: undefined }];
      }
    }
    if (consts.length > 0) throw new Error(`the constant operand '${consts[0]}': LayerLoom's ${type} merges computed tensors (a constant folds only as the bias of a Dense/Conv just before)`);
    if (names.length === 1) return [t.value(names[0], 'input')];
    const xs = names.map((n) => t.value(n, 'input'));
    const rank = xs[0].onnx.length;
    for (const x of xs) {
      if (x.onnx.length !== rank) throw new Error(`broadcasts a rank-${x.onnx.length} tensor against a rank-${rank} one; LayerLoom merges tensors of equal rank`);
      if (x.onnx[0] !== xs[0].onnx[0]) throw new Error('broadcasts along the batch axis');
    }
    const out = xs[0].onnx.map((_, a) => Math.max(...xs.map((x) => x.onnx[a])));
    if (xs.some((x) => x.onnx.some((d, a) => d !== out[a] && d !== 1))) throw new Error(`shapes ${xs.map((x) => `[${x.onnx.join(', ')}]`).join(' and ')} do not broadcast`);
    const id = t.draft.add(type, {}, xs.map((x) => t.structured(x, type)), r.name);
    return [{ node: () => id, design: channelsLastShape(out.slice(1)), onnx: out, map: null, nonNegative: type === 'Multiply' && xs.every((x) => x.nonNegative) }];
  };
}

const concat: Handler = (t, r) => {
  const xs = r.inputs.filter(Boolean).map((n) => t.value(n, 'input'));
  const rank = xs[0].onnx.length;
  const axis = batchAxis(r.int('axis', 1), rank);
  if (axis === 0) refuseNode('onnx-concat-batch');
  const out = [...xs[0].onnx];
  out[axis] = xs.reduce((s, x) => s + x.onnx[axis], 0);
  // ONNX axis 1 is the channels (design axis -1); spatial axis a >= 2 is Keras' batched axis a - 1.
  const id = t.draft.add('Concatenate', { axis: axis === 1 ? -1 : axis - 1 }, xs.map((x) => t.structured(x, 'Concat')), r.name);
  return [{ node: () => id, design: channelsLastShape(out.slice(1)), onnx: out, map: null, nonNegative: xs.every((x) => x.nonNegative) }];
};

const softmax: Handler = (t, r) => {
  const x = t.value(r.inputs[0], 'input');
  const rank = x.onnx.length;
  const axis = batchAxis(r.int('axis', r.opset >= 13 ? -1 : 1), rank);
  // Before opset 13 Softmax normalizes over all axes from `axis` on, as one vector.
  const whole = rank === 2 ? axis === 1 : r.opset < 13 && axis === 1;
  if (!whole && !(axis === 1 && rank > 2)) refuseNode('onnx-softmax-axis', { axis, rank });
  const src = whole ? t.shaped(x, [sizeOf(x.onnx.slice(1))]) : t.structured(x, 'Softmax');
  const id = t.draft.add('Activation', { activation: 'softmax' }, [src], r.name);
  return [{ ...x, node: () => id, design: whole ? [sizeOf(x.onnx.slice(1))] : channelsLastShape(x.onnx.slice(1)), nonNegative: true, biasTarget: undefined }];
};

const clip: Handler = (t, r) => {
  const min = r.opset >= 11 ? r.floatInput(1, 'min')?.data[0] : r.float('min', -Infinity);
  const max = r.opset >= 11 ? r.floatInput(2, 'max')?.data[0] : r.float('max', Infinity);
  if (min === 0 && max === 6) return unary(t, r, 'Activation', { activation: 'relu6' }, true);
  if (min === 0 && (max === undefined || max === Infinity || max >= 3.4e38)) return unary(t, r, 'Activation', { activation: 'relu' }, true);
  return refuseNode('onnx-clip-range', { min: String(min ?? '-inf'), max: String(max ?? 'inf') });
};

const flatten: Handler = (t, r) => {
  const x = t.value(r.inputs[0], 'input');
  const axis = batchAxis(r.int('axis', 1), x.onnx.length);
  if (axis !== 1) refuseNode('onnx-flatten-axis', { axis });
  return [view(x, [x.onnx[0], sizeOf(x.onnx.slice(1))])];
};

const reshape: Handler = (t, r) => {
  const x = t.value(r.inputs[0], 'input');
  const shape = r.opset >= 5 ? r.intInput(1, 'shape') : r.ints('shape', []);
  if (!shape) throw new Error('a Reshape needs a shape');
  const allowZero = r.int('allowzero', 0) === 1;
  const per = sizeOf(x.onnx.slice(1));
  const rest = shape.slice(1).map((d, i) => (d === 0 && !allowZero ? x.onnx[i + 1] : d));
  if (rest.filter((d) => d === -1).length + (shape[0] === -1 ? 1 : 0) > 1) throw new Error(`shape [${shape.join(', ')}] has more than one -1`);
  const known = sizeOf(rest.filter((d) => d !== -1));
  const out = [x.onnx[0], ...rest.map((d) => (d === -1 ? per / known : d))];
  const keepsBatch = shape[0] === -1 || (shape[0] === 0 && !allowZero) || (x.onnx[0] > 0 && shape[0] === x.onnx[0]);
  if (!keepsBatch || out.slice(1).some((d) => !Number.isInteger(d) || d <= 0) || sizeOf(out.slice(1)) !== per) {
    refuseNode('onnx-reshape-batch', { from: x.onnx.join(', '), to: shape.join(', ') });
  }
  return [view(x, out)];
};

function axesOf(t: ValueTable, r: NodeReader): number[] {
  return (r.opset >= 13 ? r.intInput(1, 'axes') : r.ints('axes', [])) ?? [];
}

const squeeze: Handler = (t, r) => {
  const x = t.value(r.inputs[0], 'input');
  const axes = axesOf(t, r).map((a) => batchAxis(a, x.onnx.length));
  const drop = axes.length > 0 ? axes : x.onnx.map((d, i) => (d === 1 && i > 0 ? i : -1)).filter((i) => i >= 0);
  if (drop.includes(0)) throw new Error('squeezes the batch axis');
  return [view(x, x.onnx.filter((_, i) => !drop.includes(i)))];
};

const unsqueeze: Handler = (t, r) => {
  const x = t.value(r.inputs[0], 'input');
  const rank = x.onnx.length + axesOf(t, r).length;
  const axes = axesOf(t, r).map((a) => batchAxis(a, rank));
  if (axes.includes(0)) throw new Error('inserts an axis before the batch axis');
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : x.onnx[k++]);
  return [view(x, out)];
};

const transposeOp: Handler = (t, r) => {
  const x = t.value(r.inputs[0], 'input');
  const rank = x.onnx.length;
  const perm = r.ints('perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
  if (perm[0] !== 0) refuseNode('onnx-transpose-batch', { perm: perm.join(', ') });
  const onnx = perm.map((p) => x.onnx[p]);
  // Where each old ONNX position lands: transpose the positions themselves (exact in float32 below 2^24).
  const n = sizeOf(x.onnx.slice(1));
  if (n >= 1 << 24) throw new Error('the tensor is too large to transpose at import');
  const oldAt = transpose(Float32Array.from({ length: n }, (_, i) => i), x.onnx.slice(1), perm.slice(1).map((p) => p - 1)).data;
  const newPos = new Int32Array(n);
  oldAt.forEach((old, j) => (newPos[old] = j));
  const map = explicitMap(x).map((old) => newPos[old]);
  return [{ ...x, onnx, map: normalizeMap(map, onnx), biasTarget: undefined }];
};

const pad: Handler = (t, r) => {
  const x = t.value(r.inputs[0], 'input');
  const mode = r.string('mode', 'constant');
  if (mode !== 'constant') refuseNode('onnx-pad-mode', { mode });
  const pads = r.opset >= 11 ? r.intInput(1, 'pads') : r.ints(r.has('paddings') ? 'paddings' : 'pads', []);
  const value = r.opset >= 11 ? (r.floatInput(2, 'constant_value')?.data[0] ?? 0) : r.float('value', 0);
  if (r.inputs[3]) throw new Error('an axes input: give pads for every axis');
  if (value !== 0 && value !== -Infinity) throw new Error(`pads with value ${value}; LayerLoom pads with zeros`);
  const rank = x.onnx.length;
  if (!pads || pads.length !== 2 * rank) throw new Error(`expected ${2 * rank} pads`);
  if (pads.every((p) => p === 0)) return [x];
  if (rank !== 4 || pads[0] || pads[1] || pads[rank] || pads[rank + 1]) refuseNode('onnx-pads-axes', { pads: pads.join(', ') });
  if (pads.some((p) => p < 0)) refuseNode('onnx-negative-pads', { pads: pads.join(', ') });
  const [t0, l0, b0, r0] = [pads[2], pads[3], pads[6], pads[7]];
  if (value === -Infinity) {
    const onnx = [x.onnx[0], x.onnx[1], x.onnx[2] + t0 + b0, x.onnx[3] + l0 + r0];
    const refuse = (): string => {
      throw new Error(`'${r.node.output?.[0]}' pads with -inf for something other than a MaxPool; LayerLoom pads with zeros`);
    };
    return [{ node: refuse, design: channelsLastShape(onnx.slice(1)), onnx, map: null, nonNegative: false, negInfPad: { source: x, pads: [t0, l0, b0, r0] } }];
  }
  const id = t.draft.add('ZeroPadding2D', { padding: [[t0, b0], [l0, r0]] }, [t.structured(x, 'Pad')], r.name);
  const onnx = [x.onnx[0], x.onnx[1], x.onnx[2] + t0 + b0, x.onnx[3] + l0 + r0];
  return [{ node: () => id, design: channelsLastShape(onnx.slice(1)), onnx, map: null, nonNegative: x.nonNegative }];
};

const dropout: Handler = (t, r) => {
  const outs = (r.node.output ?? []).filter(Boolean);
  if (outs.length > 1 && (t.uses.get(outs[1]) ?? 0) > 0) throw new Error('its mask output is used; LayerLoom\'s Dropout has none');
  const training = r.opset >= 12 ? r.intInput(2, 'training_mode')?.[0] : r.int('is_test', 1) === 0 && r.opset < 7 ? 1 : 0;
  if (training) refuseNode('onnx-dropout-training');
  const ratio = r.opset >= 12 ? (r.floatInput(1, 'ratio')?.data[0] ?? 0.5) : r.float('ratio', 0.5);
  if (!(ratio >= 0 && ratio < 1)) throw new Error(`ratio ${ratio} is outside [0, 1)`);
  return unary(t, r, 'Dropout', { rate: ratio }, t.value(r.inputs[0], 'input').nonNegative);
};

/** The operators LayerLoom imports, by ONNX op_type (default domain). */
export const IMPORT_OPS: Readonly<Record<string, Handler>> = {
  Conv: (t, r) => [importConv(t, r)],
  ConvTranspose: (t, r) => [importConvTranspose(t, r)],
  MaxPool: (t, r) => [importPool(t, r, 'max')],
  AveragePool: (t, r) => [importPool(t, r, 'avg')],
  GlobalAveragePool: (t, r) => globalPool(t, r, 'GlobalAvgPool2D'),
  GlobalMaxPool: (t, r) => globalPool(t, r, 'GlobalMaxPool2D'),
  ReduceMean: reduceSpatial('GlobalAvgPool2D'),
  ReduceMax: reduceSpatial('GlobalMaxPool2D'),
  BatchNormalization: batchNorm,
  Gemm: gemm,
  MatMul: matmul,
  Add: merge('Add'),
  Sum: merge('Add'),
  Mul: merge('Multiply'),
  Concat: concat,
  Div: (t, r) => [geluDiv(t, r) ?? refuseNode('onnx-gelu-div')],
  Erf: (t, r) => [geluErf(t, r) ?? refuseNode('onnx-gelu-erf')],
  Relu: activation('relu', true),
  Sigmoid: activation('sigmoid', true),
  Tanh: activation('tanh'),
  Softplus: activation('softplus', true),
  Softsign: activation('softsign'),
  Mish: activation('mish'),
  Elu: (t, r) => (requireDefault(r, 'alpha', 1), unary(t, r, 'Activation', { activation: 'elu' }, false)),
  Selu: (t, r) => (requireDefault(r, 'alpha', 1.6732632423543772), requireDefault(r, 'gamma', 1.0507009873554805), unary(t, r, 'Activation', { activation: 'selu' }, false)),
  HardSigmoid: (t, r) => (requireDefault(r, 'alpha', 0.2), requireDefault(r, 'beta', 0.5), unary(t, r, 'Activation', { activation: 'hardSigmoid' }, true)),
  LeakyRelu: (t, r) => {
    const alpha = r.float('alpha', 0.01);
    if (!(alpha >= 0 && alpha <= 1)) throw new Error(`alpha ${alpha} is outside LayerLoom's [0, 1]`);
    return unary(t, r, 'Activation', { activation: 'leakyRelu', alpha }, false);
  },
  Clip: clip,
  Softmax: softmax,
  Flatten: flatten,
  Reshape: reshape,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transposeOp,
  Identity: (t, r) => [t.value(r.inputs[0], 'input')],
  Dropout: dropout,
  Pad: pad,
};

/** ReduceMean / ReduceMax over the spatial axes of an image (PyTorch's x.mean((2, 3))) -> global pooling. */
function reduceSpatial(type: 'GlobalAvgPool2D' | 'GlobalMaxPool2D'): Handler {
  return (t, r) => {
    const x = t.value(r.inputs[0], 'input');
    const axes = (r.opset >= 18 ? r.intInput(1, 'axes') : r.ints('axes', [])) ?? [];
    const sorted = axes.map((a) => batchAxis(a, x.onnx.length)).sort().join();
    if (x.onnx.length !== 4 || sorted !== '2,3') throw new Error(`a reduction over ${axes.length ? `axes [${axes.join(', ')}]` : 'all axes (the batch too)'} of a rank-${x.onnx.length} tensor: LayerLoom reduces the height and width of images (global pooling)`);
    const [v] = globalPool(t, r, type);
    return [r.int('keepdims', 1) === 1 ? v : { ...v, onnx: [x.onnx[0], x.onnx[1]] }];
  };
}

function globalPool(t: ValueTable, r: NodeReader, type: 'GlobalAvgPool2D' | 'GlobalMaxPool2D'): Value[] {
  const x = t.value(r.inputs[0], 'input');
  if (x.onnx.length !== 4) throw new Error(`a rank-${x.onnx.length} input: LayerLoom pools 2-D images ([N, C, H, W])`);
  const id = t.draft.add(type, {}, [t.structured(x, r.op)], r.name);
  // [N, C, 1, 1] in ONNX, [C] in the design: the same values in the same order.
  return [{ node: () => id, design: [x.onnx[1]], onnx: [x.onnx[0], x.onnx[1], 1, 1], map: null, nonNegative: x.nonNegative }];
}
