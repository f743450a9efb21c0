/** Which ports a node shows: input ports from its block spec (or its user-defined composite), and one output. */
import { getBlock, type DesignDocument, type DesignNode } from '../engine';

/** An input port as drawn on a node. */
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
  const spec = safeBlock(node.type);
  if (!spec) return [{ name: 'in', variadic: false }];
  return spec.inputs.map((p) => ({ name: p.name, variadic: !!p.variadic }));
}

/** Whether the node has an output port (every block but Output). */
export function hasOutput(type: string): boolean {
  return type !== 'Output';
}

/** The block spec, or undefined for an unknown type (shown as an error node rather than crashing). */
export function safeBlock(type: string) {
  try {
    return getBlock(type);
  } catch {
    return undefined;
  }
}
