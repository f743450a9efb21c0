/**
 * Design document (+ weights) -> an `.onnx` file (opset 17, IR version 8: what onnxruntime and ONNX 1.12's
 * checker both accept). Layout: the file is channels first throughout, inputs `[N, C, H, W]` (N symbolic),
 * as PyTorch exports and deployment runtimes expect; see export-ops.ts for how TensorFlow's conventions are
 * converted. Weights are the trained ones when given (Keras layout, see weights.ts), otherwise Keras-style
 * fresh ones from a seed. Designs with something ONNX (or this exporter) cannot express are refused with the
 * whole list, as the code exports do.
 */
import { analyzeDesign } from '../analysis/analyze';
import type { DesignAnalysis, FlatNode } from '../analysis/types';
import { assertCompilable } from '../compile/compile';
import { DesignError } from '../errors';
import type { DesignDocument } from '../schema/document';
import { GraphWriter } from './graph-writer';
import { ONNX_ACTIVATIONS, ONNX_LAYERS, writeLayer } from './export-ops';
import { channelsFirstShape } from './layout';
import { DataType, encodeModel, type ValueInfoProto } from './proto';
import { checkWeights, freshWeights, inputShapes, type DesignWeights } from './weights';
import { errorDetailEnglish, quoting, type ErrorDetail } from '../messages';

/** The opset and IR version LayerLoom writes. */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

/** Name of the symbolic batch dimension of every input and output. */
export const BATCH_DIM = 'N';

/** A graph input or output of an export: its ONNX name, the design node it comes from and its batched ONNX shape. */
export interface OnnxPort {
  name: string;
  nodeId: string;
  /** Channels first, batch first (`-1` stands for the symbolic batch). */
  shape: number[];
}

/** The written file and its inputs and outputs. */
export interface OnnxExport {
  bytes: Uint8Array;
  inputs: OnnxPort[];
  outputs: OnnxPort[];
}

/** Options of `exportOnnx`. */
export interface OnnxExportOptions {
  /** Seed of the fresh weights written when none are given (default 42). */
  seed?: number;
  /** The `producer_version` field (default: LayerLoom's version is unknown to the engine: '0'). */
  producerVersion?: string;
}

/** A feature of a design the ONNX export cannot express: the flat node at fault and why. */
export interface OnnxUnsupported {
  nodeId: string;
  nodeName: string;
  message: string;
  /** The same by code + values (engine/messages.ts). */
  detail: ErrorDetail;
}

/** Lists what `exportOnnx` would refuse in this (valid) design; empty means it can export. */
export function onnxUnsupported(analysis: DesignAnalysis): OnnxUnsupported[] {
  const out: OnnxUnsupported[] = [];
  const ins = inputShapes(analysis);
  const add = (n: FlatNode, detail: ErrorDetail) => out.push({ nodeId: n.id, nodeName: n.name, message: errorDetailEnglish(detail), detail });
  for (const n of analysis.flat) {
    const layer = n.layer;
    if (!layer) continue;
    if (!ONNX_LAYERS.has(layer.className)) {
      add(n, { code: 'export-layer-class', values: { className: layer.className, target: 'ONNX' } });
      continue;
    }
    const act = layer.config.activation;
    if (typeof act === 'string' && !ONNX_ACTIVATIONS.has(act)) add(n, { code: 'export-activation-onnx', values: { activation: act } });
    if (layer.className === 'BatchNormalization' && layer.config.axis !== undefined && layer.config.axis !== -1) {
      add(n, { code: 'export-bn-axis', values: { target: 'ONNX' } });
    }
    if (layer.className === 'Concatenate' && (layer.config.axis === 0 || (typeof layer.config.axis === 'number' && layer.config.axis < -n.outputShape.length))) {
      add(n, { code: 'export-concat-batch-onnx', values: {} });
    }
    const inShape = ins.get(n.id) ?? [];
    if (/Conv|Pool|Padding/.test(layer.className) && !layer.className.startsWith('Global') && inShape.length !== 3) {
      add(n, { code: 'export-needs-image', values: { className: layer.className, target: 'ONNX' } });
    }
  }
  return out;
}

