/**
 * Evaluates one block on known input tensors: params (validated, with defaults), output shape, costs and
 * receptive field. Composites are expanded and their inner blocks evaluated recursively, producing the flat
 * layers that the compiler and code generators consume.
 */
import type { z } from 'zod';
import { getBlock, suggestBlockType } from '../blocks/registry';
import { product } from '../blocks/shape-utils';
import type { BlockSpec, ExpandContext, Shape } from '../blocks/types';
import { DesignError, formatPath } from '../errors';
import type { DiagnosticCode, MessageItem, MessageValues } from '../messages';
import { applyGlobal, applyTransfer, inputField, mergeFields, type RfState } from './receptive-field';
import type { FlatNode } from './types';

/** A tensor flowing between layers: the flat id of its producer, its shape and its receptive field. */
export interface TensorRef {
  flatId: string;
  shape: Shape | null;
  rf: RfState | null;
}

/** One expanded layer with its costs. */
export interface FlatRecord {
  node: FlatNode;
  trainable: number;
  nonTrainable: number;
  macs: number;
  activationBytes: number;
}

/** A problem found while evaluating; `param` names the bad parameter key for invalid params. */
export interface EvalProblem {
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  message: string;
  /** The message's interpolation values, for the editor's translations (see engine/messages.ts). */
  values?: MessageValues;
  /** For a problem inside a composite's expansion: the inner layer's name (the message starts with it). */
  layer?: string;
  param?: string;
  /** For invalid params: every top-level key that failed validation (`param` is the first). */
  badParams?: string[];
  /** For misalignment: indices of the inputs that disagree. */
  inputs?: number[];
  /** Found inside a composite's expansion (the message names the inner layer). */
  inner?: boolean;
}

/** The result of evaluating one (top-level or inner) block. */
export interface EvalResult {
  out: TensorRef;
  records: FlatRecord[];
  problems: EvalProblem[];
  /** Params after defaults (undefined when they failed to validate). */
  params?: Record<string, unknown>;
}

/** Naming of the layer(s) being evaluated. */
export interface EvalTarget {
  flatId: string;
  name: string;
  layerName: string;
  origin: string;
}

export const BYTES_PER_VALUE = 4;
const MAX_DEPTH = 8;

/** A name segment of `[A-Za-z0-9_]` only. */
function nameSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

/** A layer name: `[A-Za-z0-9_]` only, never empty, not starting with a digit. */
export function layerNameOf(name: string): string {
  const s = nameSegment(name);
  return !s ? 'layer' : /^[0-9]/.test(s) ? `l_${s}` : s;
}

type Parsed = { ok: true; params: Record<string, unknown> } | { ok: false; problem: EvalProblem };
const parseCache = new WeakMap<object, WeakMap<object, Parsed>>();

const defaultsCache = new Map<object, Record<string, unknown>>();

/**
 * Params of an inner node of a built-in composite: written by our own expansion code, so they only need the
 * block's defaults filled in (validating ~500 of them per analysis would dominate its time).
 */
function withDefaults(spec: BlockSpec, raw: Record<string, unknown>): Parsed {
  let defaults = defaultsCache.get(spec.params);
  if (!defaults) defaultsCache.set(spec.params, (defaults = (spec.params as z.ZodType<Record<string, unknown>>).parse({})));
  return { ok: true, params: { ...defaults, ...raw } };
}

/** Validates params against the block's schema (memoized per params object), naming the bad key. */
export function parseParams(spec: BlockSpec, raw: Record<string, unknown>): Parsed {
  const schema = spec.params as z.ZodType<Record<string, unknown>>;
  let bySchema = parseCache.get(raw);
  const hit = bySchema?.get(schema);
  if (hit) return hit;
  const r = schema.safeParse(raw);
  let out: Parsed;
  if (r.success) out = { ok: true, params: r.data };
  else {
    // Name every bad field at once, so fixing one does not reveal the next only after another analysis.
    const issues = r.error.issues.map((issue): MessageItem => {
      const path = formatPath(['params', ...(issue.path as PropertyKey[])]);
      const got = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), raw);
      const shown = got === undefined ? undefined : typeof got === 'number' && !Number.isFinite(got) ? String(got) : JSON.stringify(got);
      return shown === undefined ? { path, detail: issue.message } : { path, detail: issue.message, got: shown, context: 'got' };
    });
    const parts = issues.map((i) => `${i.path}: ${i.detail}${'got' in i ? `, got ${i.got}` : ''}`);
    const badParams = [...new Set(r.error.issues.map((issue) => String(issue.path[0] ?? '')).filter(Boolean))];
    out = { ok: false, problem: { severity: 'error', code: 'invalid-params', message: parts.join('; '), values: { issues }, param: badParams[0], badParams } };
  }
  if (!bySchema) parseCache.set(raw, (bySchema = new WeakMap()));
  bySchema.set(schema, out);
  return out;
}

const unknown = (flatId: string): TensorRef => ({ flatId, shape: null, rf: null });

