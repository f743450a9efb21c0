/**
 * The structural pass: which edges feed which node port, in what order; topological order; and the
 * structural diagnostics (dangling edges, unknown ports, missing inputs, unconnected nodes, cycles).
 */
import { getBlock } from '../blocks/registry';
import type { InputPort } from '../blocks/types';
import type { DesignDocument, DesignNode } from '../schema/document';
import type { Diagnostic } from './types';

/** One incoming edge of a node. */
export interface IncomingEdge {
  edgeId: string;
  source: string;
  port: string;
}

/** The document as a graph, plus what is structurally wrong with it. */
export interface GraphStructure {
  byId: Map<string, DesignNode>;
  /** Incoming edges per node, ordered by the node's ports, then by edge order in the document. */
  incoming: Map<string, IncomingEdge[]>;
  outgoing: Map<string, string[]>;
  /** Nodes outside cycles, in topological order (document order among independent nodes). */
  order: string[];
  /** Nodes that cannot be evaluated (an input port lacks edges). */
  blocked: Set<string>;
  diagnostics: Diagnostic[];
}

/** The input ports of a node (user composites: the definition's inputs); undefined when any port is accepted. */
export function portsOf(node: DesignNode, doc: DesignDocument): InputPort[] | undefined {
  if (node.type === 'Composite') {
    const def = doc.composites.find((d) => d.id === node.params.definition);
    // One port per name: an input feeding several inner layers is listed once per layer in the definition.
    return def && [...new Set(def.inputs.map((i) => i.name))].map((name) => ({ name }));
  }
  return getBlock(node.type)?.inputs;
}

const label = (n: DesignNode) => `'${n.name || n.id}'`;
/** The values naming a node in a translated message: its name and type. */
const who = (n: DesignNode) => ({ node: n.name || n.id, type: n.type });

/** Builds the graph structure of a document. */
export function buildGraph(doc: DesignDocument): GraphStructure {
  const diagnostics: Diagnostic[] = [];
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const byPort = new Map<string, Map<string, IncomingEdge[]>>();
  const outgoing = new Map<string, string[]>();
  const ports = new Map<string, InputPort[] | undefined>();
  for (const n of doc.nodes) ports.set(n.id, portsOf(n, doc));

  for (const e of doc.edges) {
    const src = byId.get(e.source.node);
    const dst = byId.get(e.target.node);
    const removeFix = { label: 'Remove this connection', code: 'remove-edge' as const, commands: [{ kind: 'removeEdges' as const, edgeIds: [e.id] }] };
    if (!src || !dst) {
      const missing = !src ? e.source.node : e.target.node;
      diagnostics.push({ severity: 'error', code: 'dangling-edge', edgeId: e.id, message: `connection ${e.id} refers to node '${missing}', which does not exist`, values: { edge: e.id, node: missing }, fix: removeFix });
      continue;
    }
    const p = ports.get(dst.id);
    if (e.source.port !== 'out' || (p && !p.some((q) => q.name === e.target.port))) {
      const output = e.source.port !== 'out';
      const names = p?.map((q) => q.name).join(', ') ?? '';
      const bad = output ? `${label(src)} has no output port '${e.source.port}'` : `${label(dst)} has no input port '${e.target.port}' (ports: ${names || 'none'})`;
      const values = output
        ? { node: src.name || src.id, port: e.source.port, context: 'output' }
        : { node: dst.name || dst.id, port: e.target.port, ...(names ? { ports: names, context: 'input' } : { context: 'inputNone' }) };
      diagnostics.push({ severity: 'error', code: 'unknown-port', edgeId: e.id, nodeId: dst.id, message: bad, values, fix: removeFix });
      continue;
    }
    const m = byPort.get(dst.id) ?? new Map<string, IncomingEdge[]>();
    byPort.set(dst.id, m);
    const list = m.get(e.target.port) ?? [];
    list.push({ edgeId: e.id, source: src.id, port: e.target.port });
    m.set(e.target.port, list);
    const outs = outgoing.get(src.id) ?? [];
    outs.push(dst.id);
    outgoing.set(src.id, outs);
  }

  const incoming = new Map<string, IncomingEdge[]>();
  const blocked = new Set<string>();
  for (const n of doc.nodes) {
    const m = byPort.get(n.id);
    const p = ports.get(n.id) ?? [...(m?.keys() ?? [])].map((name) => ({ name }) as InputPort);
    const list: IncomingEdge[] = [];
    const isolated = !m && !outgoing.has(n.id) && doc.nodes.length > 1;
    if (isolated) {
      blocked.add(n.id);
      diagnostics.push({
        severity: 'error', code: 'unconnected', nodeId: n.id, message: `${label(n)} (${n.type}) is not connected to anything`, values: who(n),
        fix: { label: `Remove ${label(n)}`, code: 'remove-node', values: { node: n.name || n.id }, commands: [{ kind: 'removeNodes', nodeIds: [n.id] }] },
      });
      continue;
    }
    for (const port of p) {
      const edges = m?.get(port.name) ?? [];
      const need = port.variadic ? (port.minEdges ?? 1) : 1;
      if (edges.length < need) {
        blocked.add(n.id);
        const msg = port.variadic
          ? `${label(n)} (${n.type}) needs at least ${need} inputs, got ${edges.length}`
          : `${label(n)} (${n.type}) has no input on port '${port.name}'`;
        const values = port.variadic ? { ...who(n), need, got: edges.length, context: 'variadic' } : { ...who(n), port: port.name };
        diagnostics.push({ severity: 'error', code: 'missing-input', nodeId: n.id, message: msg, values });
      } else if (!port.variadic && edges.length > 1) {
        blocked.add(n.id);
        diagnostics.push({
          severity: 'error', code: 'too-many-inputs', nodeId: n.id,
          message: `${label(n)} (${n.type}) takes one input on port '${port.name}', got ${edges.length}: use Add or Concatenate to merge them`,
          values: { ...who(n), port: port.name, got: edges.length },
          fix: { label: 'Keep only the first connection', code: 'keep-first-edge', commands: [{ kind: 'removeEdges', edgeIds: edges.slice(1).map((e) => e.edgeId) }] },
        });
      }
      list.push(...edges);
    }
    incoming.set(n.id, list);
    if (!outgoing.has(n.id) && n.type !== 'Output' && doc.nodes.length > 1) {
      diagnostics.push({ severity: 'warning', code: 'unused-output', nodeId: n.id, message: `the output of ${label(n)} (${n.type}) goes nowhere`, values: who(n) });
    }
  }

  const order = topoOrder(doc, incoming, outgoing, diagnostics, byId);
  return { byId, incoming, outgoing, order, blocked, diagnostics };
}

