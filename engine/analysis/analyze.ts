/**
 * `analyzeDesign(doc)` and the incremental `createAnalyzer().update(doc)`: structure, per-node evaluation
 * (cached by node type, name, params and input tensors, so an edit re-evaluates only what it changes
 * downstream), diagnostics with fixes, the flat graph and whole-model totals.
 */
import type { ExpandContext } from '../blocks/types';
import { getBlock } from '../blocks/registry';
import { freshId } from '../graph/ids';
import type { DesignDocument, DesignNode } from '../schema/document';
import { evaluateBlock, layerNameOf, parseParams, type EvalResult, type FlatRecord, type TensorRef } from './evaluate';
import { diagnose, type DiagInput } from './fixes';
import { buildGraph } from './graph';
import { estimateMemory } from './memory';
import { publicField } from './receptive-field';
import type { AnalyzeOptions, DesignAnalysis, Diagnostic, FlatNode, NodeAnalysis } from './types';

interface CacheEntry {
  key: string;
  result: EvalResult;
  /** Identifies the output tensor (producer, shape, field) for downstream cache keys: unchanged output, unchanged key. */
  outKey: string;
  analysis: NodeAnalysis;
  diagnostics: Diagnostic[];
}

/** An analyzer that remembers per-node results between calls. */
export interface Analyzer {
  update(doc: DesignDocument, options?: AnalyzeOptions): DesignAnalysis;
}

const jsonKeys = new WeakMap<object, string>();
function keyOf(value: object): string {
  let k = jsonKeys.get(value);
  if (k === undefined) jsonKeys.set(value, (k = JSON.stringify(value)));
  return k;
}

/** Creates an incremental analyzer: unchanged nodes with unchanged inputs are not re-evaluated. */
export function createAnalyzer(): Analyzer {
  let cache = new Map<string, CacheEntry>();
  return {
    update(doc, options = {}) {
      const next = new Map<string, CacheEntry>();
      const result = run(doc, options, cache, next);
      cache = next;
      return result;
    },
  };
}

/** Analyzes a design once (see `createAnalyzer` for repeated analysis while editing). */
export function analyzeDesign(doc: DesignDocument, options: AnalyzeOptions = {}): DesignAnalysis {
  return run(doc, options, new Map(), new Map());
}

