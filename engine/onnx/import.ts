/**
 * `.onnx` bytes -> a design document and its weights. Operators map to LayerLoom blocks as real exporters
 * write them (PyTorch's torch.onnx, tf2onnx): explicit and asymmetric pads, auto_pad, initializers aliased
 * through Identity, Gemm with transB, MatMul + Add as Dense with bias, a tf2onnx NHWC input followed by its
 * Transpose, Flatten/Reshape before a Dense (the Dense rows are permuted to the design's channels-last order).
 * Anything else is refused with a `DesignError('import-failed')` naming the operator, the node and the reason.
 */
import { analyzeDesign } from '../analysis/analyze';
import { DesignError } from '../errors';
import { quoteDiagnostic, quoting, type ErrorDetail } from '../messages';
import { layoutGraph } from '../graph/layout';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, documentSchema, type DesignDocument } from '../schema/document';
import { FOLDABLE, foldConstant } from './const-eval';
import { NodeReader } from './import-attrs';
import { DesignDraft, explicitMap, NodeProblem, nodePath, OnnxRefusal, ValueTable, type Value } from './import-graph';
import { IMPORT_OPS } from './import-ops';
import { channelsLastShape } from './layout';
import { DataType, decodeModel, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto';
import { dataTypeName, floatTensor, int64Tensor } from './tensor';
import { checkWeights, type DesignWeights } from './weights';

/** Options of `importOnnx`. */
export interface OnnxImportOptions {
  /** Document name (default: the graph's name). */
  name?: string;
  /** File name, for the description and messages. */
  fileName?: string;
  /**
   * Values for graph inputs that a model expects to be fed constants (ONNX's backend tests pass Conv weights
   * as inputs). A bound input becomes a weight where an operator needs a constant, an Input block elsewhere.
   */
  bind?: Record<string, TensorProto>;
}

/** A model input or output and how the design's tensor relates to the ONNX one. */
export interface OnnxImportPort {
  /** ONNX tensor name. */
  name: string;
  /** The Input or Output block. */
  nodeId: string;
  /** ONNX shape, batched (the batch as written in the file; -1 when symbolic). */
  onnxShape: number[];
  /** Design shape (channels last, no batch). */
  designShape: number[];
  /** Per example: design flat element i is ONNX flat element `index[i]`. */
  index: Int32Array;
}

/** What `importOnnx` returns. */
export interface OnnxImport {
  doc: DesignDocument;
  /** Per design node id, in Keras layout (see weights.ts): load them with `applyWeights`. */
  weights: DesignWeights;
  inputs: OnnxImportPort[];
  outputs: OnnxImportPort[];
  opset: number;
  producer: string;
}

/** Refuses the model with a message by code + values (engine/messages/import.ts). */
const fail = (code: ErrorDetail['code'], values: ErrorDetail['values'], path?: string, details?: string[]): never => {
  throw new OnnxRefusal({ code, values }, path, details);
};

/** The dims of a graph input, and what LayerLoom cannot take in it (by code + values), if anything. */
function shapeOf(info: ValueInfoProto): { dims: number[]; problem?: ErrorDetail } {
  const name = info.name ?? '';
  const tt = info.type?.tensorType;
  if (!tt) return { dims: [], problem: { code: 'onnx-input-not-tensor', values: { name } } };
  const dim = tt.shape?.dim ?? [];
  const dims = dim.map((d, i) => (d.dimValue !== undefined ? Number(d.dimValue) : i === 0 ? -1 : NaN));
  const shape = `[${dims.map((d) => (Number.isNaN(d) ? '?' : d)).join(', ')}]`;
  if (tt.elemType !== undefined && tt.elemType !== DataType.FLOAT) return { dims, problem: { code: 'onnx-input-element-type', values: { name, type: dataTypeName(tt.elemType) } } };
  if (dims.some(Number.isNaN)) return { dims, problem: { code: 'onnx-input-symbolic', values: { name, shape } } };
  if (dims.some((d) => d === 0)) return { dims, problem: { code: 'onnx-input-empty-axis', values: { name, shape } } };
  if (dims.length < 2) return { dims, problem: { code: 'onnx-input-rank-low', values: { name, shape } } };
  if (dims.length > 5) return { dims, problem: { code: 'onnx-input-rank-high', values: { name, rank: dims.length } } };
  return { dims };
}

/** The tensor of a Constant node (value, value_float(s), value_int(s)). */
function constantOf(node: NodeProto, name: string): TensorProto {
  for (const a of node.attribute ?? []) {
    if (a.name === 'value' && a.t) return { ...a.t, name };
    if (a.name === 'value_float' && a.f !== undefined) return floatTensor(name, [], Float32Array.of(a.f));
    if (a.name === 'value_floats') return floatTensor(name, [a.floats?.length ?? 0], Float32Array.from(a.floats ?? []));
    if (a.name === 'value_int' && a.i !== undefined) return int64Tensor(name, [Number(a.i)], []);
    if (a.name === 'value_ints') return int64Tensor(name, (a.ints ?? []).map(Number));
  }
  throw new Error(`Constant '${name}' has no supported value attribute`);
}

function decode(bytes: Uint8Array, file: string): ModelProto {
  try {
    return decodeModel(bytes);
  } catch (err) {
    throw new OnnxRefusal({ code: 'onnx-not-model', values: { file, reason: (err as Error).message } });
  }
}

/** Imports an ONNX model; throws `DesignError('import-failed')` naming what cannot be expressed and where. */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): OnnxImport {
  const file = options.fileName ?? 'the file';
  const model = decode(bytes, file);
  const graph = model.graph ?? fail('onnx-no-graph', { file });
  const opsetEntry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = Number(opsetEntry?.version ?? 0);
  if (!opset) fail('onnx-no-opset', { file }, 'opset_import');

  const draft = new DesignDraft();
  const table = new ValueTable(draft);
  for (const init of graph.initializer ?? []) table.constants.set(init.name ?? '', init);
  for (const node of graph.node ?? []) for (const n of node.input ?? []) if (n) table.uses.set(n, (table.uses.get(n) ?? 0) + 1);
  for (const o of graph.output ?? []) table.uses.set(o.name ?? '', (table.uses.get(o.name ?? '') ?? 0) + 1);

  // Graph inputs become Input blocks when first read as tensors; bound ones may serve as constants instead.
  const inputs: OnnxImportPort[] = [];
  for (const info of graph.input ?? []) {
    const name = info.name ?? '';
    if (table.constants.has(name)) continue;
    if (options.bind?.[name]) table.bound.set(name, options.bind[name]);
    const { dims, problem } = shapeOf(info);
    // A tf2onnx image input is NHWC and goes straight into Transpose(0, 3, 1, 2): keep it channels last.
    const readers = (graph.node ?? []).filter((n) => n.input?.includes(name));
    const nhwc = dims.length === 4 && readers.length > 0 && readers.every((n) => n.opType === 'Transpose' && n.attribute?.find((a) => a.name === 'perm')?.ints?.map(Number).join() === '0,3,1,2');
    const design = nhwc ? dims.slice(1) : channelsLastShape(dims.slice(1));
    let id: string | undefined;
    const value: Value = {
      design, onnx: dims, nonNegative: false,
      map: nhwc ? Int32Array.from({ length: design.reduce((a, b) => a * b, 1) }, (_, i) => i) : null,
      node: () => {
        if (problem) throw new NodeProblem(problem);
        if (!id) {
          id = draft.add('Input', { shape: design }, [], name);
          inputs.push({ name, nodeId: id, onnxShape: dims, designShape: design, index: explicitMap(value) });
        }
        return id;
      },
    };
    table.values.set(name, value);
  }

  (graph.node ?? []).forEach((node, i) => {
    const where = nodePath(i);
    const op = node.opType ?? '';
    const label = { op, node: node.name || node.output?.[0] || i };
    if (node.domain && node.domain !== 'ai.onnx') fail('onnx-foreign-domain', { ...label, domain: node.domain }, where);
    const reader = new NodeReader(node, table, opset);
    try {
      if (op === 'Constant') {
        table.constants.set(node.output?.[0] ?? '', constantOf(node, node.output?.[0] ?? ''));
        return;
      }
      const src = node.input?.[0] ?? '';
      if (op === 'Identity' && table.constants.has(src)) {
        // PyTorch aliases shared initializers through Identity nodes.
        table.constants.set(node.output?.[0] ?? '', { ...table.constant(src, 'input'), name: node.output?.[0] });
        return;
      }
      const ins = node.input ?? [];
      if (op === 'Shape' && table.values.has(src)) {
        // A tensor's shape is known here. A symbolic batch becomes 0, which Reshape reads as "keep this axis":
        // exactly what x.view(x.size(0), -1) under a dynamic batch means (Shape -> Gather -> Concat -> Reshape).
        const dims = table.values.get(src)!.onnx.map((d, k) => (k === 0 && d < 0 ? 0 : d));
        const rank = dims.length;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
        const start = clamp(reader.int('start', 0));
        const end = clamp(reader.int('end', rank));
        table.constants.set(node.output?.[0] ?? '', int64Tensor(node.output?.[0] ?? '', dims.slice(start, end)));
        return;
      }
      if (FOLDABLE.has(op) && ins.some(Boolean) && ins.every((n) => !n || table.constants.has(n))) {
        // Shape arithmetic on constants (PyTorch's F.pad pads, reshape targets): evaluate it now.
        table.constants.set(node.output?.[0] ?? '', foldConstant(node, ins.map((n) => (n ? table.constants.get(n) : undefined)), opset));
        return;
      }
      const handler = IMPORT_OPS[op];
      if (!handler) fail('onnx-unsupported-op', label, where, [`operators LayerLoom imports: ${Object.keys(IMPORT_OPS).sort().map((o) => (o === 'Div' || o === 'Erf' ? `${o} (in GELU)` : o)).join(', ')}`]);
      const outs = handler(table, reader);
      outs.forEach((v, k) => {
        const name = node.output?.[k];
        if (name) table.values.set(name, v);
      });
    } catch (err) {
      if (err instanceof DesignError) throw err;
      if (err instanceof NodeProblem) throw new OnnxRefusal(quoting('onnx-node-case', label, err.detail), where);
      fail('onnx-node-refused', { ...label, reason: (err as Error).message }, where);
    }
  });

  const outputs: OnnxImportPort[] = [];
  for (const info of graph.output ?? []) {
    const name = info.name ?? '';
    if (table.constants.has(name)) fail('onnx-output-constant', { output: name }, 'graph.output');
    try {
      const v = table.value(name, 'output');
      const designShape = channelsLastShape(v.onnx.slice(1));
      const src = table.shaped(v, designShape);
      const id = draft.add('Output', {}, [src], name || 'output');
      outputs.push({ name, nodeId: id, onnxShape: v.onnx, designShape, index: explicitMap(v) });
    } catch (err) {
      if (err instanceof DesignError) throw err;
      fail('onnx-output-refused', { output: name, reason: (err as Error).message }, 'graph.output');
    }
  }
  if (inputs.length === 0) fail('onnx-no-input', { file }, 'graph.input');

  const ids = draft.nodes.map((n) => n.id);
  const edges = draft.nodes.flatMap((n) => n.inputs.map((s) => [s, n.id] as [string, string]));
  const positions = layoutGraph(ids.map((id) => ({ id, width: 200, height: 64 })), edges.map(([source, target]) => ({ source, target })));
  const parsed = documentSchema.safeParse({
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    // LayerLoom's own files keep the design's name (the graph name is an identifier).
    name: (options.name ?? model.metadataProps?.find((p) => p.key === 'layerloom.name')?.value ?? (graph.name || 'Imported ONNX model')).slice(0, 200),
    description: `Imported from ${file} (${model.producerName || 'unknown producer'} ${model.producerVersion ?? ''}, opset ${opset}, ${graph.node?.length ?? 0} ONNX nodes).`.slice(0, 10000),
    nodes: draft.nodes.map((n) => ({ id: n.id, type: n.type, name: n.name, params: n.params, position: positions.get(n.id) })),
    edges: edges.map(([a, b], i) => ({ id: `e${i + 1}`, source: { node: a, port: 'out' }, target: { node: b, port: 'in' } })),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail('import-invalid-design', { issue: issue.message }, issue.path.join('.'));
  }
  const doc = parsed.data!;
  const analysis = analyzeDesign(doc);
  if (!analysis.valid) {
    const d = analysis.diagnostics.find((x) => x.severity === 'error')!;
    throw new OnnxRefusal({ code: 'import-invalid-analysis', values: { reason: `${d.nodeId ? `${d.nodeId}: ` : ''}${d.message}` }, diagnostic: quoteDiagnostic(d) });
  }
  for (const o of outputs) {
    const got = analysis.nodes[o.nodeId]?.outputShape ?? [];
    if (got.join() !== o.designShape.join()) throw new Error(`internal: output '${o.name}' has design shape [${got.join(', ')}], expected [${o.designShape.join(', ')}]`);
  }
  checkWeights(analysis, draft.weights);
  return { doc, weights: draft.weights, inputs, outputs, opset, producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim() };
}
