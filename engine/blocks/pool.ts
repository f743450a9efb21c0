/** Pooling and padding blocks: MaxPool2D, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, ZeroPadding2D. */
import { z } from 'zod';
import { pairOf, windowConfig } from '../codegen/layer-config';
import { int, padExpr, tuple, windowPadding, type OpCode, type OpContext } from '../codegen/torch-helpers';
import type { CodegenNode, ExportTarget } from '../codegen/types';
import { cfg, importPadding, importPair, requireChannelsLast, LayerProblem, type LayerConfig, type ImportedBlock } from '../import/keras-config';
import { paddingSchema, pairSchema, posInt } from './params';
import { fail, needsImage, windowOutput, windowTransfer } from './shape-utils';
import type { PrimitiveBlock, Shape, TfjsLayerSpec } from './types';
import { attrInt, attrString, windowAttrs, windowOf } from '../onnx/export-helpers';
import type { ErrorDetail } from '../messages';

/** Max and average pooling; `strides` absent means equal to `poolSize` (Keras' default). */
export const pool2dParams = z.object({
  poolSize: pairSchema([2, 2], 1024),
  strides: z.tuple([posInt(1024), posInt(1024)]).optional(),
  padding: paddingSchema.default('valid'),
});

export const globalPoolParams = z.object({});

/** Zero padding as [[top, bottom], [left, right]]. */
export const zeroPadding2dParams = z.object({
  padding: z
    .tuple([z.tuple([z.number().int().min(0).max(4096), z.number().int().min(0).max(4096)]), z.tuple([z.number().int().min(0).max(4096), z.number().int().min(0).max(4096)])])
    .default([[1, 1], [1, 1]]),
});

const IN = [{ name: 'in' }];
type PoolParams = z.output<typeof pool2dParams>;

/** Windowed layers need a [h, w, c] input in the PyTorch export. */
function imageOnlyInTorch(node: CodegenNode, inShapes: readonly Shape[], target: ExportTarget): ErrorDetail[] {
  return target === 'pytorch' && inShapes[0]?.length !== 3 ? [{ code: 'export-needs-image', values: { className: node.layer!.className, target: 'PyTorch' } }] : [];
}

/** Max pooling pads with -inf; average pooling with TensorFlow's asymmetric 'same' padding needs a helper that counts only real pixels. */
function poolOp(ctx: OpContext, kind: 'max' | 'avg'): OpCode {
  const w = windowConfig(ctx.node.layer!.config);
  const { pads } = windowPadding(ctx);
  const padded = pads.some(([a, b]) => a > 0 || b > 0);
  const window = `kernel_size=${tuple(w.kernel)}, stride=${tuple(w.strides)}`;
  if (kind === 'max') {
    const x = padded ? padExpr(ctx.ins[0], pads, 'float("-inf")') : ctx.ins[0];
    return { init: `nn.MaxPool2d(${window})`, forward: `self.${ctx.attr}(${x})` };
  }
  if (!padded) return { init: `nn.AvgPool2d(${window})`, forward: `self.${ctx.attr}(${ctx.ins[0]})` };
  ctx.helpers.add('avg_pool_same');
  const [[t, b], [l, r]] = pads;
  return { forward: `avg_pool_same(${ctx.ins[0]}, ${tuple(w.kernel)}, ${tuple(w.strides)}, (${l}, ${r}, ${t}, ${b}))` };
}

function importPool(config: LayerConfig): Record<string, unknown> {
  requireChannelsLast(config);
  const poolSize = importPair(cfg(config, 'pool_size') ?? 2, 'pool_size');
  const s = cfg(config, 'strides');
  const strides = s === undefined || s === null ? undefined : importPair(s, 'strides');
  return { poolSize, ...(strides && (strides[0] !== poolSize[0] || strides[1] !== poolSize[1]) ? { strides } : {}), padding: importPadding(cfg(config, 'padding')) };
}

function importGlobalPool(type: string, config: LayerConfig): ImportedBlock[] {
  requireChannelsLast(config);
  const blocks: ImportedBlock[] = [{ type, params: {} }];
  // keepdims=True (Keras Applications' MobileNet) keeps a 1x1 spatial grid: a Reshape restores it.
  if (cfg(config, 'keepdims') === true) blocks.push({ type: 'Reshape', params: { targetShape: [1, 1, -1] } });
  return blocks;
}