function valueInfo(name: string, shape: readonly number[]): ValueInfoProto {
  const dim = [{ dimParam: BATCH_DIM }, ...channelsFirstShape(shape).map((d) => ({ dimValue: d }))];
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

/**
 * Exports a design (or its analysis) as ONNX bytes. `weights` are per flat node id in Keras layout (from
 * `weightsFromModel` after training, or from `importOnnx`); without them fresh weights are written. Throws a
 * `DesignError` when the design is invalid ('invalid-graph') or has features ONNX cannot express
 * ('unsupported-export', every feature listed in `details`).
 */
export function exportOnnx(input: DesignDocument | DesignAnalysis, weights?: DesignWeights, options: OnnxExportOptions = {}): OnnxExport {
  const isAnalysis = Array.isArray((input as DesignAnalysis).flat);
  const analysis = isAnalysis ? (input as DesignAnalysis) : analyzeDesign(input as DesignDocument);
  assertCompilable(analysis);
  const problems = onnxUnsupported(analysis);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.nodeName}: ${p.message}`);
    const first = quoting('export-feature', { node: problems[0].nodeName }, problems[0].detail);
    const detail = lines.length > 1 ? quoting('export-onnx-refused-more', { more: lines.length - 1 }, first) : quoting('export-onnx-refused', {}, first);
    throw new DesignError('unsupported-export', errorDetailEnglish(detail), `nodes.${problems[0].nodeId}`, lines, detail);
  }
  const ws = weights ?? freshWeights(analysis, options.seed);
  try {
    checkWeights(analysis, ws);
  } catch (err) {
    throw new DesignError('unsupported-export', `the weights do not fit the design: ${(err as Error).message}`);
  }

  const w = new GraphWriter();
  const tensorOf = new Map<string, string>();
  const byId = new Map(analysis.flat.map((n) => [n.id, n]));
  const inputs: OnnxPort[] = [];
  const outputs: OnnxPort[] = [];
  const graphInputs: ValueInfoProto[] = [];
  const graphOutputs: ValueInfoProto[] = [];
  for (const node of analysis.flat) {
    if (node.type === 'Input') {
      const name = w.unique(node.layerName);
      tensorOf.set(node.id, name);
      graphInputs.push(valueInfo(name, node.outputShape));
      inputs.push({ name, nodeId: node.id, shape: [-1, ...channelsFirstShape(node.outputShape)] });
      continue;
    }
    const ins = node.inputs.map((id) => tensorOf.get(id) as string);
    const inShapes = node.inputs.map((id) => byId.get(id)!.outputShape);
    if (node.type === 'Output') {
      // An Identity names the graph output after the Output block (its source may also feed other layers).
      const name = w.op('Identity', [ins[0]], node.layerName);
      graphOutputs.push(valueInfo(name, node.outputShape));
      outputs.push({ name, nodeId: node.id, shape: [-1, ...channelsFirstShape(node.outputShape)] });
      continue;
    }
    if (!node.layer) {
      tensorOf.set(node.id, ins[0]);
      continue;
    }
    tensorOf.set(node.id, writeLayer({ w, node, ins, inShapes, weights: ws[node.id] ?? [] }));
  }

  const docName = isAnalysis ? 'LayerLoom design' : (input as DesignDocument).name;
  const bytes = encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'LayerLoom',
    producerVersion: options.producerVersion ?? '0',
    docString: isAnalysis ? '' : (input as DesignDocument).description,
    graph: {
      name: docName.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'model',
      node: w.nodes,
      initializer: w.initializers,
      input: graphInputs,
      output: graphOutputs,
    },
    metadataProps: [{ key: 'layerloom.name', value: docName }, { key: 'layerloom.layout', value: 'channels_first' }],
  });
  return { bytes, inputs, outputs };
}
