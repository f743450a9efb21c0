/**
 * GhostNet's blocks (Han et al., "GhostNet: More Features from Cheap Operations", CVPR 2020), built from standard
 * layers so analysis, compile, export and training need nothing new:
 *  - GhostModule: a primary convolution makes ⌈out/ratio⌉ "intrinsic" channels; a cheap depthwise convolution
 *    (kernel d, multiplier ratio − 1) makes the "ghost" channels from them; the two are concatenated.
 *  - GhostBottleneck: Ghost module (expand, ReLU) -> [depthwise k×k stride s + BN when s > 1] -> [SE] ->
 *    Ghost module (project, linear) + shortcut (identity, or depthwise k×k stride s + BN + 1×1 conv + BN).
 * As in the authors' PyTorch reference (`ghostnet_pytorch/ghostnet.py`), the SE width is rounded to a multiple of 4.
 */
import { z } from 'zod';
import { DesignError } from '../errors';
import { activationSchema, posInt } from './params';
import { SubgraphBuilder } from './subgraph';
import type { CompositeBlock } from './types';

/** Ghost module params. */
export const ghostModuleParams = z.object({
  filters: posInt(65536).default(64),
  kernelSize: posInt(15).default(1),
  ratio: posInt(16).default(2),
  dwSize: posInt(15).default(3),
  strides: posInt(64).default(1),
  activation: activationSchema.default('relu'),
});

/** Ghost bottleneck params: `expandFilters` is the hidden width (the "exp" column of the paper's Table 1). */
export const ghostBottleneckParams = z.object({
  filters: posInt(65536).default(16),
  expandFilters: posInt(65536).default(48),
  kernelSize: posInt(15).default(3),
  strides: posInt(64).default(1),
  seRatio: z.number().min(0).max(1).default(0),
});

/** Round to a multiple of `divisor`, not below 90% of `v` (MobileNet's `_make_divisible`, used by GhostNet). */
export function makeDivisible(v: number, divisor = 4): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

type GhostParams = z.output<typeof ghostModuleParams>;

/**
 * Adds a Ghost module's layers to `b` (ids prefixed with `prefix`); returns the id of its output. `param` names
 * the caller's param that holds `p.filters`, for the error.
 */
function addGhostModule(b: SubgraphBuilder, prefix: string, p: GhostParams, from: string, param = 'filters'): string {
  if (p.filters % p.ratio !== 0) {
    // The reference keeps ⌈out/ratio⌉·ratio channels and slices; tfjs/Keras have no channel-slice layer.
    throw new DesignError('invalid-params', `${param} (${p.filters}) must be a multiple of ratio (${p.ratio}) for a Ghost module`, `params.${param}`);
  }
  const intrinsic = p.filters / p.ratio;
  const act = (id: string, x: string) => (p.activation === 'linear' ? x : b.add(`${prefix}${id}`, 'Activation', { activation: p.activation }, x));
  let primary = b.add(`${prefix}primary`, 'Conv2D', {
    filters: intrinsic, kernelSize: [p.kernelSize, p.kernelSize], strides: [p.strides, p.strides], padding: 'same', useBias: false,
  }, from);
  primary = act('primary_act', b.add(`${prefix}primary_bn`, 'BatchNormalization', {}, primary));
  if (p.ratio === 1) return primary;
  let cheap = b.add(`${prefix}cheap`, 'DepthwiseConv2D', {
    kernelSize: [p.dwSize, p.dwSize], depthMultiplier: p.ratio - 1, padding: 'same', useBias: false,
  }, primary);
  cheap = act('cheap_act', b.add(`${prefix}cheap_bn`, 'BatchNormalization', {}, cheap));
  return b.add(`${prefix}concat`, 'Concatenate', { axis: -1 }, [primary, cheap]);
}

