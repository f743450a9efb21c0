/**
 * tfjs Layers `model.json` / Keras JSON topology -> design document, laid out top to bottom with dagre.
 * Every layer becomes a primitive block named after the layer; each model output gets an Output block (with
 * the loss and loss weight from the file's training config when there is one; a model with several inputs or
 * outputs keeps them all). Unsupported layers fail with a
 * `DesignError('import-failed')` that names the layer and class, by code + values too (engine/messages/import.ts).
 */
import { detailedError } from '../messages';
import { layoutGraph } from '../graph/layout';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, documentSchema, type DesignDocument } from '../schema/document';
import { cfg, mapLayer, mapLoss } from './keras-layers';
import { readTopology, type ModelTopology } from './topology';

/** Options of `importModel`. */
export interface ImportOptions {
  /** Document name (defaults to the model's name). */
  name?: string;
  /** File name, for the document description and messages. */
  fileName?: string;
}

/** Size of a node box in the automatic layout, in canvas units. */
export const IMPORT_LAYOUT = { nodeWidth: 200, nodeHeight: 64, nodeSep: 40, rankSep: 48 } as const;

interface Pending {
  id: string;
  type: string;
  name: string;
  params: Record<string, unknown>;
}

function inputShape(config: Record<string, unknown>, layerName: string, where: string): number[] {
  const batchShape = cfg(config, 'batch_input_shape') ?? cfg(config, 'batch_shape');
  const shape = Array.isArray(batchShape) ? batchShape.slice(1) : cfg(config, 'input_shape');
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw detailedError('import-failed', { code: 'import-input-shape', values: { layer: layerName, got: JSON.stringify(batchShape ?? shape ?? null) } }, where);
  }
  return shape as number[];
}

function lossFor(loss: unknown, output: string, index: number): string | undefined {
  if (Array.isArray(loss)) return mapLoss(loss[index]);
  if (loss && typeof loss === 'object') return mapLoss((loss as Record<string, unknown>)[output]);
  return mapLoss(loss);
}

/** An output's Keras loss weight (list in output order, or by output name), when the file gives a usable one. */
function lossWeightFor(weights: unknown, output: string, index: number): number | undefined {
  const w = Array.isArray(weights) ? weights[index] : weights && typeof weights === 'object' ? (weights as Record<string, unknown>)[output] : undefined;
  return typeof w === 'number' && Number.isFinite(w) && w >= 0 && w <= 1000 ? w : undefined;
}

/** Builds a design document from a layer graph read by `readTopology`. */
export function documentFromTopology(topo: ModelTopology, options: ImportOptions = {}): DesignDocument {
  const nodes: Pending[] = [];
  const edges: Array<[string, string]> = [];
  const used = new Set<string>();
  const lastOf = new Map<string, string>();
  const uniqueId = (name: string) => {
    const base = name.replace(/[^A-Za-z0-9_-]+/g, '_') || 'node';
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    return id;
  };
  const known = new Set(topo.layers.map((l) => l.name));
  topo.layers.forEach((layer, i) => {
    const where = `layers[${i}] (${layer.name})`;
    for (const src of layer.inputs) {
      if (!known.has(src)) throw detailedError('import-failed', { code: 'import-unknown-source', values: { layer: layer.name, source: src } }, where);
    }
    if (layer.className === 'InputLayer') {
      const id = uniqueId(layer.name);
      nodes.push({ id, type: 'Input', name: layer.name, params: { shape: inputShape(layer.config, layer.name, where) } });
      lastOf.set(layer.name, id);
      return;
    }
    const blocks = mapLayer(layer.className, layer.name, layer.config, where);
    let sources = layer.inputs.map((src) => {
      const id = lastOf.get(src);
      if (!id) throw detailedError('import-failed', { code: 'import-not-topological', values: { layer: layer.name, source: src } }, where);
      return id;
    });
    blocks.forEach((block, k) => {
      const name = k === 0 ? layer.name : `${layer.name}_${block.type.toLowerCase()}`;
      const id = uniqueId(name);
      nodes.push({ id, type: block.type, name, params: block.params });
      for (const s of sources) edges.push([s, id]);
      sources = [id];
    });
    lastOf.set(layer.name, sources[0]);
  });
  topo.outputs.forEach((out, i) => {
    const src = lastOf.get(out);
    if (!src) throw detailedError('import-failed', { code: 'import-unknown-output', values: { output: out } }, 'output_layers');
    const loss = lossFor(topo.loss, out, i);
    const lossWeight = lossWeightFor(topo.lossWeights, out, i);
    const id = uniqueId(topo.outputs.length === 1 ? 'output' : `${out}_output`);
    nodes.push({ id, type: 'Output', name: id, params: { ...(loss ? { loss } : {}), ...(lossWeight !== undefined ? { lossWeight } : {}) } });
    edges.push([src, id]);
  });
  const positions = layoutGraph(
    nodes.map((n) => ({ id: n.id, width: IMPORT_LAYOUT.nodeWidth, height: IMPORT_LAYOUT.nodeHeight })),
    edges.map(([source, target]) => ({ source, target })),
    { nodesep: IMPORT_LAYOUT.nodeSep, ranksep: IMPORT_LAYOUT.rankSep },
  );
  const result = documentSchema.safeParse({
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name: (options.name ?? topo.name).slice(0, 200),
    description: `Imported from ${options.fileName ?? 'a model file'} (${topo.layers.length} layers).`.slice(0, 10000),
    nodes: nodes.map((n) => ({ ...n, position: positions.get(n.id) })),
    edges: edges.map(([a, b], i) => ({ id: `e${i + 1}`, source: { node: a, port: 'out' }, target: { node: b, port: 'in' } })),
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw detailedError('import-failed', { code: 'import-invalid-design', values: { issue: issue.message } }, issue.path.join('.'));
  }
  return result.data;
}

/** Imports a parsed tfjs model.json or Keras `model.to_json()` object as a design document. */
export function importModel(raw: unknown, options: ImportOptions = {}): DesignDocument {
  return documentFromTopology(readTopology(raw), options);
}

/** Imports model JSON text; a syntax error names the file. */
export function importModelText(text: string, options: ImportOptions = {}): DesignDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw detailedError('invalid-json', { code: 'json-syntax', values: { file: options.fileName ?? 'model file', reason: (err as Error).message } });
  }
  return importModel(raw, options);
}