function pool(
  type: 'MaxPool2D' | 'AvgPool2D', className: string, factory: TfjsLayerSpec['factory'], label: string, description: string, explainText: string,
): PrimitiveBlock<PoolParams> {
  const kind = type === 'MaxPool2D' ? 'max' : 'avg';
  const strides = (p: PoolParams) => p.strides ?? p.poolSize;
  return {
    kind: 'primitive',
    type,
    label,
    category: 'pooling',
    description,
    explain: {
      text: explainText,
      formulas: { output: 'H\' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1 (\'valid\': p = 0; \'same\': H\' = ⌈H / s⌉)', params: '0', receptiveField: 'RF\' = RF + (k − 1)·S_eff, S_eff\' = S_eff · s, where S_eff is the input\'s effective stride (k = pool size)' },
      diagram: 'window',
    },
    params: pool2dParams,
    inputs: IN,
    outputShape(inputs, p) {
      const bad = needsImage(inputs, type);
      if (bad) return { ok: false, error: bad };
      const r = windowOutput(inputs[0], p.poolSize, strides(p), p.padding);
      return r.ok ? { ok: true, shape: [...r.hw, inputs[0][2]] } : r;
    },
    paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
    macs: () => 0,
    receptiveField: (inputs, _out, p) => windowTransfer(inputs[0], p.poolSize, strides(p), p.padding),
    layer: (p) => ({ className, config: { poolSize: p.poolSize, strides: strides(p), padding: p.padding } }),
    traits: { windowed: true },
    tfjs: { [className]: { factory } },
    torch: (ctx) => poolOp(ctx, kind),
    // TensorFlow's average pooling counts only real pixels: count_include_pad = 0.
    onnx: (ctx, out) => kind === 'max'
      ? ctx.w.op('MaxPool', [ctx.ins[0]], out, windowAttrs(windowOf(ctx.node, ctx.inShapes[0]), false))
      : ctx.w.op('AveragePool', [ctx.ins[0]], out, [...windowAttrs(windowOf(ctx.node, ctx.inShapes[0]), false), attrInt('count_include_pad', 0)]),
    exportLimits: imageOnlyInTorch,
    imports: { [className]: (c) => [{ type, params: importPool(c) }] },
  };
}

export const maxPool2d = pool(
  'MaxPool2D', 'MaxPooling2D', 'maxPooling2d', 'Max Pool 2D', 'The maximum over each pool window; strides default to the pool size.',
  'Keeps the largest value in each window (usually 2×2, stride 2), halving height and width. It makes the features a little tolerant to small shifts and cheaply widens what later layers see.',
);
export const avgPool2d = pool(
  'AvgPool2D', 'AveragePooling2D', 'averagePooling2d', 'Average Pool 2D', 'The mean over each pool window; strides default to the pool size.',
  'Averages each window (usually 2×2, stride 2), halving height and width: a smooth downsampling with nothing to learn.',
);

function globalPool(
  type: 'GlobalAvgPool2D' | 'GlobalMaxPool2D', className: string, factory: TfjsLayerSpec['factory'], label: string, description: string, explainText: string,
): PrimitiveBlock<z.output<typeof globalPoolParams>> {
  const reduce = type === 'GlobalAvgPool2D' ? 'mean' : 'amax';
  return {
    kind: 'primitive',
    type,
    label,
    category: 'pooling',
    description,
    explain: {
      text: explainText,
      formulas: { output: '[H, W, C] → [C]', params: '0', receptiveField: 'the whole input: every output sees every position' },
      diagram: 'global',
    },
    params: globalPoolParams,
    inputs: IN,
    outputShape(inputs) {
      const bad = needsImage(inputs, type);
      return bad ? { ok: false, error: bad } : { ok: true, shape: [inputs[0][2]] };
    },
    paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
    macs: () => 0,
    receptiveField: () => 'global',
    layer: () => ({ className, config: {} }),
    traits: { classCount: 'passes' },
    tfjs: { [className]: { factory } },
    torch: (ctx) => ({ forward: `${ctx.ins[0]}.${reduce}(dim=(2, 3)${ctx.node.layer!.config.keepDims ? ', keepdim=True' : ''})` }),
    onnx: (ctx, out) => ctx.w.op('Flatten', [ctx.w.op(reduce === 'mean' ? 'GlobalAveragePool' : 'GlobalMaxPool', [ctx.ins[0]], `${ctx.node.layerName}_pool`)], out, [attrInt('axis', 1)]),
    imports: { [className]: (c) => importGlobalPool(type, c) },
  };
}

