/**
 * Mobile-network composites: MobileNet v1's depthwise-separable block, MobileNet v2's inverted residual and
 * Squeeze-and-Excitation, expanded as in Keras Applications (`mobilenet.py`, `mobilenet_v2.py`).
 */
import { z } from 'zod';
import { activationSchema, posInt } from './params';
import { SubgraphBuilder } from './subgraph';
import type { CompositeBlock } from './types';

/** Squeeze-and-Excitation (Hu et al. 2018): GAP -> Dense(C/r, relu) -> Dense(C, sigmoid) -> scale. */
export const squeezeExciteParams = z.object({ ratio: posInt(4096).default(16) });

/** Depthwise-separable block as in MobileNet v1: depthwise 3x3 -> BN -> act -> 1x1 conv -> BN -> act. */
export const separableBlockParams = z.object({
  filters: posInt(65536).default(64),
  strides: posInt(64).default(1),
  depthMultiplier: posInt(64).default(1),
  activation: activationSchema.default('relu6'),
  batchNorm: z.boolean().default(true),
});

/** MobileNet v2 inverted residual: 1x1 expand -> depthwise 3x3 -> 1x1 linear project (+ identity when shapes match). */
export const invertedResidualParams = z.object({
  filters: posInt(65536).default(32),
  strides: posInt(64).default(1),
  expansion: posInt(64).default(6),
});

export const separableBlock: CompositeBlock<z.output<typeof separableBlockParams>> = {
  kind: 'composite',
  type: 'SeparableBlock',
  label: 'Depthwise-Separable Block',
  category: 'composite',
  description: 'MobileNet v1: depthwise 3×3 -> BN -> activation -> pointwise 1×1 -> BN -> activation.',
  explain: {
    text: 'MobileNet\'s building block: a depthwise 3×3 convolution filters each channel, a 1×1 convolution mixes them, each followed by BatchNorm and an activation. About 8–9× cheaper than a full 3×3 convolution.',
    formulas: { output: 'H\' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (\'valid\': p = 0; \'same\': H\' = ⌈H / s⌉)', params: '9·C_in + C_in·filters (+ BatchNorm)', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride (k = 3)' },
    diagram: 'depthwise',
  },
  params: separableBlockParams,
  inputs: [{ name: 'in' }],
  expand(p) {
    const b = new SubgraphBuilder();
    let y = SubgraphBuilder.input(0);
    // Keras `_depthwise_conv_block`: a strided block pads bottom/right by one, then convolves 'valid'.
    if (p.strides > 1) y = b.add('pad', 'ZeroPadding2D', { padding: [[0, 1], [0, 1]] }, y);
    const pad = p.strides > 1 ? 'valid' : 'same';
    y = b.add('dw', 'DepthwiseConv2D', { kernelSize: [3, 3], strides: [p.strides, p.strides], padding: pad, depthMultiplier: p.depthMultiplier, useBias: !p.batchNorm }, y);
    if (p.batchNorm) y = b.add('dw_bn', 'BatchNormalization', {}, y);
    y = b.add('dw_relu', 'Activation', { activation: p.activation }, y);
    y = b.add('pw', 'Conv2D', { filters: p.filters, kernelSize: [1, 1], padding: 'same', useBias: !p.batchNorm }, y);
    if (p.batchNorm) y = b.add('pw_bn', 'BatchNormalization', {}, y);
    return b.build(b.add('pw_relu', 'Activation', { activation: p.activation }, y));
  },
};

export const invertedResidual: CompositeBlock<z.output<typeof invertedResidualParams>> = {
  kind: 'composite',
  type: 'InvertedResidual',
  label: 'Inverted Residual (MobileNet v2)',
  category: 'composite',
  description: '1×1 expansion -> depthwise 3×3 -> linear 1×1 projection, with an identity shortcut when stride is 1 and channels match.',
  explain: {
    text: 'MobileNetV2\'s block: widen with a 1×1 convolution, filter with a depthwise 3×3, project back down with a linear 1×1; a shortcut adds the input when the shape allows. Cheap, and the thin ends keep memory low.',
    formulas: { output: '⌈H / s⌉ × ⌈W / s⌉ × filters', params: 'C_in·t·C_in + 9·t·C_in + t·C_in·filters (+ BatchNorm)', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride (k = 3)' },
    diagram: 'shortcut',
  },
  params: invertedResidualParams,
  inputs: [{ name: 'in' }],
  expand(p, inputs) {
    const b = new SubgraphBuilder();
    const x = SubgraphBuilder.input(0);
    const [h, w, cin] = inputs[0] ?? [0, 0, 0];
    const bn = (id: string, from: string) => b.add(id, 'BatchNormalization', { epsilon: 1e-3, momentum: 0.999 }, from);
    const relu6 = (id: string, from: string) => b.add(id, 'Activation', { activation: 'relu6' }, from);
    let y = x;
    if (p.expansion !== 1) {
      y = b.add('expand', 'Conv2D', { filters: p.expansion * cin, kernelSize: [1, 1], padding: 'same', useBias: false }, y);
      y = relu6('expand_relu', bn('expand_BN', y));
    }
    if (p.strides > 1) {
      // Keras `correct_pad`: one less on top/left when the size is even.
      y = b.add('pad', 'ZeroPadding2D', { padding: [[h % 2, 1], [w % 2, 1]] }, y);
    }
    y = b.add('depthwise', 'DepthwiseConv2D', { kernelSize: [3, 3], strides: [p.strides, p.strides], padding: p.strides > 1 ? 'valid' : 'same', useBias: false }, y);
    y = relu6('depthwise_relu', bn('depthwise_BN', y));
    y = b.add('project', 'Conv2D', { filters: p.filters, kernelSize: [1, 1], padding: 'same', useBias: false }, y);
    y = bn('project_BN', y);
    if (p.strides === 1 && cin === p.filters) y = b.add('add', 'Add', {}, [x, y]);
    return b.build(y);
  },
};

export const squeezeExcite: CompositeBlock<z.output<typeof squeezeExciteParams>> = {
  kind: 'composite',
  type: 'SqueezeExcite',
  label: 'Squeeze-and-Excitation',
  category: 'composite',
  description: 'Reweights channels: global average pool -> Dense(C/r, relu) -> Dense(C, sigmoid) -> multiply.',
  explain: {
    text: 'Squeeze-and-excitation: pools each channel to one number, passes them through a small bottleneck of Dense layers, and multiplies every channel by the resulting 0–1 weight. The network learns which channels matter for this image.',
    formulas: { output: 'output = input shape', params: '2·C²/r + C/r + C', receptiveField: 'the whole input (the channel weights come from global pooling)' },
    diagram: 'reweight',
  },
  params: squeezeExciteParams,
  inputs: [{ name: 'in' }],
  expand(p, inputs) {
    const b = new SubgraphBuilder();
    const x = SubgraphBuilder.input(0);
    const c = inputs[0]?.[inputs[0].length - 1] ?? 1;
    let y = b.add('squeeze', 'GlobalAvgPool2D', {}, x);
    y = b.add('reduce', 'Dense', { units: Math.max(1, Math.floor(c / p.ratio)), activation: 'relu' }, y);
    y = b.add('expand', 'Dense', { units: c, activation: 'sigmoid' }, y);
    y = b.add('reshape', 'Reshape', { targetShape: [1, 1, c] }, y);
    return b.build(b.add('scale', 'Multiply', {}, [x, y]));
  },
};
