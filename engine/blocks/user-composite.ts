/**
 * `Composite`: a use of a user-defined composite stored once in `document.composites` and linked by
 * `params.definition`, so editing the definition updates every use. Its input ports are the definition's inputs.
 */
import { z } from 'zod';
import { DesignError } from '../errors';
import type { CompositeDefinition } from '../schema/document';
import type { CompositeBlock, Subgraph, SubgraphNode } from './types';

/** A use of a user-defined composite stored in `document.composites`. */
export const compositeRefParams = z.object({ definition: z.string().min(1) });

/** The subgraph of a definition: inner edges become inputs, and the definition's i-th input port (by name) becomes `input:i`. */
export function definitionSubgraph(def: CompositeDefinition): Subgraph {
  const sources = new Map<string, string[]>();
  // Inputs are numbered by port name: one port feeding several inner layers is listed once per layer.
  const names = [...new Set(def.inputs.map((port) => port.name))];
  def.inputs.forEach((port) => {
    const list = sources.get(port.node) ?? [];
    list.push(`input:${names.indexOf(port.name)}`);
    sources.set(port.node, list);
  });
  for (const e of def.edges) {
    const list = sources.get(e.target.node) ?? [];
    list.push(e.source.node);
    sources.set(e.target.node, list);
  }
  // Inner nodes in topological order (definitions are stored in any order); a cycle keeps the remaining order.
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const order: SubgraphNode[] = [];
  const state = new Map<string, number>();
  const visit = (id: string) => {
    if (state.get(id) || !byId.has(id)) return;
    state.set(id, 1);
    for (const s of sources.get(id) ?? []) if (!s.startsWith('input:')) visit(s);
    state.set(id, 2);
    const n = byId.get(id)!;
    order.push({ id: n.id, type: n.type, name: n.name || n.id, params: n.params, inputs: sources.get(n.id) ?? [] });
  };
  for (const n of def.nodes) visit(n.id);
  return { nodes: order, output: def.output.node };
}

export const userComposite: CompositeBlock<z.output<typeof compositeRefParams>> = {
  kind: 'composite',
  type: 'Composite',
  label: 'Composite',
  category: 'composite',
  description: 'A block you defined from a selection; every use links to one definition.',
  explain: {
    text: 'A block you made from a selection of the canvas. Every use links to one definition, so editing the definition changes them all.',
    formulas: { output: 'as its inner graph', params: 'the sum of its inner blocks', receptiveField: 'as its inner graph' },
    diagram: 'parallel',
  },
  params: compositeRefParams,
  inputs: [{ name: 'in' }],
  expand(p, _inputs, context) {
    const def = context?.composites.find((d) => d.id === p.definition);
    if (!def) throw new DesignError('unknown-block', `no composite definition '${p.definition}' in this document`, 'params.definition');
    return definitionSubgraph(def);
  },
};
