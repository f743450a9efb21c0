/** A node's ports: inputs from its block (or its user-defined composite's definition) and one output. */
import { getBlock } from '../blocks/registry';
import type { DesignDocument, DesignNode } from '../schema/document';

/** An input port of a node. A variadic port takes several wires (merge blocks). */
export interface PortView {
  name: string;
  variadic: boolean;
}

/** The node's input ports, in order. Unknown block types get one plain `in` port so they stay wireable. */
export function inputPorts(node: Pick<DesignNode, 'type' | 'params'>, composites: DesignDocument['composites']): PortView[] {
  if (node.type === 'Composite') {
    const def = composites.find((c) => c.id === node.params.definition);
    if (!def) return [{ name: 'in', variadic: false }];
    return [...new Set(def.inputs.map((i) => i.name))].map((name) => ({ name, variadic: false }));
  }
  const spec = getBlock(node.type);
  if (!spec) return [{ name: 'in', variadic: false }];
  return spec.inputs.map((p) => ({ name: p.name, variadic: !!p.variadic }));
}

/** Whether a node of this type has an output port (every block but Output). */
export function hasOutput(type: string): boolean {
  return type !== 'Output';
}
