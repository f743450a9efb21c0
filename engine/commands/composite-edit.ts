/**
 * Editing a composite in place: a composite's inside as a document of its own (its "scope"), edited with the
 * ordinary commands and written back into the design as one command (`editComposite`).
 *
 * The scope document holds the definition's layers plus fixed boundary nodes: one `Input` per port of the
 * composite, shaped as the tensor the composite receives where it is used, and one `Output` for its result. So
 * the ordinary analysis of the scope document shows the inner shapes in context, and the ordinary rules
 * (ports, cycles, fresh ids) apply to inner edits. Built-in composites (Residual, Inception, SE, ...) are defined
 * by params: editing one's layers first turns that use into a user-defined composite with the same expansion.
 */
import { analyzeDesign } from '../analysis/analyze';
import { buildGraph } from '../analysis/graph';
import { getBlock } from '../blocks/registry';
import type { Shape, Subgraph } from '../blocks/types';
import { DesignError } from '../errors';
import { freshId, layoutGraph } from '../graph';
import type { CompositeDefinition, DesignDocument, DesignEdge, DesignNode } from '../schema/document';
import type { ApplyTo, EditCommand } from './types';

/** The boundary nodes of a scope document: the composite's input ports and its output. */
export interface ScopeBoundary {
  inputs: { id: string; name: string }[];
  output: string;
}

/** A composite opened for editing. */
export interface OpenedComposite {
  /** The definition as a document: its layers, its wiring and the boundary nodes. */
  doc: DesignDocument;
  boundary: ScopeBoundary;
  /** The edited definition; for a built-in composite, the one its first edit will create. */
  definition: CompositeDefinition;
  /** True for a built-in composite (not yet a definition of the document). */
  builtIn: boolean;
  /** How many nodes of the design (inside definitions too) use this definition; 1 for a built-in. */
  uses: number;
}

/** The editor's block size (renderer/src/canvas/layout.ts), for laying a built-in's layers out as a definition. */
const INNER_W = 212;
const INNER_H = 96;

/** Edge shapes per document object: the editor opens the scope of the document it then edits, so one analysis serves both. */
const edgeShapes = new WeakMap<DesignDocument, { incoming: ReturnType<typeof buildGraph>['incoming']; edges: ReturnType<typeof analyzeDesign>['edges'] }>();

/** The shapes feeding a node, in port order, from the analysis of `doc`; null when any is unknown. */
export function inputShapesOf(doc: DesignDocument, nodeId: string): Shape[] | null {
  let known = edgeShapes.get(doc);
  if (!known) edgeShapes.set(doc, (known = { incoming: buildGraph(doc).incoming, edges: analyzeDesign(doc).edges }));
  const incoming = known.incoming.get(nodeId);
  if (!incoming?.length) return null;
  const edges = known.edges;
  const shapes = incoming.map((e) => edges[e.edgeId]?.shape ?? null);
  return shapes.every((s): s is Shape => !!s) ? shapes : null;
}

/** How many nodes of `doc` (top level and inside every definition) use definition `defId`. */
export function countUses(doc: DesignDocument, defId: string): number {
  const uses = (nodes: readonly DesignNode[]) => nodes.filter((n) => n.type === 'Composite' && n.params.definition === defId).length;
  return uses(doc.nodes) + doc.composites.reduce((sum, d) => sum + uses(d.nodes), 0);
}

/** The input port of block `type` that its `k`-th input arrives on (variadic ports take the rest). */
function portForInput(type: string, k: number): string {
  const ports = getBlock(type)?.inputs ?? [];
  if (!ports.length) return 'in';
  return ports[Math.min(k, ports.length - 1)].name;
}

/**
 * A built-in composite's expansion as a definition: the same inner layers (ids, names, params) and wiring, laid
 * out top to bottom, so analysing the use before and after the conversion gives the same layers and counts.
 */
