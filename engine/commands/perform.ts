/**
 * Pure edit commands: `performCommand(doc, command)` returns a new document and never mutates its input.
 * The editor dispatches these (undo/redo keeps documents); diagnostics' fixes are lists of them.
 */
import { getBlock } from '../blocks/registry';
import { DesignError, assertNever } from '../errors';
import { trainingSchema, type CompositeDefinition, type DesignDocument, type DesignEdge, type DesignNode, type TrainingSettings } from '../schema/document';
import type { EditCommand } from './types';
import { performAnnotation } from './annotations';
import { performSearch } from './search';
import { editComposite } from './composite-edit';
import { canConnect, defaultName, freshId, uniqueName } from '../graph';

/** Applies one command. Throws a `DesignError` ('invalid-graph') naming what is wrong when it cannot apply. */
export function performCommand(doc: DesignDocument, command: EditCommand): DesignDocument {
  switch (command.kind) {
    case 'addNode':
      return addNode(doc, command);
    case 'removeNodes': {
      const gone = new Set(command.nodeIds);
      return {
        ...doc,
        nodes: doc.nodes.filter((n) => !gone.has(n.id)),
        edges: doc.edges.filter((e) => !gone.has(e.source.node) && !gone.has(e.target.node)),
      };
    }
    case 'removeNodeBridging':
      return removeNodeBridging(doc, command.nodeId);
    case 'removeEdges': {
      const gone = new Set(command.edgeIds);
      return { ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)) };
    }
    case 'moveNodes': {
      const moves = new Map(command.moves.map((m) => [m.nodeId, m.position]));
      return { ...doc, nodes: doc.nodes.map((n) => (moves.has(n.id) ? { ...n, position: { ...moves.get(n.id)! } } : n)) };
    }
    case 'connect':
      return connect(doc, command);
    case 'setParams': {
      const node = requireNode(doc, command.nodeId);
      const params = { ...node.params };
      for (const [key, value] of Object.entries(command.params)) {
        if (value === undefined) delete params[key];
        else params[key] = value;
      }
      return replaceNode(doc, { ...node, params });
    }
    case 'renameNode': {
      const node = requireNode(doc, command.nodeId);
      const name = command.name.trim();
      if (!name) throw new DesignError('invalid-graph', 'a name cannot be empty', `nodes[${doc.nodes.indexOf(node)}].name`);
      return replaceNode(doc, { ...node, name });
    }
    case 'insertOnEdge':
      return insertOnEdge(doc, command);
    case 'duplicateNodes':
      return duplicateNodes(doc, command.nodeIds, command.offset);
    case 'makeComposite':
      return makeComposite(doc, command.nodeIds, command.name);
    case 'setCollapsed': {
      const node = requireNode(doc, command.nodeId);
      return replaceNode(doc, { ...node, collapsed: command.collapsed });
    }
    case 'retarget':
      return retarget(doc, command.inputShape, command.classes);
    case 'setTraining':
      return setTraining(doc, command.training);
    case 'editComposite':
      return editComposite(doc, command.nodeId, command.commands, command.applyTo ?? 'all', performCommands);
    case 'addAnnotation':
    case 'moveAnnotation':
    case 'resizeAnnotation':
    case 'editAnnotation':
    case 'removeAnnotation':
      return performAnnotation(doc, command);
    case 'setSearchParam':
    case 'setSearch':
      return performSearch(doc, command);
    default:
      return assertNever(command, 'edit command');
  }
}

/** Applies commands in order (a fix, a paste): all or nothing, since each step is pure. */
export function performCommands(doc: DesignDocument, commands: readonly EditCommand[]): DesignDocument {
  return commands.reduce(performCommand, doc);
}

function requireNode(doc: DesignDocument, id: string): DesignNode {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) throw new DesignError('invalid-graph', `there is no node with id '${id}'`);
  return node;
}

function replaceNode(doc: DesignDocument, node: DesignNode): DesignDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === node.id ? node : n)) };
}

