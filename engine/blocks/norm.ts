/** Normalization and regularization blocks: BatchNormalization, Dropout. */
import { z } from 'zod';
import { num } from '../codegen/torch-helpers';
import { numberLiteral } from '../codegen/sanitize';
import { cfg, LayerProblem } from '../import/keras-config';
import type { PrimitiveBlock } from './types';
import { attrFloat, type OnnxLayerContext } from '../onnx/export-helpers';
import type { ErrorDetail } from '../messages';

/** ONNX BatchNormalization: gamma and beta (1 and 0 where Keras has none), moving mean and variance. */
function batchNormOnnx(ctx: OnnxLayerContext, out: string): string {
  const { w, node } = ctx;
  const c = node.layer!.config;
  const ch = ctx.inShapes[0][ctx.inShapes[0].length - 1];
  const ws = [...ctx.weights];
  const gamma = c.scale !== false ? ws.shift()! : { shape: [ch], data: new Float32Array(ch).fill(1) };
  const beta = c.center !== false ? ws.shift()! : { shape: [ch], data: new Float32Array(ch) };
  const [mean, variance] = ws;
  const name = node.layerName;
  const inputs = [ctx.ins[0], ...([['scale', gamma], ['bias', beta], ['mean', mean], ['var', variance]] as const).map(([k, v]) => w.floats(`${name}_${k}`, v.shape, v.data))];
  return w.op('BatchNormalization', inputs, out, [attrFloat('epsilon', Number(c.epsilon ?? 0.001)), attrFloat('momentum', Number(c.momentum ?? 0.99))]);
}

export const batchNormParams = z.object({
  momentum: z.number().min(0).max(1).default(0.99),
  epsilon: z.number().positive().max(1).default(0.001),
  center: z.boolean().default(true),
  scale: z.boolean().default(true),
});

export const dropoutParams = z.object({ rate: z.number().min(0).lt(1, 'expected a rate below 1').default(0.5) });

const IN = [{ name: 'in' }];

export const batchNormalization: PrimitiveBlock<z.output<typeof batchNormParams>> = {
  kind: 'primitive',
  type: 'BatchNormalization',
  label: 'Batch Normalization',
  category: 'normalization',
  description: 'Normalizes each channel over the batch; gamma and beta are trained, the moving mean and variance are not.',
  explain: {
    text: 'Normalizes each channel to zero mean and unit variance over the batch, then scales and shifts it with two learned numbers (γ, β). Training becomes faster and less sensitive to the learning rate; at inference the running averages are used.',
    formulas: { output: 'output = input shape', params: '4·C (γ, β trainable; moving mean and variance not)', receptiveField: 'unchanged' },
    diagram: 'pointwise',
  },
  params: batchNormParams,
  inputs: IN,
  outputShape: (inputs) => ({ ok: true, shape: inputs[0] }),
  paramCount: (inputs, _out, p) => {
    const c = inputs[0][inputs[0].length - 1];
    return { trainable: c * ((p.center ? 1 : 0) + (p.scale ? 1 : 0)), nonTrainable: 2 * c };
  },
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: (p) => ({ className: 'BatchNormalization', config: { axis: -1, momentum: p.momentum, epsilon: p.epsilon, center: p.center, scale: p.scale } }),
  traits: { classCount: 'passes' },
  tfjs: { BatchNormalization: { factory: 'batchNormalization' } },
  torch: (ctx) => {
    const c = ctx.node.layer!.config;
    const shape = ctx.inShapes[0];
    const momentum = c.momentum === undefined ? 0.99 : Number(num(c.momentum, 'momentum'));
    const eps = c.epsilon === undefined ? 0.001 : Number(num(c.epsilon, 'epsilon'));
    const affine = c.center === false ? 'False' : 'True';
    const cls = shape.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
    // PyTorch's momentum weighs the new batch statistic; Keras' weighs the running value.
    const torchMomentum = Number((1 - momentum).toPrecision(12));
    return {
      init: `nn.${cls}(${shape[shape.length - 1]}, eps=${numberLiteral(eps, 'epsilon')}, momentum=${numberLiteral(torchMomentum, 'momentum')}, affine=${affine})`,
      forward: `self.${ctx.attr}(${ctx.ins[0]})`,
    };
  },
  onnx: batchNormOnnx,
  weightSpecs: (c, inShape) => {
    const ch = [inShape[inShape.length - 1]];
    return [
      ...(c.scale !== false ? [{ role: 'gamma' as const, shape: ch }] : []),
      ...(c.center !== false ? [{ role: 'beta' as const, shape: ch }] : []),
      { role: 'mean', shape: ch }, { role: 'variance', shape: ch },
    ];
  },
  exportLimits: (node, inShapes, target) => {
    if (target !== 'pytorch') return [];
    const c = node.layer!.config;
    const out: ErrorDetail[] = [];
    if (c.center !== c.scale && (c.center === false || c.scale === false)) out.push({ code: 'export-bn-affine', values: {} });
    const rank = inShapes[0]?.length ?? 0;
    if (c.axis !== undefined && c.axis !== -1 && c.axis !== rank) out.push({ code: 'export-bn-axis', values: { target: 'PyTorch' } });
    return out;
  },
  imports: {
    BatchNormalization: (c) => {
      const axis = cfg(c, 'axis');
      const ax = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
      if (ax !== undefined && ax !== -1 && ax !== 3) throw new LayerProblem(`axis ${JSON.stringify(axis)}`, 'channel-axis');
      return [{
        type: 'BatchNormalization',
        params: { momentum: Number(cfg(c, 'momentum') ?? 0.99), epsilon: Number(cfg(c, 'epsilon') ?? 0.001), center: cfg(c, 'center') !== false, scale: cfg(c, 'scale') !== false },
      }];
    },
  },
};

export const dropout: PrimitiveBlock<z.output<typeof dropoutParams>> = {
  kind: 'primitive',
  type: 'Dropout',
  label: 'Dropout',
  category: 'normalization',
  description: 'While training, zeroes each value with probability `rate` (and scales the rest); does nothing at inference.',
  explain: {
    text: 'While training, sets a random fraction `rate` of the values to zero (and scales the rest up), so the network cannot rely on any single unit; this fights overfitting. At inference it does nothing.',
    formulas: { output: 'output = input shape', params: '0', receptiveField: 'unchanged' },
    diagram: 'pointwise',
  },
  params: dropoutParams,
  inputs: IN,
  outputShape: (inputs) => ({ ok: true, shape: inputs[0] }),
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: (p) => ({ className: 'Dropout', config: { rate: p.rate } }),
  traits: { classCount: 'passes' },
  tfjs: { Dropout: { factory: 'dropout' } },
  torch: (ctx) => ({ init: `nn.Dropout(p=${num(ctx.node.layer!.config.rate, 'rate')})`, forward: `self.${ctx.attr}(${ctx.ins[0]})` }),
  onnx: (ctx, out) => ctx.w.op('Dropout', [ctx.ins[0], ctx.w.floats(`${ctx.node.layerName}_ratio`, [], Float32Array.of(Number(ctx.node.layer!.config.rate ?? 0.5)))], out),
  imports: { Dropout: (c) => [{ type: 'Dropout', params: { rate: Number(cfg(c, 'rate') ?? 0.5) } }] },
};