export const globalAvgPool2d = globalPool(
  'GlobalAvgPool2D', 'GlobalAveragePooling2D', 'globalAveragePooling2d', 'Global Average Pool', 'The mean of each channel over all positions: [h, w, c] -> [c].',
  'Averages each channel over the whole map: [h, w, c] → [c]. A classifier head built from it and one Dense layer has few parameters, works at any input size, and lets the class activation map (CAM) show where each class\'s evidence is.',
);
export const globalMaxPool2d = globalPool(
  'GlobalMaxPool2D', 'GlobalMaxPooling2D', 'globalMaxPooling2d', 'Global Max Pool', 'The maximum of each channel over all positions: [h, w, c] -> [c].',
  'Takes each channel\'s maximum over the whole map: [h, w, c] → [c]. It answers \'does this pattern appear anywhere?\'.',
);

export const zeroPadding2d: PrimitiveBlock<z.output<typeof zeroPadding2dParams>> = {
  kind: 'primitive',
  type: 'ZeroPadding2D',
  label: 'Zero Padding 2D',
  category: 'pooling',
  description: 'Adds rows and columns of zeros: [[top, bottom], [left, right]].',
  explain: {
    text: 'Adds rows and columns of zeros around the map, so a following \'valid\' convolution or pooling keeps the border and the size you want.',
    formulas: { output: 'H\' = H + top + bottom, W\' = W + left + right', params: '0', receptiveField: 'RF unchanged; the effective padding grows by top·S_eff' },
    diagram: 'window',
  },
  params: zeroPadding2dParams,
  inputs: IN,
  outputShape(inputs, p) {
    const bad = needsImage(inputs, 'ZeroPadding2D');
    if (bad) return { ok: false, error: bad };
    const [[t, b], [l, r]] = p.padding;
    const x = inputs[0];
    if (x[0] + t + b <= 0 || x[1] + l + r <= 0) return fail('spatial-too-small', 'output would be empty', { context: 'empty' });
    return { ok: true, shape: [x[0] + t + b, x[1] + l + r, x[2]] };
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: (_inputs, _out, p) => ({ kernel: [1, 1], stride: [1, 1], padding: [p.padding[0][0], p.padding[1][0]] }),
  layer: (p) => ({ className: 'ZeroPadding2D', config: { padding: p.padding } }),
  tfjs: { ZeroPadding2D: { factory: 'zeroPadding2d' } },
  torch: (ctx) => {
    const p = ctx.node.layer!.config.padding;
    let pads: [[number, number], [number, number]];
    if (typeof p === 'number') pads = [[p, p], [p, p]];
    else if (Array.isArray(p) && p.every((v) => typeof v === 'number')) pads = [[p[0], p[0]], [p[1], p[1]]];
    else pads = [pairOf((p as unknown[])?.[0], [1, 1]), pairOf((p as unknown[])?.[1], [1, 1])];
    pads.flat().forEach((v) => int(v, 'padding'));
    return { forward: padExpr(ctx.ins[0], pads) };
  },
  onnx: (ctx, out) => {
    const p = ctx.node.layer!.config.padding as [[number, number], [number, number]];
    const [[t, b], [l, r]] = p;
    return ctx.w.op('Pad', [ctx.ins[0], ctx.w.ints(`${ctx.node.layerName}_pads`, [0, 0, t, l, 0, 0, b, r])], out, [attrString('mode', 'constant')]);
  },
  exportLimits: imageOnlyInTorch,
  imports: {
    ZeroPadding2D: (c) => {
      requireChannelsLast(c);
      const p = cfg(c, 'padding') ?? 1;
      if (typeof p === 'number') return [{ type: 'ZeroPadding2D', params: { padding: [[p, p], [p, p]] } }];
      if (Array.isArray(p) && p.length === 2) {
        const [a, b] = p as unknown[];
        const padding = typeof a === 'number' && typeof b === 'number' ? [[a, a], [b, b]] : [importPair(a, 'padding'), importPair(b, 'padding')];
        return [{ type: 'ZeroPadding2D', params: { padding } }];
      }
      throw new LayerProblem(`padding ${JSON.stringify(p)}`);
    },
  },
};