function addNode(doc: DesignDocument, c: Extract<EditCommand, { kind: 'addNode' }>): DesignDocument {
  if (c.id && doc.nodes.some((n) => n.id === c.id)) throw new DesignError('invalid-graph', `a node with id '${c.id}' already exists`);
  const id = c.id ?? freshId(doc, defaultName(c.type));
  const name = uniqueName(doc, c.name?.trim() || defaultName(c.type));
  const node: DesignNode = { id, type: c.type, name, params: { ...(c.params ?? {}) }, position: { ...c.position } };
  return { ...doc, nodes: [...doc.nodes, node] };
}

function connect(doc: DesignDocument, c: Extract<EditCommand, { kind: 'connect' }>): DesignDocument {
  const source = requireNode(doc, c.source.node);
  const target = requireNode(doc, c.target.node);
  // The same rule the editor checks while a wire is dragged: ports must exist, no self loop, duplicate or cycle.
  const verdict = canConnect(doc, { source: source.id, sourceHandle: c.source.port, target: target.id, targetHandle: c.target.port });
  if (!verdict.ok) throw new DesignError('invalid-graph', `cannot connect '${source.name}' to '${target.name}': ${verdict.reason}`);
  if (c.id && doc.edges.some((e) => e.id === c.id)) throw new DesignError('invalid-graph', `an edge with id '${c.id}' already exists`);
  const edge: DesignEdge = {
    id: c.id ?? freshId(doc, `e_${source.id}_${target.id}`),
    source: { node: source.id, port: c.source.port ?? 'out' },
    target: { node: target.id, port: verdict.targetPort },
  };
  return { ...doc, edges: [...doc.edges, edge] };
}

/**
 * Removes a pass-through node and joins its neighbours. The new wire takes the removed outgoing wire's id and its
 * place in the edge list, so a merge block downstream keeps the order of its inputs.
 */
function removeNodeBridging(doc: DesignDocument, nodeId: string): DesignDocument {
  const node = requireNode(doc, nodeId);
  const incoming = doc.edges.filter((e) => e.target.node === nodeId);
  const outgoing = doc.edges.filter((e) => e.source.node === nodeId);
  if (incoming.length !== 1 || outgoing.length !== 1) {
    throw new DesignError('invalid-graph', `cannot reconnect around '${node.name}': it has ${incoming.length} incoming and ${outgoing.length} outgoing wires (needs exactly one of each)`);
  }
  const [inEdge] = incoming;
  const [outEdge] = outgoing;
  const without = { ...doc, nodes: doc.nodes.filter((n) => n.id !== nodeId), edges: doc.edges.filter((e) => e.id !== inEdge.id && e.id !== outEdge.id) };
  // The same rule as a dragged wire: the source's output must be allowed into the target's port.
  const verdict = canConnect(without, { source: inEdge.source.node, sourceHandle: inEdge.source.port, target: outEdge.target.node, targetHandle: outEdge.target.port });
  if (!verdict.ok) throw new DesignError('invalid-graph', `cannot reconnect around '${node.name}': ${verdict.reason}`);
  const bridge: DesignEdge = { id: outEdge.id, source: { ...inEdge.source }, target: { node: outEdge.target.node, port: verdict.targetPort } };
  return {
    ...doc,
    nodes: without.nodes,
    edges: doc.edges.filter((e) => e.id !== inEdge.id).map((e) => (e.id === outEdge.id ? bridge : e)),
  };
}

function insertOnEdge(doc: DesignDocument, c: Extract<EditCommand, { kind: 'insertOnEdge' }>): DesignDocument {
  const edge = doc.edges.find((e) => e.id === c.edgeId);
  if (!edge) throw new DesignError('invalid-graph', `there is no edge with id '${c.edgeId}'`);
  const from = requireNode(doc, edge.source.node);
  const to = requireNode(doc, edge.target.node);
  if (c.id && doc.nodes.some((n) => n.id === c.id)) throw new DesignError('invalid-graph', `a node with id '${c.id}' already exists`);
  const id = c.id ?? freshId(doc, defaultName(c.type));
  const node: DesignNode = {
    id,
    type: c.type,
    name: uniqueName(doc, c.name?.trim() || defaultName(c.type)),
    params: { ...(c.params ?? {}) },
    position: c.position ? { ...c.position } : { x: (from.position.x + to.position.x) / 2, y: (from.position.y + to.position.y) / 2 },
  };
  const first: DesignEdge = { id: freshId(doc, `${edge.id}_a`), source: edge.source, target: { node: id, port: 'in' } };
  const second: DesignEdge = { id: freshId(doc, `${edge.id}_b`), source: { node: id, port: 'out' }, target: edge.target };
  // Keep the replaced edge's place in the list: the order of a merge block's inputs is the order of its edges.
  const edges = doc.edges.flatMap((e) => (e.id === edge.id ? [first, second] : [e]));
  return { ...doc, nodes: [...doc.nodes, node], edges };
}