function run(doc: DesignDocument, options: AnalyzeOptions, prev: Map<string, CacheEntry>, next: Map<string, CacheEntry>): DesignAnalysis {
  const graph = buildGraph(doc);
  const diagnostics: Diagnostic[] = [...graph.diagnostics];
  const ctx: ExpandContext = { composites: doc.composites };
  const compositesKey = doc.composites.length ? keyOf(doc.composites) : '';
  const overrideKey = options.inputShape ? options.inputShape.join('x') : '';
  const nodes: Record<string, NodeAnalysis> = {};
  const outs = new Map<string, { ref: TensorRef; key: string }>();
  const records: FlatRecord[] = [];

  for (const id of graph.order) {
    const node = graph.byId.get(id)!;
    const incoming = graph.incoming.get(id) ?? [];
    const ins = incoming.map((e) => outs.get(e.source));
    let entry: CacheEntry | undefined;
    if (graph.blocked.has(id) || ins.some((i) => !i)) {
      entry = undefined;
      // Shapes are unknown without inputs, but bad params are still worth naming now.
      const spec = getBlock(node.type);
      const parsed = spec && parseParams(spec, node.params);
      if (parsed && !parsed.ok) diagnostics.push(diagnose(node, parsed.problem, []));
    } else {
      const key = [node.type, node.name, keyOf(node.params), node.type === 'Input' ? overrideKey : '', node.type === 'Composite' ? compositesKey : '',
        ...incoming.map((e, i) => `${e.edgeId}=${ins[i]!.key}`)].join('\u0001');
      entry = prev.get(id);
      if (!entry || entry.key !== key) entry = evaluateNode(node, key, incoming.map((e, i) => ({ edge: e, sourceName: graph.byId.get(e.source)!.name || e.source, ref: ins[i]!.ref })), options, ctx);
      next.set(id, entry);
    }
    if (entry) {
      nodes[id] = entry.analysis;
      diagnostics.push(...entry.diagnostics);
      if (entry.result.out.shape) outs.set(id, { ref: entry.result.out, key: entry.outKey });
      for (const r of entry.result.records) records.push(r);
    }
  }
  for (const n of doc.nodes) nodes[n.id] ??= emptyAnalysis(n.id);

  const edges: DesignAnalysis['edges'] = {};
  for (const e of doc.edges) edges[e.id] = { shape: outs.get(e.source.node)?.ref.shape ?? null };

  diagnostics.push(...endpointDiagnostics(doc, graph.outgoing, options));
  const batch = options.batchSize ?? doc.training.batchSize;
  const memory = estimateMemory(records, batch);
  let trainable = 0;
  let nonTrainable = 0;
  let macs = 0;
  for (const r of records) {
    trainable += r.trainable;
    nonTrainable += r.nonTrainable;
    macs += r.macs;
  }
  if (options.memoryBudgetBytes !== undefined) {
    const budget = options.memoryBudgetBytes;
    const weights = (trainable + nonTrainable) * 4;
    const context = weights > budget ? 'weights' : memory.trainingBytes > budget ? 'training' : '';
    const what = context === 'weights' ? `its parameters alone need ${mib(weights)}` : `training at batch ${batch} needs about ${mib(memory.trainingBytes)}`;
    if (context) {
      diagnostics.push({
        severity: 'error', code: 'memory-budget', message: `the design exceeds the memory budget of ${mib(budget)}: ${what} (weights ${mib(weights)}, inference ${mib(memory.inferenceBytes)})`,
        values: { budget: mib(budget), weights: mib(weights), training: mib(memory.trainingBytes), inference: mib(memory.inferenceBytes), batch, context },
      });
    }
  }
  const valid = !diagnostics.some((d) => d.severity === 'error');
  return {
    nodes,
    edges,
    flat: valid ? uniqueLayerNames(endpointsInDocumentOrder(records.map((r) => r.node), doc)) : [],
    totals: { params: trainable + nonTrainable, trainableParams: trainable, nonTrainableParams: nonTrainable, macs, memory },
    diagnostics,
    valid,
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function evaluateNode(node: DesignNode, key: string, inputs: DiagInput[], options: AnalyzeOptions, ctx: ExpandContext): CacheEntry {
  const params = node.type === 'Input' && options.inputShape ? { ...node.params, shape: options.inputShape } : node.params;
  const target = { flatId: node.id, name: node.name || node.id, layerName: layerNameOf(node.name || node.id), origin: node.id };
  const result = evaluateBlock(node.type, params, inputs.map((i) => i.ref), target, ctx);
  const diagnostics = result.problems.map((p) => diagnose(node, p, inputs, result.params));
  let trainable = 0;
  let nonTrainable = 0;
  let macs = 0;
  let activationBytes = 0;
  for (const r of result.records) {
    trainable += r.trainable;
    nonTrainable += r.nonTrainable;
    macs += r.macs;
    activationBytes += r.activationBytes;
  }
  const out = result.out;
  const analysis: NodeAnalysis = {
    nodeId: node.id,
    outputShape: out.shape,
    params: { trainable, nonTrainable },
    macs,
    memory: { activationBytes },
    receptiveField: publicField(out.rf),
  };
  const outKey = `${out.flatId}:${out.shape?.join('x')}:${out.rf ? `${out.rf.size}/${out.rf.stride}/${out.rf.padding}/${out.rf.global ? 1 : 0}` : '-'}`;
  return { key, result, outKey, analysis, diagnostics };
}

function emptyAnalysis(nodeId: string): NodeAnalysis {
  return { nodeId, outputShape: null, params: { trainable: 0, nonTrainable: 0 }, macs: 0, memory: { activationBytes: 0 }, receptiveField: null };
}

/**
 * Puts the Input layers first and the Output markers last, each in document (creation) order, so a model's
 * inputs and outputs have a stable order however the graph branches: the compiler, the writers and training
 * all read them from `flat`. Still a topological order: an Input has no inputs, nothing reads an Output.
 */
function endpointsInDocumentOrder(flat: FlatNode[], doc: DesignDocument): FlatNode[] {
  const index = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const byDoc = (a: FlatNode, b: FlatNode) => (index.get(a.origin) ?? 0) - (index.get(b.origin) ?? 0);
  const inputs = flat.filter((n) => n.type === 'Input').sort(byDoc);
  const outputs = flat.filter((n) => n.type === 'Output').sort(byDoc);
  return [...inputs, ...flat.filter((n) => n.type !== 'Input' && n.type !== 'Output'), ...outputs];
}

/** Layer names must be unique in a model: later duplicates get `_2`, `_3`, ... (copies; cached nodes are not mutated). */
function uniqueLayerNames(flat: FlatNode[]): FlatNode[] {
  const used = new Set<string>();
  return flat.map((n) => {
    let name = n.layerName;
    for (let i = 2; used.has(name); i++) name = `${n.layerName}_${i}`;
    used.add(name);
    return name === n.layerName ? n : { ...n, layerName: name };
  });
}

/** A design needs an Input and an Output; the fix for a missing Output attaches one to the single dangling end. */
function endpointDiagnostics(doc: DesignDocument, outgoing: Map<string, string[]>, options: AnalyzeOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!doc.nodes.some((n) => n.type === 'Input')) {
    const starts = doc.nodes.filter((n) => !doc.edges.some((e) => e.target.node === n.id));
    const first = starts.length === 1 ? starts[0] : undefined;
    out.push({
      severity: 'error', code: 'no-input', message: 'the design has no Input block: add one and connect it to the first layer',
      fix: first ? {
        label: `Add an Input before '${first.name || first.id}'`, code: 'add-input', values: { node: first.name || first.id },
        commands: [
          { kind: 'addNode', id: freshId(doc, 'input'), type: 'Input', name: 'input', params: { shape: options.inputShape ?? [28, 28, 1] }, position: { x: first.position.x, y: first.position.y - 110 } },
          { kind: 'connect', source: { node: freshId(doc, 'input'), port: 'out' }, target: { node: first.id, port: 'in' } },
        ],
      } : undefined,
    });
  }
  if (!doc.nodes.some((n) => n.type === 'Output')) {
    const ends = doc.nodes.filter((n) => !outgoing.has(n.id) && n.type !== 'Input');
    const last = ends.length === 1 ? ends[0] : undefined;
    out.push({
      severity: 'error', code: 'no-output', message: 'the design has no Output block: add one after the last layer to mark the prediction',
      fix: last ? {
        label: `Add an Output after '${last.name || last.id}'`, code: 'add-output', values: { node: last.name || last.id },
        commands: [
          { kind: 'addNode', id: freshId(doc, 'output'), type: 'Output', name: 'output', position: { x: last.position.x, y: last.position.y + 110 } },
          { kind: 'connect', source: { node: last.id, port: 'out' }, target: { node: freshId(doc, 'output'), port: 'in' } },
        ],
      } : undefined,
    });
  }
  return out;
}

