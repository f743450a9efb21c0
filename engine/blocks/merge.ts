/** Merge blocks: Add, Multiply (element-wise, with Keras broadcasting of size-1 axes) and Concatenate. */
import { z } from 'zod';
import { broadcastOperand, int, torchDim, type OpContext } from '../codegen/torch-helpers';
import { cfg } from '../import/keras-config';
import { fail, formatShape } from './shape-utils';
import type { PrimitiveBlock, Shape, ShapeResult } from './types';
import { attrInt, onnxAxis } from '../onnx/export-helpers';

export const mergeParams = z.object({});

export const concatenateParams = z.object({ axis: z.number().int().default(-1) });

/** The inputs of a merge, each brought to the output rank the way Keras broadcasts. */
const operands = (ctx: OpContext) => ctx.ins.map((x, i) => broadcastOperand(x, ctx.inShapes[i], ctx.node.outputShape.length));

const VARIADIC = [{ name: 'in', variadic: true, minEdges: 2 }];

/** Element-wise output shape as Keras' `_compute_elemwise_op_output_shape`: equal ranks, each axis equal or 1. */
export function broadcastShapes(inputs: Shape[], label: string): ShapeResult {
  const rank = inputs[0].length;
  const out = [...inputs[0]];
  for (let i = 1; i < inputs.length; i++) {
    const s = inputs[i];
    const ok = s.length === rank && s.every((d, a) => d === out[a] || d === 1 || out[a] === 1);
    if (!ok) {
      return fail('shape-mismatch', `${label} needs inputs of the same shape, got ${inputs.map(formatShape).join(' and ')}`, { block: label, shapes: inputs.map((s) => ({ shape: formatShape(s) })), context: 'block' });
    }
    for (let a = 0; a < rank; a++) out[a] = out[a] === 1 ? s[a] : out[a];
  }
  return { ok: true, shape: out };
}

function elementwise(type: 'Add' | 'Multiply', description: string): PrimitiveBlock<z.output<typeof mergeParams>> {
  return {
    kind: 'primitive',
    type,
    label: type,
    category: 'merge',
    description,
    params: mergeParams,
    inputs: VARIADIC,
    outputShape: (inputs) => broadcastShapes(inputs, type),
    paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
    macs: () => 0,
    receptiveField: () => 'identity',
    layer: () => ({ className: type, config: {} }),
    traits: { merges: true },
    tfjs: { [type]: { factory: type === 'Add' ? 'add' : 'multiply' } },
    torch: (ctx) => ({ forward: operands(ctx).join(type === 'Add' ? ' + ' : ' * ') }),
    // A chain of binary ops (ONNX broadcasts like Keras once both are channels first).
    onnx: (ctx, out) => ctx.ins.slice(1).reduce((acc, b, i) => ctx.w.op(type === 'Add' ? 'Add' : 'Mul', [acc, b], i === ctx.ins.length - 2 ? out : `${ctx.node.layerName}_${i + 1}`), ctx.ins[0]),
    imports: { [type]: () => [{ type, params: {} }] },
  };
}

export const add: PrimitiveBlock<z.output<typeof mergeParams>> = {
  ...elementwise('Add', 'Sums its inputs element by element (the shortcut of a residual block).'),
  explain: {
    text: 'Adds its inputs element by element. In a residual block the shortcut is added to the block\'s output, so each block only has to learn a correction; this is what lets very deep networks train.',
    formulas: { output: 'all inputs have the same shape; output = that shape', params: '0', receptiveField: 'the largest of its inputs\' fields (a note when their strides or centres differ)' },
    diagram: 'elementwise',
  },
};
export const multiply: PrimitiveBlock<z.output<typeof mergeParams>> = {
  ...elementwise('Multiply', 'Multiplies its inputs element by element (size-1 axes broadcast, as in squeeze-and-excitation).'),
  explain: {
    text: 'Multiplies its inputs element by element, with size-1 axes broadcast: squeeze-and-excitation multiplies each channel by a learned 0–1 weight.',
    formulas: { output: 'broadcast shape of the inputs', params: '0', receptiveField: 'the largest of its inputs\' fields' },
    diagram: 'reweight',
  },
};

export const concatenate: PrimitiveBlock<z.output<typeof concatenateParams>> = {
  kind: 'primitive',
  type: 'Concatenate',
  label: 'Concatenate',
  category: 'merge',
  description: 'Joins its inputs along an axis (channels by default); all other axes must match.',
  explain: {
    text: 'Stacks its inputs along the channel axis: [h, w, a] and [h, w, b] give [h, w, a + b]. Inception modules concatenate branches that looked at different kernel sizes.',
    formulas: { output: '[H, W, ΣC_i]', params: '0', receptiveField: 'the largest of its inputs\' fields (a note when their strides or centres differ)' },
    diagram: 'concat',
  },
  params: concatenateParams,
  inputs: VARIADIC,
  outputShape(inputs, p) {
    const rank = inputs[0].length;
    // Keras counts the batch dimension: axis 1 is the first axis of our batch-less shapes, -1 the last.
    const axis = p.axis < 0 ? rank + p.axis : p.axis - 1;
    if (axis < 0 || axis >= rank) return fail('invalid-params', `axis ${p.axis} is out of range for ${rank}-D inputs`, { axis: p.axis, rank, context: 'axisRange' });
    const out = [...inputs[0]];
    for (let i = 1; i < inputs.length; i++) {
      const s = inputs[i];
      if (s.length !== rank || s.some((d, a) => a !== axis && d !== out[a])) {
        const what = rank === 3 && axis === 2 ? 'the same spatial size' : `equal sizes on every axis but ${p.axis}`;
        return fail('shape-mismatch', `Concatenate needs inputs with ${what}, got ${inputs.map(formatShape).join(' and ')}`, { shapes: inputs.map((s) => ({ shape: formatShape(s) })), axis: p.axis, context: rank === 3 && axis === 2 ? 'concatSpatial' : 'concatAxis' });
      }
      out[axis] += s[axis];
    }
    return { ok: true, shape: out };
  },
  paramCount: () => ({ trainable: 0, nonTrainable: 0 }),
  macs: () => 0,
  receptiveField: () => 'identity',
  layer: (p) => ({ className: 'Concatenate', config: { axis: p.axis } }),
  traits: { merges: true },
  tfjs: { Concatenate: { factory: 'concatenate' } },
  torch: (ctx) => {
    const c = ctx.node.layer!.config;
    const axis = c.axis === undefined ? -1 : Number(int(c.axis, 'axis'));
    return { forward: `torch.cat([${operands(ctx).join(', ')}], dim=${torchDim(axis, ctx.node.outputShape.length)})` };
  },
  onnx: (ctx, out) => ctx.w.op('Concat', ctx.ins, out, [attrInt('axis', onnxAxis(Number(ctx.node.layer!.config.axis ?? -1), ctx.node.outputShape.length))]),
  exportLimits: (node) => {
    const axis = node.layer!.config.axis;
    return axis === 0 || (typeof axis === 'number' && axis < -node.outputShape.length) ? [{ code: 'export-concat-batch', values: {} }] : [];
  },
  imports: { Concatenate: (c) => [{ type: 'Concatenate', params: { axis: Number(cfg(c, 'axis') ?? -1) } }] },
};