export const ghostModule: CompositeBlock<GhostParams> = {
  kind: 'composite',
  type: 'GhostModule',
  label: 'Ghost Module',
  category: 'composite',
  description: 'A convolution makes filters/ratio channels; a cheap depthwise convolution makes the rest ("ghosts") from them; concatenated (GhostNet).',
  explain: {
    text: 'GhostNet: an ordinary convolution makes a few feature maps, then cheap depthwise convolutions derive the rest (\'ghosts\') from them; both are concatenated. Nearly the same features for about half the cost.',
    formulas: { output: '[H, W, filters]', params: 'about k²·C_in·filters/ratio + 9·filters·(1 − 1/ratio)', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride' },
    diagram: 'concat',
  },
  params: ghostModuleParams,
  inputs: [{ name: 'in' }],
  expand(p) {
    const b = new SubgraphBuilder();
    return b.build(addGhostModule(b, '', p, SubgraphBuilder.input(0)));
  },
};

export const ghostBottleneck: CompositeBlock<z.output<typeof ghostBottleneckParams>> = {
  kind: 'composite',
  type: 'GhostBottleneck',
  label: 'Ghost Bottleneck',
  category: 'composite',
  description: 'GhostNet\'s bottleneck: Ghost module (expand) -> depthwise stride-2 conv when downsampling -> optional SE -> Ghost module (linear) + shortcut.',
  explain: {
    text: 'GhostNet\'s residual block: a Ghost module widens, an optional depthwise stride-2 convolution downsamples, optional squeeze-and-excitation reweights, a second Ghost module narrows, and a shortcut adds the input.',
    formulas: { output: '⌈H / s⌉ × ⌈W / s⌉ × filters', params: 'the sum of its Ghost modules, depthwise and SE layers', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride' },
    diagram: 'shortcut',
  },
  params: ghostBottleneckParams,
  inputs: [{ name: 'in' }],
  expand(p, inputs) {
    const b = new SubgraphBuilder();
    const x = SubgraphBuilder.input(0);
    const cin = inputs[0]?.[inputs[0].length - 1] ?? 0;
    const k: [number, number] = [p.kernelSize, p.kernelSize];
    const s: [number, number] = [p.strides, p.strides];
    let y = addGhostModule(b, 'ghost1_', { filters: p.expandFilters, kernelSize: 1, ratio: 2, dwSize: 3, strides: 1, activation: 'relu' }, x, 'expandFilters');
    if (p.strides > 1) {
      y = b.add('conv_dw', 'DepthwiseConv2D', { kernelSize: k, strides: s, padding: 'same', useBias: false }, y);
      y = b.add('bn_dw', 'BatchNormalization', {}, y);
    }
    if (p.seRatio > 0) {
      const reduced = makeDivisible(p.expandFilters * p.seRatio, 4);
      // The reference gates with a hard sigmoid (relu6(x + 3) / 6); tfjs' hardSigmoid is 0.2x + 0.5, so the
      // smooth sigmoid is used. The parameters are the same.
      let g = b.add('se_squeeze', 'GlobalAvgPool2D', {}, y);
      g = b.add('se_reduce', 'Dense', { units: reduced, activation: 'relu' }, g);
      g = b.add('se_expand', 'Dense', { units: p.expandFilters, activation: 'sigmoid' }, g);
      g = b.add('se_reshape', 'Reshape', { targetShape: [1, 1, p.expandFilters] }, g);
      y = b.add('se_scale', 'Multiply', {}, [y, g]);
    }
    y = addGhostModule(b, 'ghost2_', { filters: p.filters, kernelSize: 1, ratio: 2, dwSize: 3, strides: 1, activation: 'linear' }, y);
    let shortcut = x;
    if (cin !== p.filters || p.strides !== 1) {
      shortcut = b.add('shortcut_dw', 'DepthwiseConv2D', { kernelSize: k, strides: s, padding: 'same', useBias: false }, x);
      shortcut = b.add('shortcut_dw_bn', 'BatchNormalization', {}, shortcut);
      shortcut = b.add('shortcut_pw', 'Conv2D', { filters: p.filters, kernelSize: [1, 1], padding: 'same', useBias: false }, shortcut);
      shortcut = b.add('shortcut_pw_bn', 'BatchNormalization', {}, shortcut);
    }
    return b.build(b.add('add', 'Add', {}, [y, shortcut]));
  },
};
