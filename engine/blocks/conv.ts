/** Convolution blocks: Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose (tfjs-layers `convolutional.ts`). */
import { z } from 'zod';
import { conv2dParams, conv2dTransposeParams, depthwiseConv2dParams, separableConv2dParams } from './params';
import { deconvLength, fail, needsImage, product, windowOutput, windowTransfer } from './shape-utils';
import type { PrimitiveBlock } from './types';

const IN = [{ name: 'in' }];

export const conv2d: PrimitiveBlock<z.output<typeof conv2dParams>> = {
  kind: 'primitive',
  type: 'Conv2D',
  label: 'Conv 2D',
  category: 'convolution',
  description: 'A 2-D convolution: `filters` kernels of size h×w slide over the input with the given stride, padding and dilation.',
  params: conv2dParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'Conv2D');
    if (bad) return { ok: false, error: bad };
    const r = windowOutput(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation);
    return r.ok ? { ok: true, shape: [...r.hw, p.filters] } : r;
  },
  paramCount: (inputs, _out, p) => ({ trainable: p.kernelSize[0] * p.kernelSize[1] * inputs[0][2] * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 }),
  macs: (inputs, out, p) => product(out) * p.kernelSize[0] * p.kernelSize[1] * inputs[0][2],
  receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation),
  layer: (p) => ({
    className: 'Conv2D',
    config: { filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation, useBias: p.useBias, activation: p.activation },
  }),
};

export const depthwiseConv2d: PrimitiveBlock<z.output<typeof depthwiseConv2dParams>> = {
  kind: 'primitive',
  type: 'DepthwiseConv2D',
  label: 'Depthwise Conv 2D',
  category: 'convolution',
  description: 'One h×w kernel per input channel (times the depth multiplier); no mixing across channels.',
  params: depthwiseConv2dParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'DepthwiseConv2D');
    if (bad) return { ok: false, error: bad };
    if (p.dilation[0] > 1 || p.dilation[1] > 1) {
      // tfjs-layers 4.x silently ignores DepthwiseConv2D's dilationRate (its call() passes null): refuse rather than train another model.
      return { ok: false, error: { code: 'unsupported', param: 'dilation', message: 'dilation > 1 is not supported by tfjs for DepthwiseConv2D (tfjs would ignore it); use dilation 1 or a SeparableConv2D' } };
    }
    const r = windowOutput(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation);
    return r.ok ? { ok: true, shape: [...r.hw, inputs[0][2] * p.depthMultiplier] } : r;
  },
  paramCount: (inputs, _out, p) => {
    const c = inputs[0][2] * p.depthMultiplier;
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * c + (p.useBias ? c : 0), nonTrainable: 0 };
  },
  macs: (_inputs, out, p) => product(out) * p.kernelSize[0] * p.kernelSize[1],
  receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation),
  layer: (p) => ({
    className: 'DepthwiseConv2D',
    config: { kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation, depthMultiplier: p.depthMultiplier, useBias: p.useBias, activation: p.activation },
  }),
};

export const separableConv2d: PrimitiveBlock<z.output<typeof separableConv2dParams>> = {
  kind: 'primitive',
  type: 'SeparableConv2D',
  label: 'Separable Conv 2D',
  category: 'convolution',
  description: 'A depthwise convolution followed by a 1×1 pointwise convolution, in one layer.',
  params: separableConv2dParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'SeparableConv2D');
    if (bad) return { ok: false, error: bad };
    const r = windowOutput(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation);
    return r.ok ? { ok: true, shape: [...r.hw, p.filters] } : r;
  },
  paramCount: (inputs, _out, p) => {
    const mid = inputs[0][2] * p.depthMultiplier;
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * mid + mid * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 };
  },
  macs: (inputs, out, p) => {
    const mid = inputs[0][2] * p.depthMultiplier;
    return out[0] * out[1] * mid * (p.kernelSize[0] * p.kernelSize[1] + p.filters);
  },
  receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation),
  layer: (p) => ({
    className: 'SeparableConv2D',
    config: {
      filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation,
      depthMultiplier: p.depthMultiplier, useBias: p.useBias, activation: p.activation,
    },
  }),
};

export const conv2dTranspose: PrimitiveBlock<z.output<typeof conv2dTransposeParams>> = {
  kind: 'primitive',
  type: 'Conv2DTranspose',
  label: 'Conv 2D Transpose',
  category: 'convolution',
  description: 'A transposed ("de-") convolution that upsamples by its stride.',
  params: conv2dTransposeParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'Conv2DTranspose');
    if (bad) return { ok: false, error: bad };
    const h = deconvLength(inputs[0][0], p.kernelSize[0], p.padding, p.strides[0]);
    const w = deconvLength(inputs[0][1], p.kernelSize[1], p.padding, p.strides[1]);
    if (h <= 0 || w <= 0) return fail('spatial-too-small', `output size would be ${h}x${w}`);
    return { ok: true, shape: [h, w, p.filters] };
  },
  paramCount: (inputs, _out, p) => ({ trainable: p.kernelSize[0] * p.kernelSize[1] * inputs[0][2] * p.filters + (p.useBias ? p.filters : 0), nonTrainable: 0 }),
  macs: (inputs, _out, p) => product(inputs[0]) * p.kernelSize[0] * p.kernelSize[1] * p.filters,
  /**
   * Upsampling has a fractional effective stride 1/s: an output unit sees about ceil(k/s) inputs. The
   * padding follows from the leftmost input that reaches output 0 (an approximation outside Araujo et al.).
   */
  receptiveField: (_inputs, _out, p) => {
    const t = (a: 0 | 1) => {
      const s = p.strides[a];
      const k = p.kernelSize[a];
      const crop = p.padding === 'same' ? Math.floor(Math.max(k - s, 0) / 2) : 0;
      return { kernel: Math.ceil(k / s), stride: 1 / s, padding: (k - 1 - crop) / s };
    };
    const [h, w] = [t(0), t(1)];
    return { kernel: [h.kernel, w.kernel], stride: [h.stride, w.stride], padding: [h.padding, w.padding] };
  },
  layer: (p) => ({
    className: 'Conv2DTranspose',
    config: { filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, useBias: p.useBias, activation: p.activation },
  }),
};
