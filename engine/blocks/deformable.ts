/**
 * DeformableConv2D: deformable convolution v2 (Zhu et al., CVPR 2019). Each of the k×k taps reads the input at
 * its regular position plus a learned offset (bilinear sampling), scaled by a learned modulation; offsets and
 * modulation come from a k×k convolution of the same input. A LayerLoom custom tfjs layer
 * (`compile/custom-layers/deformable-conv.ts`); PyTorch export through `torchvision.ops.DeformConv2d`.
 */
import { z } from 'zod';
import { windowConfig } from '../codegen/layer-config';
import { applyActivation, int, padExpr, tuple, windowPadding } from '../codegen/torch-helpers';
import { deformableConvClass, DEFORMABLE_CONV_CLASS, type DeformableConvConfig } from '../compile/custom-layers/deformable-conv';
import { paddingSchema } from './params';
import { windowTransfer } from './shape-utils';
import { conv2dParams, convOutputShape } from './conv';
import type { PrimitiveBlock } from './types';

/** Deformable convolution params: a Conv2D's, plus v2's modulation switch. */
export const deformableConv2dParams = conv2dParams.extend({
  padding: paddingSchema.default('same'),
  modulation: z.boolean().default(true),
});

type Params = z.output<typeof deformableConv2dParams>;

/** Offset and modulation channels predicted per output position: 2 per tap, plus 1 per tap with modulation. */
const predicted = (p: Params) => p.kernelSize[0] * p.kernelSize[1] * (p.modulation ? 3 : 2);

export const deformableConv2d: PrimitiveBlock<Params> = {
  kind: 'primitive',
  type: 'DeformableConv2D',
  label: 'Deformable Conv 2D',
  category: 'convolution',
  description: 'A convolution whose taps move: a small convolution predicts an offset (and a weight) for each tap at each position, so the kernel can follow the shapes in the image (deformable convolution v2).',
  explain: {
    text: 'A convolution whose sampling points can move: a small extra convolution predicts, at every position, an offset for each kernel tap, so the kernel can bend around the object\'s shape instead of staying a fixed square.',
    formulas: { output: 'H\' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (\'valid\': p = 0; \'same\': H\' = ⌈H / s⌉)', params: 'k_h·k_w·C_in·filters + bias, plus the offset/mask convolution', receptiveField: 'at least the plain convolution\'s (RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride); offsets can reach further, so it is a lower bound' },
    diagram: 'window',
  },
  params: deformableConv2dParams,
  inputs: [{ name: 'in' }],
  outputShape: (inputs, p) => convOutputShape('DeformableConv2D', inputs, p),
  paramCount: (inputs, _out, p) => {
    const window = p.kernelSize[0] * p.kernelSize[1] * inputs[0][2];
    const extra = predicted(p);
    return { trainable: window * p.filters + (p.useBias ? p.filters : 0) + window * extra + extra, nonTrainable: 0 };
  },
  // The offset/modulation convolution, four reads per bilinear sample, and the main product.
  macs: (inputs, out, p) => {
    const positions = out[0] * out[1];
    const taps = p.kernelSize[0] * p.kernelSize[1];
    const c = inputs[0][2];
    return positions * (taps * c * predicted(p) + taps * c * 4 + taps * c * p.filters);
  },
  // Without offsets, a unit sees its k×k window; learned offsets can reach further: a lower bound.
  receptiveField: (inputs, _out, p) => ({ ...windowTransfer(inputs[0], p.kernelSize, p.strides, p.padding, p.dilation), lowerBound: true }),
  layer: (p) => ({
    className: DEFORMABLE_CONV_CLASS,
    config: {
      filters: p.filters, kernelSize: p.kernelSize, strides: p.strides, padding: p.padding, dilationRate: p.dilation,
      useBias: p.useBias, activation: p.activation, modulation: p.modulation,
    },
  }),
  tfjs: {
    [DEFORMABLE_CONV_CLASS]: { factory: (tf, config) => new (deformableConvClass(tf))(config as unknown as DeformableConvConfig) },
  },
  torch: (ctx) => {
    const c = ctx.node.layer!.config;
    const w = windowConfig(c);
    const inC = ctx.inShapes[0][2];
    const taps = w.kernel[0] * w.kernel[1];
    const { pads, symmetric } = windowPadding(ctx);
    const padding = symmetric ? `(${pads[0][0]}, ${pads[1][0]})` : '(0, 0)';
    const x = symmetric ? ctx.ins[0] : padExpr(ctx.ins[0], pads);
    const window = `kernel_size=${tuple(w.kernel)}, stride=${tuple(w.strides)}, padding=${padding}, dilation=${tuple(w.dilation)}`;
    const modulation = c.modulation !== false;
    ctx.helpers.add('torchvision');
    const init = [
      'nn.ModuleDict({',
      `            "offset": nn.Conv2d(${inC}, ${2 * taps}, ${window}),`,
      ...(modulation ? [`            "mask": nn.Conv2d(${inC}, ${taps}, ${window}),`] : []),
      `            "conv": torchvision.ops.DeformConv2d(${inC}, ${int(c.filters, 'filters')}, ${window}, bias=${c.useBias === false ? 'False' : 'True'}),`,
      '        })',
    ].join('\n');
    const m = `self.${ctx.attr}`;
    const call = modulation ? `${m}["conv"](t, ${m}["offset"](t), torch.sigmoid(${m}["mask"](t)))` : `${m}["conv"](t, ${m}["offset"](t))`;
    return { init, forward: applyActivation(`(lambda t: ${call})(${x})`, ctx.activation) };
  },
  exportLimits: (node, inShapes, target) => {
    if (target === 'pytorch') return inShapes[0]?.length === 3 ? [] : [{ code: 'export-needs-image', values: { className: 'DeformableConv2D', target: 'PyTorch' } }];
    return [{ code: `export-deformable-${target}`, values: {} }];
  },
};
