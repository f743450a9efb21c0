/**
 * ONNX operators with a sliding window -> LayerLoom blocks: Conv, ConvTranspose, MaxPool, AveragePool. ONNX
 * pads are explicit per side (or `auto_pad`); LayerLoom's blocks have TensorFlow's 'valid' and 'same' (extra
 * pixel after). Pads equal to 'same' for the input size become 'same'; other pads become a ZeroPadding2D
 * before a 'valid' window where that is exact (convolutions; average pooling that counts the pads; max
 * pooling of a tensor known to be >= 0), and are refused otherwise.
 */
import { conv2dTranspose } from '../blocks/conv';
import type { NodeReader } from './import-attrs';
import { refuseNode, type Value } from './import-graph';
import type { DesignDraft, ValueTable } from './import-graph';
import { transpose } from './layout';
import type { FloatTensor } from './tensor';

/** Pads as [top, left, bottom, right], ONNX order. */
type Pads = [number, number, number, number];

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pads: Pads;
  /** How LayerLoom expresses the pads. */
  mode: 'valid' | 'same' | 'explicit';
}

const effective = (k: number, d: number) => d * (k - 1) + 1;

/** TensorFlow's 'same' pads (extra after) for input `[h, w]`. */
function samePads(hw: number[], k: number[], s: number[], d: number[], lower = false): Pads {
  const axis = (a: number) => {
    const out = Math.ceil(hw[a] / s[a]);
    const total = Math.max((out - 1) * s[a] + effective(k[a], d[a]) - hw[a], 0);
    const small = Math.floor(total / 2);
    return lower ? [total - small, small] : [small, total - small];
  };
  const [h, w] = [axis(0), axis(1)];
  return [h[0], w[0], h[1], w[1]];
}

/** Reads kernel, strides, dilations and pads (resolving auto_pad) for a 2-D window over input `[h, w]`. */
export function readWindow(r: NodeReader, hw: number[], kernel: [number, number], extra: Pads = [0, 0, 0, 0]): Window {
  const strides = r.ints('strides', [1, 1]) as [number, number];
  const dilations = r.ints('dilations', [1, 1]) as [number, number];
  const autoPad = r.string('auto_pad', 'NOTSET');
  let pads: Pads;
  if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') pads = samePads(hw, kernel, strides, dilations, autoPad === 'SAME_LOWER');
  else if (autoPad === 'NOTSET') pads = r.ints('pads', [0, 0, 0, 0]) as Pads;
  else throw new Error(`auto_pad '${autoPad}' is not an ONNX value`);
  if (strides.length !== 2 || dilations.length !== 2 || pads.length !== 4) throw new Error('strides, dilations and pads must describe 2 spatial axes');
  pads = pads.map((p, i) => p + extra[i]) as Pads;
  if (pads.some((p) => p < 0)) refuseNode('onnx-negative-pads', { pads: pads.join(', ') });
  const same = samePads(hw, kernel, strides, dilations);
  const mode = pads.every((p) => p === 0) ? 'valid' : pads.every((p, i) => p === same[i]) ? 'same' : 'explicit';
  return { kernel, strides, dilations, pads, mode };
}