export function materializeComposite(doc: DesignDocument, node: DesignNode, inShapes: Shape[]): CompositeDefinition {
  const spec = getBlock(node.type);
  if (!spec || spec.kind !== 'composite') throw new DesignError('invalid-graph', `'${node.name}' (${node.type}) is not a composite block`);
  const parsed = spec.params.safeParse(node.params);
  if (!parsed.success) throw new DesignError('invalid-params', `fix the params of '${node.name}' before editing its layers`);
  const sub: Subgraph = spec.expand(parsed.data as Record<string, unknown>, inShapes, { composites: doc.composites });
  const inputs: CompositeDefinition['inputs'] = [];
  const edges: DesignEdge[] = [];
  const taken = new Set(sub.nodes.map((n) => n.id));
  for (const n of sub.nodes) {
    n.inputs.forEach((src, k) => {
      const port = portForInput(n.type, k);
      if (src.startsWith('input:')) {
        inputs.push({ name: spec.inputs[Number(src.slice(6))]?.name ?? 'in', node: n.id, port });
        return;
      }
      let id = `e_${src}_${n.id}`;
      for (let i = 2; taken.has(id); i++) id = `e_${src}_${n.id}_${i}`;
      taken.add(id);
      edges.push({ id, source: { node: src, port: 'out' }, target: { node: n.id, port } });
    });
  }
  const pos = layoutGraph(sub.nodes.map((n) => ({ id: n.id, width: INNER_W, height: INNER_H })), edges.map((e) => ({ source: e.source.node, target: e.target.node })), { nodesep: 40, ranksep: 40 });
  return {
    id: node.id,
    name: node.name || node.id,
    description: `Edited from a ${spec.label}.`,
    nodes: sub.nodes.map((n) => ({ id: n.id, type: n.type, name: n.name, params: structuredClone(n.params), position: pos.get(n.id)! })),
    edges,
    inputs,
    output: { name: 'out', node: sub.output, port: 'out' },
  };
}

const materialized = new WeakMap<DesignNode, { key: string; definition: CompositeDefinition }>();

/**
 * Opens composite node `nodeId` of `doc` for editing (see `OpenedComposite`). Throws a `DesignError` naming why it
 * cannot. `root` is the whole design when `doc` is itself a scope document (uses are counted there).
 */
export function openComposite(doc: DesignDocument, nodeId: string, root: DesignDocument = doc): OpenedComposite {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) throw new DesignError('invalid-graph', `there is no node with id '${nodeId}'`);
  const spec = getBlock(node.type);
  if (!spec || spec.kind !== 'composite') throw new DesignError('invalid-graph', `'${node.name}' (${node.type}) is not a composite block: it has no layers to edit`);
  const shapes = inputShapesOf(doc, nodeId);
  let definition: CompositeDefinition;
  const builtIn = node.type !== 'Composite';
  if (builtIn) {
    if (!shapes) throw new DesignError('invalid-graph', `connect '${node.name}' to a valid input first: its layers depend on the input shape`);
    // The same node on the same shapes expands the same (laying it out is the costly part): once per node object.
    const key = JSON.stringify(shapes);
    const hit = materialized.get(node);
    definition = hit?.key === key ? hit.definition : materializeComposite(doc, node, shapes);
    materialized.set(node, { key, definition });
  } else {
    const found = doc.composites.find((d) => d.id === node.params.definition);
    if (!found) throw new DesignError('unknown-block', `no composite definition '${String(node.params.definition)}' in this document`);
    definition = found;
  }
  const { scope, boundary } = scopeDocument(doc, definition, shapes);
  return { doc: scope, boundary, definition, builtIn, uses: builtIn ? 1 : countUses(root, definition.id) };
}

