/**
 * The residual block (He et al. 2016). Bottleneck with `strideAt: '1x1'`, `useBias: true`, `epsilon: 1.001e-5`
 * expands exactly as Keras Applications' `resnet.py` `block1` (ResNet-50/101/152), with its layer names
 * (`_0_conv` projection, `_1_conv`, `_1_bn`, `_1_relu`, ..., `_add`, `_out`).
 */
import { z } from 'zod';
import { posInt } from './params';
import { SubgraphBuilder } from './subgraph';
import type { CompositeBlock } from './types';

/**
 * Residual block (He et al. 2016). `basic`: 3x3-3x3 with `filters` out; `bottleneck`: 1x1-3x3-1x1 with
 * `filters * expansion` out. A projection shortcut (1x1 conv + BN) is added when stride or channels change
 * (`projection: 'auto'`). `strideAt` puts the stride on the first 1x1 (Keras ResNet v1) or on the 3x3 (v1.5).
 */
export const residualParams = z.object({
  variant: z.enum(['basic', 'bottleneck']).default('basic'),
  filters: posInt(65536).default(64),
  strides: posInt(64).default(1),
  expansion: posInt(64).default(4),
  projection: z.enum(['auto', 'always', 'never']).default('auto'),
  strideAt: z.enum(['1x1', '3x3']).default('3x3'),
  useBias: z.boolean().default(false),
  epsilon: z.number().positive().max(1).default(0.001),
});

type ResidualParams = z.output<typeof residualParams>;

export const residual: CompositeBlock<ResidualParams> = {
  kind: 'composite',
  type: 'Residual',
  label: 'Residual Block',
  category: 'composite',
  description: 'Basic (3×3, 3×3) or bottleneck (1×1, 3×3, 1×1) convolutions plus a shortcut; a 1×1 projection shortcut when the stride or channels change.',
  explain: {
    text: 'Two (or three) convolutions plus a shortcut that skips them, added at the end: y = F(x) + x. The block learns only what to change, so gradients flow through dozens of blocks (ResNet).',
    formulas: { output: '⌈H / s⌉ × ⌈W / s⌉ × filters (×4 for bottleneck)', params: 'the sum of its convolutions (+ 1×1 projection when the shape changes)', receptiveField: 'the main path\'s: RF + (3 − 1)·S_eff per 3×3 layer' },
    diagram: 'shortcut',
  },
  params: residualParams,
  inputs: [{ name: 'in' }],
  expand(p, inputs) {
    const b = new SubgraphBuilder();
    const x = SubgraphBuilder.input(0);
    const cin = inputs[0]?.[2];
    const cout = p.variant === 'bottleneck' ? p.filters * p.expansion : p.filters;
    const project = p.projection === 'always' || (p.projection === 'auto' && (p.strides > 1 || cin !== cout));
    const conv = (id: string, filters: number, k: number, strides: number, from: string) => {
      let src = from;
      // A strided 3x3 gets explicit symmetric padding (as PyTorch's padding=1) so its centre stays aligned with the shortcut.
      const padded = k === 3 && strides > 1;
      if (padded) src = b.add(id.replace('conv', 'pad'), 'ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, src);
      return b.add(id, 'Conv2D', { filters, kernelSize: [k, k], strides: [strides, strides], padding: padded || k === 1 ? 'valid' : 'same', useBias: p.useBias }, src);
    };
    const bn = (id: string, from: string) => b.add(id, 'BatchNormalization', { epsilon: p.epsilon }, from);
    const relu = (id: string, from: string) => b.add(id, 'Activation', { activation: 'relu' }, from);

    let shortcut = x;
    if (project) shortcut = bn('0_bn', conv('0_conv', cout, 1, p.strides, x));
    let y: string;
    if (p.variant === 'bottleneck') {
      const s1 = p.strideAt === '1x1' ? p.strides : 1;
      const s3 = p.strideAt === '3x3' ? p.strides : 1;
      y = relu('1_relu', bn('1_bn', conv('1_conv', p.filters, 1, s1, x)));
      y = relu('2_relu', bn('2_bn', conv('2_conv', p.filters, 3, s3, y)));
      y = bn('3_bn', conv('3_conv', cout, 1, 1, y));
    } else {
      y = relu('1_relu', bn('1_bn', conv('1_conv', p.filters, 3, p.strides, x)));
      y = bn('2_bn', conv('2_conv', p.filters, 3, 1, y));
    }
    const sum = b.add('add', 'Add', {}, [shortcut, y]);
    return b.build(relu('out', sum));
  },
};