/** Output length of a window along one axis (ONNX's formula, floor or ceil mode). */
function outLength(len: number, k: number, s: number, d: number, before: number, after: number, ceil = false): number {
  const span = len + before + after - effective(k, d);
  return (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
}

/** The ZeroPadding2D block for explicit pads (or the input itself when none are needed). */
function padded(draft: DesignDraft, src: string, win: Window, name: string): string {
  if (win.mode !== 'explicit') return src;
  const [t, l, b, rr] = win.pads;
  return draft.add('ZeroPadding2D', { padding: [[t, b], [l, rr]] }, [src], `${name}_pad`);
}

function image(t: ValueTable, r: NodeReader, what: string): { x: Value; hw: number[] } {
  const x = t.value(r.inputs[0], 'input');
  if (x.onnx.length !== 4) throw new Error(`${x.onnx.length - 2}-D ${what}: LayerLoom works on 2-D images ([N, C, H, W])`);
  return { x, hw: x.onnx.slice(2) };
}

/** Conv -> Conv2D (group 1) or DepthwiseConv2D (one group per input channel), with ZeroPadding2D for other pads. */
export function importConv(t: ValueTable, r: NodeReader): Value {
  const { x, hw } = image(t, r, 'convolution');
  const w = r.floatInput(1, 'weight') as FloatTensor;
  if (!w) throw new Error('a Conv needs a weight input');
  const bias = r.floatInput(2, 'bias');
  const [m, cg, kh, kw] = w.dims;
  const c = x.onnx[1];
  const group = r.int('group', 1);
  const win = readWindow(r, hw, [kh, kw]);
  if (win.dilations.some((d) => d > 1) && win.strides.some((s) => s > 1)) refuseNode('onnx-dilation-strides');
  let type: string;
  let kernel: { dims: number[]; data: Float32Array };
  const params: Record<string, unknown> = {};
  if (group === 1 && cg === c) {
    type = 'Conv2D';
    params.filters = m;
    kernel = transpose(w.data, w.dims, [2, 3, 1, 0]);
  } else if (group === c && cg === 1 && m % c === 0) {
    if (win.dilations.some((d) => d > 1)) refuseNode('onnx-depthwise-dilation');
    type = 'DepthwiseConv2D';
    params.depthMultiplier = m / c;
    // [C*m, 1, kh, kw] is [C, m, kh, kw] in memory -> Keras [kh, kw, C, m].
    kernel = transpose(w.data, [c, m / c, kh, kw], [2, 3, 0, 1]);
  } else {
    refuseNode('onnx-grouped-conv', { group, channels: c });
  }
  const src = padded(t.draft, t.structured(x, 'Conv'), win, r.name);
  Object.assign(params, { kernelSize: [kh, kw], strides: win.strides, padding: win.mode === 'same' ? 'same' : 'valid', dilation: win.dilations, useBias: !!bias, activation: 'linear' });
  const weights = [{ shape: kernel.dims, data: kernel.data }, ...(bias ? [{ shape: [m], data: bias.data }] : [])];
  const id = t.draft.add(type, params, [src], r.name, weights);
  const [pt, pl, pb, pr] = win.pads;
  const oh = outLength(hw[0], kh, win.strides[0], win.dilations[0], pt, pb);
  const ow = outLength(hw[1], kw, win.strides[1], win.dilations[1], pl, pr);
  return {
    node: () => id, design: [oh, ow, m], onnx: [x.onnx[0], m, oh, ow], map: null, nonNegative: false,
    biasTarget: !bias && type === 'Conv2D' ? { nodeId: id, channels: m, kind: 'Conv2D' } : undefined,
  };
}

/** ConvTranspose -> the transposed-convolution block when its padding is TensorFlow's 'valid' or 'same'. */
export function importConvTranspose(t: ValueTable, r: NodeReader): Value {
  const { x, hw } = image(t, r, 'transposed convolution');
  const w = r.floatInput(1, 'weight') as FloatTensor;
  if (!w) throw new Error('a ConvTranspose needs a weight input');
  const bias = r.floatInput(2, 'bias');
  const [c, m, kh, kw] = w.dims;
  if (r.int('group', 1) !== 1) refuseNode('onnx-transpose-group', { group: r.int('group', 1) });
  if (r.ints('dilations', [1, 1]).some((d) => d !== 1)) throw new Error('dilations > 1 in a transposed convolution cannot be expressed');
  const s = r.ints('strides', [1, 1]);
  const k = [kh, kw];
  const op = r.ints('output_padding', [0, 0]);
  const autoPad = r.string('auto_pad', 'NOTSET');
  const outShape = r.ints('output_shape', []);
  const pads = r.ints('pads', [0, 0, 0, 0]);
  const out = [0, 1].map((a) => {
    if (outShape.length === 2 || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const target = outShape.length === 2 ? outShape[a] : hw[a] * s[a];
      const total = s[a] * (hw[a] - 1) + op[a] + k[a] - target;
      const half = Math.floor(total / 2);
      pads[a] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[a + 2] = total - pads[a];
      return target;
    }
    return s[a] * (hw[a] - 1) + op[a] + k[a] - pads[a] - pads[a + 2];
  });
  // TensorFlow: 'valid' gives in*s + max(k - s, 0) uncropped; 'same' gives in*s, cropped like conv's 'same' pads.
  const tfValid = [0, 1].every((a) => pads[a] === 0 && out[a] === hw[a] * s[a] + Math.max(k[a] - s[a], 0));
  const same = samePads(out, k, s, [1, 1]);
  const tfSame = [0, 1].every((a) => out[a] === hw[a] * s[a] && pads[a] === same[a]);
  if (!tfValid && !tfSame) {
    throw new Error(`pads [${pads.join(', ')}] with output_padding [${op.join(', ')}] give an output TensorFlow's 'valid'/'same' transposed convolution cannot produce`);
  }
  const kernel = transpose(w.data, w.dims, [2, 3, 1, 0]);
  const params = { filters: m, kernelSize: k, strides: s, padding: tfValid ? 'valid' : 'same', useBias: !!bias, activation: 'linear' };
  const weights = [{ shape: kernel.dims, data: kernel.data }, ...(bias ? [{ shape: [m], data: bias.data }] : [])];
  if (c !== x.onnx[1]) throw new Error(`weight has ${c} input channels, the input has ${x.onnx[1]}`);
  const id = t.draft.add(conv2dTranspose.type, params, [t.structured(x, 'ConvTranspose')], r.name, weights);
  return { node: () => id, design: [out[0], out[1], m], onnx: [x.onnx[0], m, out[0], out[1]], map: null, nonNegative: false };
}

/** MaxPool / AveragePool -> MaxPool2D / AvgPool2D (+ ZeroPadding2D where exact). */
export function importPool(t: ValueTable, r: NodeReader, kind: 'max' | 'avg'): Value {
  const img = image(t, r, 'pooling');
  // PyTorch writes TensorFlow's asymmetric 'same' max pooling as F.pad(value=-inf) + max_pool2d: one window again.
  const fused = kind === 'max' ? img.x.negInfPad : undefined;
  const x = fused?.source ?? img.x;
  const hw = x.onnx.slice(2);
  if ((r.node.output ?? []).filter(Boolean).length > 1) throw new Error('the Indices output of MaxPool cannot be expressed');
  const kernel = r.ints('kernel_shape', []) as [number, number];
  if (kernel.length !== 2) throw new Error('kernel_shape must have 2 entries');
  const win = readWindow(r, hw, kernel, fused?.pads);
  if (win.dilations.some((d) => d !== 1)) refuseNode('onnx-pool-dilation', { dilations: win.dilations.join(', ') });
  const [pt, pl, pb, pr] = win.pads;
  const out = [outLength(hw[0], kernel[0], win.strides[0], 1, pt, pb), outLength(hw[1], kernel[1], win.strides[1], 1, pl, pr)];
  if (r.int('ceil_mode', 0) === 1) {
    const ceil = [outLength(hw[0], kernel[0], win.strides[0], 1, pt, pb, true), outLength(hw[1], kernel[1], win.strides[1], 1, pl, pr, true)];
    if (ceil[0] !== out[0] || ceil[1] !== out[1]) refuseNode('onnx-ceil-mode', { ceil: ceil.join('x'), floor: out.join('x') });
  }
  if (win.mode === 'explicit') {
    if (kind === 'max' && !x.nonNegative) {
      refuseNode('onnx-maxpool-pads', { pads: win.pads.join(', ') });
    }
    if (kind === 'avg' && r.int('count_include_pad', 0) !== 1) {
      throw new Error(`pads [${win.pads.join(', ')}] differ from TensorFlow's 'same' and are excluded from the average (count_include_pad=0); LayerLoom can only pad with zeros that count`);
    }
  }
  if (kind === 'avg' && win.mode === 'same' && r.int('count_include_pad', 0) === 1) {
    throw new Error('count_include_pad=1 with padding: TensorFlow\'s \'same\' average pooling excludes the pads');
  }
  const src = padded(t.draft, t.structured(x, kind === 'max' ? 'MaxPool' : 'AveragePool'), win.mode === 'explicit' ? win : { ...win, mode: 'valid' }, r.name);
  const params = { poolSize: kernel, strides: win.strides, padding: win.mode === 'same' ? 'same' : 'valid' };
  const id = t.draft.add(kind === 'max' ? 'MaxPool2D' : 'AvgPool2D', params, [src], r.name);
  return { node: () => id, design: [out[0], out[1], x.onnx[1]], onnx: [x.onnx[0], x.onnx[1], out[0], out[1]], map: null, nonNegative: x.nonNegative };
}
