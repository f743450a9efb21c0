/** A small helper for composite expansions: adds inner nodes in topological order and returns their ids. */
import type { Subgraph, SubgraphNode } from './types';

/** Collects the inner nodes of a composite; `input(i)` names the composite's i-th input. */
export class SubgraphBuilder {
  private readonly nodes: SubgraphNode[] = [];

  /** The id by which inner nodes refer to the composite's i-th input. */
  static input(i = 0): string {
    return `input:${i}`;
  }

  /** Adds an inner node (`name` defaults to its id; the flat layer name is `<outer name>_<name>`). */
  add(id: string, type: string, params: Record<string, unknown>, inputs: string | string[], name = id): string {
    this.nodes.push({ id, type, name, params, inputs: Array.isArray(inputs) ? inputs : [inputs] });
    return id;
  }

  /** The finished subgraph with `output` as its output node. */
  build(output: string): Subgraph {
    return { nodes: this.nodes, output };
  }
}