function duplicateNodes(doc: DesignDocument, nodeIds: string[], offset: { x: number; y: number }): DesignDocument {
  const chosen = new Set(nodeIds);
  const idMap = new Map<string, string>();
  let out = doc;
  const copies: DesignNode[] = [];
  for (const node of doc.nodes.filter((n) => chosen.has(n.id))) {
    const id = freshId(out, node.id);
    idMap.set(node.id, id);
    const copy: DesignNode = {
      ...node,
      id,
      name: uniqueName(out, node.name),
      params: structuredClone(node.params),
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    };
    copies.push(copy);
    out = { ...out, nodes: [...out.nodes, copy] };
  }
  const edges: DesignEdge[] = [];
  for (const e of doc.edges) {
    if (!idMap.has(e.source.node) || !idMap.has(e.target.node)) continue;
    const edge: DesignEdge = {
      id: freshId({ ...out, edges: [...out.edges, ...edges] }, e.id),
      source: { node: idMap.get(e.source.node)!, port: e.source.port },
      target: { node: idMap.get(e.target.node)!, port: e.target.port },
    };
    edges.push(edge);
  }
  return { ...out, edges: [...out.edges, ...edges] };
}

/**
 * Replaces a selection by one node linked to a new composite definition. The selection must have exactly one
 * node whose output leaves it (the composite's output); each distinct external input becomes a port.
 */