/** The scope document of a definition: boundary Inputs first (so merge inputs keep their order), then its layers, then the Output. */
function scopeDocument(doc: DesignDocument, def: CompositeDefinition, shapes: Shape[] | null): { scope: DesignDocument; boundary: ScopeBoundary } {
  const names = [...new Set(def.inputs.map((i) => i.name))];
  const taken = { nodes: def.nodes, edges: def.edges };
  const inputIds: string[] = [];
  for (const name of names) inputIds.push(freshId({ nodes: [...taken.nodes, ...inputIds.map((id) => ({ id }) as DesignNode)], edges: taken.edges }, `input_${name}`));
  const outputId = freshId({ nodes: [...taken.nodes, ...inputIds.map((id) => ({ id }) as DesignNode)], edges: taken.edges }, 'output');
  const xs = def.nodes.map((n) => n.position.x);
  const ys = def.nodes.map((n) => n.position.y);
  const top = ys.length ? Math.min(...ys) : 0;
  const bottom = ys.length ? Math.max(...ys) : 0;
  const mid = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : 0;
  const outNode = def.nodes.find((n) => n.id === def.output.node);
  const boundaryInputs: DesignNode[] = names.map((name, i) => ({
    id: inputIds[i],
    type: 'Input',
    name,
    // Unknown where it is used (not connected yet): an empty shape, which the analysis names as the problem.
    params: { shape: shapes?.[i] ? [...shapes[i]] : [] },
    position: { x: Math.round(mid + (i - (names.length - 1) / 2) * 240), y: top - 120 },
  }));
  const boundaryOutput: DesignNode = { id: outputId, type: 'Output', name: def.output.name, params: {}, position: { x: outNode?.position.x ?? mid, y: bottom + 120 } };
  const inEdges: DesignEdge[] = def.inputs.map((p) => {
    const src = inputIds[names.indexOf(p.name)];
    return { id: `${src}__${p.node}__${p.port}`, source: { node: src, port: 'out' }, target: { node: p.node, port: p.port } };
  });
  const outEdge: DesignEdge = { id: `${def.output.node}__${outputId}`, source: { node: def.output.node, port: def.output.port }, target: { node: outputId, port: 'in' } };
  const scope: DesignDocument = {
    ...doc,
    name: def.name,
    description: def.description,
    nodes: [...boundaryInputs, ...def.nodes, boundaryOutput],
    edges: [...inEdges, ...def.edges, outEdge],
    annotations: [],
  };
  return { scope, boundary: { inputs: names.map((name, i) => ({ id: inputIds[i], name })), output: outputId } };
}

/** Whether definition `defId` uses itself, directly or through other definitions. */
function containsItself(composites: readonly CompositeDefinition[], defId: string): boolean {
  const byId = new Map(composites.map((d) => [d.id, d]));
  const seen = new Set<string>();
  const walk = (id: string): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    const def = byId.get(id);
    return !!def?.nodes.some((n) => n.type === 'Composite' && (n.params.definition === defId || walk(String(n.params.definition))));
  };
  return walk(defId);
}

/**
 * The definition an edited scope document describes. The boundary nodes are fixed: they may move, but not be
 * removed or changed; each input must still feed a layer and one layer must feed the output.
 */
function closeScope(opened: OpenedComposite, edited: DesignDocument): CompositeDefinition {
  const { boundary } = opened;
  const before = new Map(opened.doc.nodes.map((n) => [n.id, n]));
  const ids = new Set([...boundary.inputs.map((b) => b.id), boundary.output]);
  for (const id of ids) {
    const was = before.get(id)!;
    const now = edited.nodes.find((n) => n.id === id);
    const what = id === boundary.output ? `output '${was.name}'` : `input '${was.name}'`;
    if (!now) throw new DesignError('invalid-graph', `the block's ${what} cannot be removed: it is the block's port`);
    if (now.type !== was.type || now.name !== was.name || JSON.stringify(now.params) !== JSON.stringify(was.params)) {
      throw new DesignError('invalid-graph', `the block's ${what} is fixed: it takes its shape from where the block is used`);
    }
  }
  const nodes = edited.nodes.filter((n) => !ids.has(n.id));
  const misplaced = nodes.find((n) => n.type === 'Input' || n.type === 'Output');
  if (misplaced) throw new DesignError('invalid-graph', `'${misplaced.name}': Input and Output blocks cannot go inside a composite block`);
  const inputs: CompositeDefinition['inputs'] = [];
  for (const b of boundary.inputs) {
    const fed = edited.edges.filter((e) => e.source.node === b.id);
    if (!fed.length) throw new DesignError('invalid-graph', `the block's input '${b.name}' must feed at least one layer inside it`);
    for (const e of fed) inputs.push({ name: b.name, node: e.target.node, port: e.target.port });
  }
  const out = edited.edges.find((e) => e.target.node === boundary.output);
  if (!out) throw new DesignError('invalid-graph', `the block's output '${before.get(boundary.output)!.name}' must come from one layer inside it`);
  return {
    ...opened.definition,
    nodes,
    edges: edited.edges.filter((e) => !ids.has(e.source.node) && !ids.has(e.target.node)),
    inputs,
    output: { name: opened.definition.output.name, node: out.source.node, port: out.source.port },
  };
}

