/** Builds the nodes and initializers of an ONNX graph with unique names (the exporter's only writer). */
import type { AttributeProto, NodeProto, TensorProto } from './proto';
import { floatTensor, int64Tensor } from './tensor';

export { attrFloat, attrInt, attrInts, attrString } from './attrs';

/** Accumulates a graph's nodes and initializers; every tensor and node name it hands out is unique. */
export class GraphWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();

  /** Reserves `base` (or `base_2`, `base_3`, ...) as a tensor/node name. */
  unique(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a float32 initializer and returns its name. */
  floats(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.unique(base);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  /** Adds an int64 initializer (a 1-D list, or a scalar with `dims = []`) and returns its name. */
  ints(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.unique(base);
    this.initializers.push(int64Tensor(name, values, dims));
    return name;
  }

  /** Adds a node whose single output is named `out` (made unique) and returns that name. */
  op(opType: string, inputs: readonly string[], out: string, attributes: AttributeProto[] = []): string {
    const name = this.unique(out);
    this.nodes.push({ opType, name, input: [...inputs], output: [name], attribute: attributes });
    return name;
  }
}