function makeComposite(doc: DesignDocument, nodeIds: string[], name: string): DesignDocument {
  const chosen = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length < 1) throw new DesignError('invalid-graph', 'select at least one node to make a block');
  if (nodes.some((n) => n.type === 'Input' || n.type === 'Output')) {
    throw new DesignError('invalid-graph', 'Input and Output blocks cannot go inside a composite block');
  }
  const incoming = doc.edges.filter((e) => chosen.has(e.target.node) && !chosen.has(e.source.node));
  const outgoing = doc.edges.filter((e) => chosen.has(e.source.node) && !chosen.has(e.target.node));
  const internal = doc.edges.filter((e) => chosen.has(e.source.node) && chosen.has(e.target.node));
  const exits = [...new Set(outgoing.map((e) => e.source.node))];
  if (exits.length !== 1) {
    throw new DesignError('invalid-graph', exits.length === 0
      ? 'the selection has no output: connect one of its nodes to a node outside it'
      : `the selection has ${exits.length} outputs (${exits.map((id) => `'${requireNode(doc, id).name}'`).join(', ')}); a block has exactly one`);
  }
  if (incoming.length === 0) throw new DesignError('invalid-graph', 'the selection has no input: a block needs at least one incoming connection');
  // One composite input per distinct external source (the same tensor feeding two inner nodes is one input).
  const sources = [...new Set(incoming.map((e) => `${e.source.node}\u0000${e.source.port}`))];
  const portName = (i: number) => (i === 0 ? 'in' : `in_${i + 1}`);
  const defId = freshId({ ...doc, nodes: [...doc.nodes, ...doc.composites.map((c) => ({ id: c.id }) as DesignNode)] }, `block_${defaultName(name.replace(/\W+/g, '_')) || 'custom'}`);
  // Each definition input maps onto the inner (node, port) pairs that consume that external source.
  const inputs = sources.flatMap((key, i) =>
    incoming.filter((e) => `${e.source.node}\u0000${e.source.port}` === key).map((e) => ({ name: portName(i), node: e.target.node, port: e.target.port })),
  );
  const definition: CompositeDefinition = {
    id: defId,
    name: name.trim() || 'Custom block',
    description: '',
    nodes: nodes.map((n) => structuredClone(n)),
    edges: internal.map((e) => structuredClone(e)),
    inputs,
    output: { name: 'out', node: exits[0], port: 'out' },
  };
  const xs = nodes.map((n) => n.position.x);
  const ys = nodes.map((n) => n.position.y);
  const nodeId = freshId(doc, defId.replace(/^block_/, ''));
  const node: DesignNode = {
    id: nodeId,
    type: 'Composite',
    name: uniqueName(doc, definition.name),
    params: { definition: defId },
    position: { x: xs.reduce((a, b) => a + b, 0) / xs.length, y: Math.min(...ys) },
    collapsed: true,
  };
  const rewired: DesignEdge[] = [];
  const seen = new Set<string>();
  for (const e of incoming) {
    const key = `${e.source.node}\u0000${e.source.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rewired.push({ id: e.id, source: e.source, target: { node: nodeId, port: portName(sources.indexOf(key)) } });
  }
  for (const e of outgoing) rewired.push({ id: e.id, source: { node: nodeId, port: 'out' }, target: e.target });
  const kept = doc.edges.filter((e) => !chosen.has(e.source.node) && !chosen.has(e.target.node));
  return {
    ...doc,
    nodes: [...doc.nodes.filter((n) => !chosen.has(n.id)), node],
    edges: [...kept, ...rewired],
    composites: [...doc.composites, definition],
  };
}


function retarget(doc: DesignDocument, inputShape: number[] | undefined, classes: number | undefined): DesignDocument {
  let out = doc;
  if (inputShape) {
    if (!inputShape.length || inputShape.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new DesignError('invalid-params', `expected an input shape of positive integers, got [${inputShape.join(', ')}]`, 'inputShape');
    }
    const inputs = out.nodes.filter((n) => n.type === 'Input');
    if (!inputs.length) throw new DesignError('invalid-graph', 'the design has no Input block to retarget');
    for (const n of inputs) out = replaceNode(out, { ...n, params: { ...n.params, shape: [...inputShape] } });
  }
  if (classes !== undefined) {
    if (!Number.isInteger(classes) || classes <= 0) throw new DesignError('invalid-params', `expected a positive class count, got ${classes}`, 'classes');
    const heads = out.nodes.filter((n) => n.type === 'Output');
    if (!heads.length) throw new DesignError('invalid-graph', 'the design has no Output block, so its class count is unknown');
    for (const head of heads) {
      let current = head;
      for (;;) {
        const feeding = out.edges.filter((e) => e.target.node === current.id);
        if (feeding.length !== 1) throw new DesignError('invalid-graph', `cannot find the layer that sets the class count before '${head.name}'`);
        const prev = requireNode(out, feeding[0].source.node);
        // Each block says how the class count meets it: it holds it in a param (the walk ends), or passes it on.
        const rule = getBlock(prev.type)?.traits?.classCount;
        if (rule && rule !== 'passes') {
          out = replaceNode(out, { ...prev, params: { ...prev.params, [rule.param]: rule.value ? rule.value(classes) : classes } });
          if (!rule.passes) break;
        } else if (rule !== 'passes') throw new DesignError('invalid-graph', `cannot set the class count: '${prev.name}' (${prev.type}) feeds the output`);
        current = prev;
      }
    }
  }
  return out;
}

/** New training settings: the old ones with `patch` over them, validated as a whole (nested objects merge too). */
function setTraining(doc: DesignDocument, patch: Partial<TrainingSettings>): DesignDocument {
  const merged: Record<string, unknown> = { ...doc.training };
  for (const [key, value] of Object.entries(patch)) {
    const old = merged[key];
    merged[key] = value && typeof value === 'object' && !Array.isArray(value) && old && typeof old === 'object' ? { ...old, ...value } : value;
  }
  const result = trainingSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new DesignError('invalid-params', `training.${issue.path.join('.')}: ${issue.message}`, `training.${issue.path.join('.')}`);
  }
  return { ...doc, training: result.data };
}