/**
 * Applies `commands` inside composite node `nodeId` (the `editComposite` command). A built-in composite becomes a
 * definition of its own first; a shared definition is edited for every use (`all`) or copied for this node
 * (`unique`). With no commands, `unique` only makes the node's definition its own.
 */
export function editComposite(
  doc: DesignDocument,
  nodeId: string,
  commands: readonly EditCommand[],
  applyTo: ApplyTo,
  perform: (d: DesignDocument, cs: readonly EditCommand[]) => DesignDocument,
): DesignDocument {
  const opened = openComposite(doc, nodeId);
  const edited = perform(opened.doc, commands);
  const def = closeScope(opened, edited);
  // Nested edits (a composite inside this one) may have changed the definitions list.
  let composites = edited.composites;
  const node = doc.nodes.find((n) => n.id === nodeId)!;
  let definitionId = def.id;
  const fork = opened.builtIn || (applyTo === 'unique' && opened.uses > 1);
  if (fork) {
    const taken = { nodes: composites.map((d) => ({ id: d.id }) as DesignNode), edges: [] };
    definitionId = freshId(taken, `block_${(node.name || node.id).replace(/\W+/g, '_')}`);
    const name = opened.builtIn ? def.name : uniqueDefName(composites, `${def.name} (${node.name})`);
    composites = [...composites, { ...def, id: definitionId, name }];
  } else {
    composites = composites.map((d) => (d.id === def.id ? def : d));
  }
  if (containsItself(composites, definitionId)) throw new DesignError('invalid-graph', `'${def.name}' cannot contain itself`);
  const replaced: DesignNode = fork ? { ...node, type: 'Composite', params: { definition: definitionId } } : node;
  return { ...doc, composites, nodes: fork ? doc.nodes.map((n) => (n.id === nodeId ? replaced : n)) : doc.nodes };
}

function uniqueDefName(composites: readonly CompositeDefinition[], base: string): string {
  const taken = new Set(composites.map((d) => d.name));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`;
}

/** One level of an opened scope path: the node opened and what it opened to. */
export interface ScopeLevel {
  nodeId: string;
  /** The node's name where it is used (for the breadcrumb). */
  name: string;
  opened: OpenedComposite;
}

/**
 * Opens the composites along `path` (a node id at the top, then a node id inside each opened definition). Stops
 * at the first step that cannot open (the node was removed by an undo, say): the levels returned are the valid prefix.
 */
export function openScopePath(doc: DesignDocument, path: readonly string[]): ScopeLevel[] {
  const levels: ScopeLevel[] = [];
  let current = doc;
  for (const nodeId of path) {
    const node = current.nodes.find((n) => n.id === nodeId);
    if (!node) break;
    let opened: OpenedComposite;
    try {
      opened = openComposite(current, nodeId, doc);
    } catch (err) {
      if (err instanceof DesignError) break;
      throw err;
    }
    levels.push({ nodeId, name: node.name || node.id, opened });
    current = opened.doc;
  }
  return levels;
}

/**
 * Wraps `commands` made inside the scope `path` into the one top-level command that applies them: an
 * `editComposite` per level, the innermost with `applyTo`, the outer ones editing the definition they are in.
 */
export function scopedCommand(path: readonly string[], commands: EditCommand[], applyTo: ApplyTo = 'all'): EditCommand[] {
  if (!path.length) return commands;
  let wrapped: EditCommand = { kind: 'editComposite', nodeId: path[path.length - 1], commands, applyTo };
  for (let i = path.length - 2; i >= 0; i--) wrapped = { kind: 'editComposite', nodeId: path[i], commands: [wrapped], applyTo: 'all' };
  return [wrapped];
}