/** Kahn's algorithm; nodes left over sit on or behind a cycle, which is reported with the edge that closes it. */
function topoOrder(doc: DesignDocument, incoming: Map<string, IncomingEdge[]>, outgoing: Map<string, string[]>, diagnostics: Diagnostic[], byId: Map<string, DesignNode>): string[] {
  const indeg = new Map<string, number>();
  for (const n of doc.nodes) indeg.set(n.id, incoming.get(n.id)?.length ?? 0);
  const queue = doc.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    order.push(id);
    for (const t of outgoing.get(id) ?? []) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  if (order.length === doc.nodes.length) return order;
  // Walk back along incoming edges among the leftovers until a node repeats: that is a cycle.
  const left = new Set(doc.nodes.map((n) => n.id).filter((id) => !order.includes(id)));
  const seen = new Set<string>();
  let path: { node: string; edge?: string }[] = [];
  let cur = [...left][0];
  while (!seen.has(cur)) {
    seen.add(cur);
    const back = (incoming.get(cur) ?? []).find((e) => left.has(e.source));
    if (!back) break;
    path.push({ node: cur, edge: back.edgeId });
    cur = back.source;
  }
  const start = path.findIndex((p) => p.node === cur);
  path = start >= 0 ? path.slice(start) : path;
  const names = path.map((p) => `'${byId.get(p.node)?.name || p.node}'`).reverse();
  const closing = path[0]?.edge;
  diagnostics.push({
    severity: 'error', code: 'cycle', nodeId: path[0]?.node, edgeId: closing,
    message: `the graph has a cycle: ${[...names, names[0]].join(' -> ')}; a network must flow one way from Input to Output`,
    values: { path: [...names, names[0]].join(' -> ') },
    fix: closing ? { label: 'Remove the connection that closes the cycle', code: 'remove-cycle-edge', commands: [{ kind: 'removeEdges', edgeIds: [closing] }] } : undefined,
  });
  return order;
}
