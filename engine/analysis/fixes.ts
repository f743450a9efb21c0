/**
 * Turns a block's problem into a diagnostic on the node (and edge) with a precise message and, where one
 * exists, a fix made of edit commands (engine/commands/types.ts) the editor applies in one click.
 */
import { getBlock } from '../blocks/registry';
import { dilatedKernel, formatShape } from '../blocks/shape-utils';
import type { Shape } from '../blocks/types';
import type { Fix } from '../commands/types';
import type { MessageItem } from '../messages';
import type { DesignNode } from '../schema/document';
import type { EvalProblem, TensorRef } from './evaluate';
import type { IncomingEdge } from './graph';
import { fieldCentre } from './receptive-field';
import type { Diagnostic } from './types';

/** An input of the node being diagnosed: the edge, the user name of its source and the tensor. */
export interface DiagInput {
  edge: IncomingEdge;
  sourceName: string;
  ref: TensorRef;
}

const quote = (n: DesignNode) => `'${n.name || n.id}'`;

/** The diagnostic for a problem of top-level node `node`. */
export function diagnose(node: DesignNode, problem: EvalProblem, inputs: DiagInput[], params?: Record<string, unknown>): Diagnostic {
  const subject = { name: node.name || node.id, type: node.type, ...(problem.layer ? { layer: problem.layer } : {}) };
  const base = { severity: problem.severity, code: problem.code, nodeId: node.id, subject, ...(problem.values ? { values: problem.values } : {}) } as const;
  const who = `${quote(node)} (${node.type})`;
  if (problem.inner) return { ...base, message: `${who}: ${problem.message}` };
  switch (problem.code) {
    case 'invalid-params':
      return { ...base, message: `${who}: ${problem.message}`, fix: resetParamFix(node, problem.badParams ?? (problem.param ? [problem.param] : [])) };
    case 'needs-flatten': {
      const e = inputs[0]?.edge.edgeId;
      return {
        ...base, edgeId: e, message: `${who}: ${problem.message}`,
        fix: e ? insertFix(e, 'Flatten') : undefined,
        alternatives: e ? [insertFix(e, 'GlobalAvgPool2D')] : undefined,
      };
    }
    case 'shape-mismatch':
      return mismatch(node, problem, inputs);
    case 'spatial-too-small':
      return { ...base, edgeId: inputs[0]?.edge.edgeId, message: `${who}: ${problem.message}`, ...tooSmallFixes(node, inputs, params) };
    case 'unsupported':
      return { ...base, message: `${who}: ${problem.message}`, fix: resetParamFix(node, problem.badParams ?? (problem.param ? [problem.param] : [])) };
    case 'rf-misaligned': {
      const items = inputs.map((i): MessageItem => {
        const rf = i.ref.rf;
        return rf ? { name: i.sourceName, stride: rf.stride.join('x'), centre: fieldCentre(rf).join(','), context: 'field' } : { name: i.sourceName };
      });
      const parts = items.map((p) => (p.context ? `'${p.name}' (stride ${p.stride}, centre ${p.centre})` : `'${p.name}'`));
      return { ...base, values: { inputs: items, context: 'fields' }, message: `${who}: the merged paths are misaligned: their receptive fields have different effective strides or centres: ${parts.join(' vs ')}` };
    }
    default:
      return { ...base, message: `${who}: ${problem.message}`, fix: problem.param ? resetParamFix(node, problem.badParams ?? [problem.param]) : undefined };
  }
}

/** Inserts a `type` block on the edge; labelled "Insert <type> before it" unless a ZeroPadding2D with its padding. */
function insertFix(edgeId: string, type: string, params?: Record<string, unknown>): Fix {
  const commands: Fix['commands'] = [{ kind: 'insertOnEdge', edgeId, type, ...(params ? { params } : {}) }];
  if (type === 'ZeroPadding2D' && params) {
    const padding = JSON.stringify(params.padding);
    return { label: `Insert ZeroPadding2D ${padding} before it`, code: 'insert-zero-padding', values: { padding }, commands };
  }
  return { label: `Insert ${type} before it`, code: 'insert-block', values: { type }, commands };
}