/** Evaluates block `type` with raw `params` on `inputs`. Never throws for bad designs: problems are returned. */
export function evaluateBlock(
  type: string,
  rawParams: Record<string, unknown>,
  inputs: TensorRef[],
  target: EvalTarget,
  ctx: ExpandContext,
  depth = 0,
  trusted = false,
): EvalResult {
  const spec = getBlock(type);
  if (!spec) {
    const hint = suggestBlockType(type);
    return { out: unknown(target.flatId), records: [], problems: [{ severity: 'error', code: 'unknown-block', message: `unknown block type '${type}'${hint ? ` (did you mean '${hint}'?)` : ''}`, values: hint ? { type, hint, context: 'hint' } : { type } }] };
  }
  const parsed = trusted ? withDefaults(spec, rawParams) : parseParams(spec, rawParams);
  if (!parsed.ok) return { out: unknown(target.flatId), records: [], problems: [parsed.problem] };
  const params = parsed.params;
  const shapes = inputs.map((i) => i.shape);
  if (shapes.some((s) => s === null)) return { out: unknown(target.flatId), records: [], problems: [], params };
  const inShapes = shapes as Shape[];

  if (spec.kind === 'composite') {
    if (depth >= MAX_DEPTH) {
      return { out: unknown(target.flatId), records: [], problems: [{ severity: 'error', code: 'composite-recursion', message: `composites nested more than ${MAX_DEPTH} deep (a definition that uses itself?)`, values: { depth: MAX_DEPTH } }], params };
    }
    return { ...evaluateComposite(spec, params, inputs, inShapes, target, ctx, depth), params };
  }

  const res = spec.outputShape(inShapes, params);
  if (!res.ok) return { out: unknown(target.flatId), records: [], problems: [{ severity: 'error', ...res.error }], params };
  const shape = res.shape;
  const problems: EvalProblem[] = [];
  let rf: RfState | null;
  if (type === 'Input') rf = inputField(shape);
  else {
    const t = spec.receptiveField(inShapes, shape, params);
    if (t === 'identity') {
      if (inputs.length > 1) {
        const m = mergeFields(inputs.map((i) => i.rf));
        rf = m.field;
        if (m.misaligned.length) problems.push({ severity: 'warning', code: 'rf-misaligned', message: 'merged paths are misaligned', values: {}, inputs: m.misaligned });
      } else rf = inputs[0]?.rf ?? null;
    } else if (t === 'global') rf = inputs[0].rf && applyGlobal(inputs[0].rf, inShapes[0]);
    else rf = inputs[0].rf && (inputs[0].rf.global ? inputs[0].rf : applyTransfer(inputs[0].rf, t));
  }
  const counts = spec.paramCount(inShapes, shape, params);
  const node: FlatNode = {
    id: target.flatId,
    type,
    name: target.name,
    layerName: target.layerName,
    params,
    inputs: inputs.map((i) => i.flatId),
    origin: target.origin,
    outputShape: shape,
    layer: spec.layer(params, inShapes),
  };
  const record: FlatRecord = {
    node,
    trainable: counts.trainable,
    nonTrainable: counts.nonTrainable,
    macs: spec.macs(inShapes, shape, params),
    // Output is an alias of its input, not a new tensor.
    activationBytes: type === 'Output' ? 0 : product(shape) * BYTES_PER_VALUE,
  };
  return { out: { flatId: target.flatId, shape, rf }, records: [record], problems, params };
}

function evaluateComposite(
  spec: Extract<BlockSpec, { kind: 'composite' }>,
  params: Record<string, unknown>,
  inputs: TensorRef[],
  inShapes: Shape[],
  target: EvalTarget,
  ctx: ExpandContext,
  depth: number,
): Omit<EvalResult, 'params'> {
  let sub;
  try {
    sub = spec.expand(params, inShapes, ctx);
  } catch (err) {
    if (!(err instanceof DesignError)) throw err;
    return { out: unknown(target.flatId), records: [], problems: [{ severity: 'error', code: err.code, message: err.message, values: { detail: err.message, context: 'detail' }, param: err.path?.replace(/^params\./, '') }] };
  }
  const refs = new Map<string, TensorRef>();
  const records: FlatRecord[] = [];
  const problems: EvalProblem[] = [];
  for (const inner of sub.nodes) {
    const innerInputs: TensorRef[] = [];
    for (const src of inner.inputs) {
      const ref = src.startsWith('input:') ? inputs[Number(src.slice(6))] : refs.get(src);
      if (!ref) {
        problems.push({ severity: 'error', code: 'missing-input', message: `${inner.name}: has no input '${src}'`, values: { src, context: 'layer' }, layer: inner.name });
        return { out: unknown(target.flatId), records, problems };
      }
      innerInputs.push(ref);
    }
    const innerTarget: EvalTarget = {
      flatId: `${target.flatId}/${inner.id}`,
      name: inner.name,
      layerName: `${target.layerName}_${nameSegment(inner.name) || inner.id}`,
      origin: target.origin,
    };
    // Inner nodes of built-in composites come from our code; those of user definitions are validated.
    const r = evaluateBlock(inner.type, inner.params, innerInputs, innerTarget, ctx, depth + 1, spec.type !== 'Composite');
    for (const p of r.problems) problems.push({ ...p, message: describeInner(inner.name, p, innerInputs), values: innerValues(p, innerInputs), layer: p.layer ? `${inner.name}: ${p.layer}` : inner.name, param: undefined, inner: true });
    if (!r.out.shape) return { out: unknown(target.flatId), records, problems };
    refs.set(inner.id, r.out);
    for (const rec of r.records) records.push(rec);
  }
  const out = refs.get(sub.output);
  return { out: out ?? unknown(target.flatId), records, problems };
}

function describeInner(name: string, p: EvalProblem, inputs: TensorRef[]): string {
  if (p.code === 'rf-misaligned') return `${name}: ${p.message} (${innerNames(inputs)})`;
  return `${name}: ${p.message}`;
}

const innerNames = (inputs: TensorRef[]) => inputs.map((i) => i.flatId.split('/').pop()).join(', ');

/** The values of an inner layer's problem: its own, plus the layers a misalignment is between. */
function innerValues(p: EvalProblem, inputs: TensorRef[]): MessageValues | undefined {
  return p.code === 'rf-misaligned' ? { layers: innerNames(inputs), context: 'layers' } : p.values;
}
