/**
 * The importer's state: the design being built (nodes, edges, weights) and the ONNX values flowing through it.
 *
 * A value is an ONNX tensor (channels first, batched) backed by a design tensor (channels last, no batch).
 * `map[i]` is the ONNX flat position (without the batch) of the design tensor's flat element `i`; `null`
 * means the canonical channels-last view of the ONNX tensor. Reshape, Flatten, Transpose, Squeeze and Identity
 * only change the ONNX view (no block); a block that needs the canonical layout (Conv, pooling, merges, ...)
 * calls `structured`, and Dense consumes any layout by permuting its weight rows.
 */
import { DesignError } from '../errors';
import { errorDetailEnglish, type ErrorDetail } from '../messages';
import { channelsLastShape, channelsLastToFirstIndex } from './layout';
import type { GeluStep } from './import-gelu';
import type { TensorProto } from './proto';
import { sizeOf } from './tensor';
import type { WeightArray } from './weights';

/** A tensor flowing through the imported graph. */
export interface Value {
  /** Design node producing the design tensor; lazily created for graph inputs. */
  node: () => string;
  /** Design shape (channels last, no batch). */
  design: number[];
  /** ONNX shape (batched, channels first). */
  onnx: number[];
  /** Design flat index -> ONNX flat index (no batch); null when canonical. */
  map: Int32Array | null;
  /** Known to be >= 0 everywhere (after Relu, Sigmoid, ...): zero padding then equals -inf padding for MaxPool. */
  nonNegative: boolean;
  /** Set when the value is the raw output of a bias-less Dense/Conv2D a constant Add may fold into. */
  biasTarget?: { nodeId: string; channels: number; kind: 'Dense' | 'Conv2D' };
  /** A step of GELU written out in arithmetic (see import-gelu.ts): no block until the pattern completes. */
  gelu?: { x: Value; step: GeluStep };
  /** A Pad with -inf (no block yet): only a MaxPool may read it, as its own pads [top, left, bottom, right]. */
  negInfPad?: { source: Value; pads: [number, number, number, number] };
}

/** A design node in the making. */
export interface PendingNode {
  id: string;
  type: string;
  name: string;
  params: Record<string, unknown>;
  inputs: string[];
}

/** An import problem: the ONNX node, its operator and why. Counted as "refused" by the tests. */
export class OnnxRefusal extends DesignError {
  constructor(detail: ErrorDetail, path?: string, details?: string[]) {
    super('import-failed', errorDetailEnglish(detail), path, details, detail);
  }
}

/** A case an operator handler cannot express, by code + values (the importer quotes it after the node's name). */
export class NodeProblem extends Error {
  constructor(readonly detail: ErrorDetail) {
    super(errorDetailEnglish(detail));
  }
}

/** Throws the `NodeProblem` of `code` with `values`. */
export function refuseNode(code: ErrorDetail['code'], values: ErrorDetail['values'] = {}): never {
  throw new NodeProblem({ code, values });
}

/** The mutable design being built. */
export class DesignDraft {
  readonly nodes: PendingNode[] = [];
  readonly weights: Record<string, WeightArray[]> = {};
  private readonly ids = new Set<string>();

  /** Adds a block fed by design nodes `inputs`; returns its id (from `name`, made unique). */
  add(type: string, params: Record<string, unknown>, inputs: string[], name: string, weights?: WeightArray[]): string {
    const base = name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 150) || type.toLowerCase();
    let id = base;
    for (let i = 2; this.ids.has(id); i++) id = `${base}_${i}`;
    this.ids.add(id);
    this.nodes.push({ id, type, name: name.slice(0, 200) || id, params, inputs });
    if (weights) this.weights[id] = weights;
    return id;
  }

  node(id: string): PendingNode {
    return this.nodes.find((n) => n.id === id)!;
  }
}

/** The explicit index map of a value (materializing the canonical one). */
export function explicitMap(v: Pick<Value, 'map' | 'onnx'>): Int32Array {
  return v.map ?? channelsLastToFirstIndex(channelsLastShape(v.onnx.slice(1)));
}

/** `map` if it differs from the canonical map of `onnx`, else null. */
export function normalizeMap(map: Int32Array | null, onnx: number[]): Int32Array | null {
  if (!map) return null;
  const canonical = channelsLastToFirstIndex(channelsLastShape(onnx.slice(1)));
  if (canonical.length !== map.length) throw new Error('internal: index map size mismatch');
  for (let i = 0; i < map.length; i++) if (map[i] !== canonical[i]) return map;
  return null;
}

/** Where a node sits in the graph, for messages (the message itself names the operator and node): `graph.node[3]`. */
export function nodePath(index: number): string {
  return `graph.node[${index}]`;
}

/** The values and constants of the graph, by ONNX name. */
export class ValueTable {
  readonly values = new Map<string, Value>();
  readonly constants = new Map<string, TensorProto>();
  /** Graph inputs the caller gave values for (used as constants where an operator needs one). */
  readonly bound = new Map<string, TensorProto>();
  /** How many node inputs and graph outputs read each name. */
  readonly uses = new Map<string, number>();
  /** Reshape/Flatten blocks already added, by source node and target shape. */
  private readonly reshaped = new Map<string, string>();

  constructor(readonly draft: DesignDraft) {}

  /** A value read by `node`; constants are refused here (they are weights, not tensors flowing through). */
  value(name: string, what: string): Value {
    const v = this.values.get(name);
    if (v) return v;
    if (this.constants.has(name)) throw new Error(`${what} '${name}' is a constant tensor; LayerLoom blocks take constants only as weights`);
    throw new Error(`${what} '${name}' is not produced by any earlier node (the graph is not in topological order, or the name is wrong)`);
  }

  /** A constant read by `node` (an initializer, a Constant node, or one aliased through Identity). */
  constant(name: string, what: string): TensorProto {
    const c = this.constants.get(name) ?? this.bound.get(name);
    if (c) return c;
    if (this.values.has(name)) throw new Error(`${what} '${name}' is computed by the graph; LayerLoom needs it as a constant stored in the file (an initializer)`);
    throw new Error(`${what} '${name}' is not defined in the file`);
  }

  /**
   * The design node of `v` with the canonical layout and design shape `channelsLast(onnx)`: blocks that work on
   * axes (Conv, pooling, BatchNormalization, merges) need it. A design tensor of the same size but another
   * shape (e.g. `[C]` for `[N, C, 1, 1]`) gets a Reshape block.
   */
  structured(v: Value, why: string): string {
    if (v.map) throw new Error(`${why} reads a tensor whose values a Flatten/Reshape/Transpose reordered; LayerLoom has no transpose block to restore the channel layout`);
    return this.shaped(v, channelsLastShape(v.onnx.slice(1)));
  }

  /** The design node of `v` reshaped (values in the same flat order) to `shape` when it differs; one block per tensor and shape. */
  shaped(v: Value, shape: number[]): string {
    const id = v.node();
    if (shape.length === v.design.length && shape.every((d, i) => d === v.design[i])) return id;
    if (sizeOf(shape) !== sizeOf(v.design)) throw new Error(`internal: cannot reshape [${v.design.join(', ')}] to [${shape.join(', ')}]`);
    const key = `${id}|${shape.join('x')}`;
    const known = this.reshaped.get(key);
    if (known) return known;
    const type = shape.length === 1 ? 'Flatten' : 'Reshape';
    const out = this.draft.add(type, type === 'Flatten' ? {} : { targetShape: shape }, [id], `${this.draft.node(id).name}_${type.toLowerCase()}`);
    this.reshaped.set(key, out);
    return out;
  }
}