function resetParamFix(node: DesignNode, params: string[]): Fix | undefined {
  if (!params.length) return undefined;
  const defaults = getBlock(node.type)?.params.safeParse({});
  if (!defaults?.success) return undefined;
  const values = Object.fromEntries(params.map((p) => [p, (defaults.data as Record<string, unknown>)[p]]));
  const commands: Fix['commands'] = [{ kind: 'setParams', nodeId: node.id, params: values }];
  if (params.length > 1) return { label: `Reset ${params.join(', ')} to their defaults`, code: 'reset-params', values: { params: params.join(', ') }, commands };
  const value = values[params[0]] === undefined ? undefined : JSON.stringify(values[params[0]]);
  return value === undefined
    ? { label: `Reset ${params[0]} to its default`, code: 'reset-param', values: { param: params[0], context: 'default' }, commands }
    : { label: `Reset ${params[0]} to ${value}`, code: 'reset-param', values: { param: params[0], value }, commands };
}

/** Add/Multiply/Concatenate with shapes that do not fit: name every input and its shape; for Add/Multiply a 1x1 projection. */
function mismatch(node: DesignNode, problem: EvalProblem, inputs: DiagInput[]): Diagnostic {
  const listed = inputs.map((i) => `'${i.sourceName}' gives ${formatShape(i.ref.shape)}`).join(', ');
  const values = { node: node.name || node.id, type: node.type, inputs: inputs.map((i) => ({ name: i.sourceName, shape: formatShape(i.ref.shape) })) };
  const base = { severity: 'error' as const, code: problem.code, nodeId: node.id };
  const shapes = inputs.map((i) => i.ref.shape);
  if (node.type === 'Concatenate' || shapes.some((s) => !s || s.length !== 3) || inputs.length < 2) {
    const concat = node.type === 'Concatenate';
    const what = concat ? 'inputs with the same spatial size (height and width)' : 'inputs of the same shape';
    return { ...base, values: { ...values, context: concat ? 'concat' : 'same' }, message: `${quote(node)} (${node.type}) needs ${what}: ${listed}` };
  }
  // Project every input to the one with the smallest spatial size (a strided 1x1 can shrink, never grow).
  const target = shapes.reduce((a, b) => (b![0] * b![1] < a![0] * a![1] ? b : a))!;
  const commands: Fix['commands'] = [];
  let ok = true;
  for (const i of inputs) {
    const s = i.ref.shape as Shape;
    if (s.every((d, a) => d === target[a])) continue;
    const strides = [0, 1].map((a) => Math.max(1, Math.round(s[a] / target[a])));
    if (strides.some((st, a) => Math.ceil(s[a] / st) !== target[a])) ok = false;
    commands.push({
      kind: 'insertOnEdge', edgeId: i.edge.edgeId, type: 'Conv2D', name: `${i.sourceName}_proj`,
      params: { filters: target[2], kernelSize: [1, 1], strides, padding: 'valid', useBias: false },
    });
  }
  const edgeId = inputs.find((i) => !(i.ref.shape as Shape).every((d, a) => d === target[a]))?.edge.edgeId;
  return {
    ...base, edgeId, values: { ...values, context: 'same' },
    message: `${quote(node)} (${node.type}) needs inputs of the same shape: ${listed}`,
    fix: ok && commands.length ? { label: `Insert a 1x1 projection to ${formatShape(target)}`, code: 'insert-projection', values: { shape: formatShape(target) }, commands } : undefined,
  };
}

/** Spatial size <= 0: switch to 'same' padding, or pad the input with zeros up to the (dilated) window. */
function tooSmallFixes(node: DesignNode, inputs: DiagInput[], params?: Record<string, unknown>): Pick<Diagnostic, 'fix' | 'alternatives'> {
  if (!getBlock(node.type)?.traits?.windowed || !params) return {};
  const same: Fix = { label: "Switch padding to 'same'", code: 'padding-same', commands: [{ kind: 'setParams', nodeId: node.id, params: { padding: 'same' } }] };
  const shape = inputs[0]?.ref.shape;
  if (!shape || !inputs[0]) return { fix: same };
  const k = (params.kernelSize ?? params.poolSize) as [number, number];
  const d = (params.dilation ?? [1, 1]) as [number, number];
  const need = [0, 1].map((a) => Math.max(0, dilatedKernel(k[a], d[a]) - shape[a]));
  const padding = need.map((t) => [Math.floor(t / 2), Math.ceil(t / 2)]);
  return { fix: same, alternatives: [insertFix(inputs[0].edge.edgeId, 'ZeroPadding2D', { padding })] };
}
