/**
 * What the analysis says about a design: per node and per edge (shapes, parameters, MACs, memory, receptive
 * fields), the expanded flat graph, whole-model totals and diagnostics with one-click fixes. The compiler, the
 * code generators and the editor consume these types.
 */
import type { LayerMapping, Shape } from '../blocks/types';
import type { Fix } from '../commands/types';
import type { DiagnosticCode, MessageValues } from '../messages';

/** One primitive layer of the expanded graph (composites replaced by their inner nodes). */
export interface FlatNode {
  /** Top-level node id, or `<composite id>/<inner id>` (nested composites add more segments). */
  id: string;
  /** A primitive block type. */
  type: string;
  /** User-visible name (inner nodes: the inner name). */
  name: string;
  /** Unique layer name made of [A-Za-z0-9_], from user names (e.g. `conv2_block1_1_conv`). */
  layerName: string;
  /** Params resolved with the block's defaults. */
  params: Record<string, unknown>;
  /** Flat ids of the inputs, in port order. */
  inputs: string[];
  /** The top-level node this layer comes from. */
  origin: string;
  outputShape: Shape;
  layer: LayerMapping | null;
}

/** The receptive field of a unit w.r.t. the model input, per axis [height, width] (Araujo et al., Distill 2019). */
export interface ReceptiveField {
  size: [number, number];
  /** Effective stride: how far the field moves per step of this tensor. */
  stride: [number, number];
  /** Effective padding: how far before the input's first pixel the first unit's field starts. */
  padding: [number, number];
  /**
   * True when a layer on the way samples at learned positions (deformable convolution): the size is then the
   * field without offsets, a lower bound of what a unit can see.
   */
  lowerBound?: boolean;
}

/** Results for one top-level node; a composite aggregates its inner layers. */
export interface NodeAnalysis {
  nodeId: string;
  outputShape: Shape | null;
  params: { trainable: number; nonTrainable: number };
  /** Multiply-accumulates per example (convolutions and Dense layers). */
  macs: number;
  /** Bytes of this node's output activations for one example (float32); composites sum their inner outputs. */
  memory: { activationBytes: number };
  receptiveField: ReceptiveField | null;
}

/** A problem or remark on a node or edge, with an optional fix (edit commands the UI can apply in one click). */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  code: DiagnosticCode;
  nodeId?: string;
  edgeId?: string;
  /** English, for the CLI and logs; the editor writes it from `code` and `values` in the user's language. */
  message: string;
  /** The message's interpolation values (`context` picks a variant of the code's text; see engine/messages.ts). */
  values?: MessageValues;
  /**
   * The node the message is about, when the message starts with it as `'name' (Type): ` (and, inside a
   * composite, `layer: `), so a translation can write that prefix its own way.
   */
  subject?: { name: string; type: string; layer?: string };
  fix?: Fix;
  /** Other fixes, when there is more than one sensible repair (e.g. GlobalAvgPool2D instead of Flatten). */
  alternatives?: Fix[];
}

/** The full analysis of a design. */
export interface DesignAnalysis {
  /** By top-level node id. */
  nodes: Record<string, NodeAnalysis>;
  /** By edge id: the shape of the tensor it carries. */
  edges: Record<string, { shape: Shape | null }>;
  /** The expanded graph in topological order; empty unless the design is valid. */
  flat: FlatNode[];
  totals: {
    params: number;
    trainableParams: number;
    nonTrainableParams: number;
    macs: number;
    /** See `memory.ts` for the model. */
    memory: { trainingBytes: number; inferenceBytes: number };
  };
  diagnostics: Diagnostic[];
  /** True when there is no error diagnostic. */
  valid: boolean;
}

/** Options of an analysis run. */
export interface AnalyzeOptions {
  /** Batch size for the memory estimate (default: the document's training batch size). */
  batchSize?: number;
  /** Replaces the shape of the Input node(s). */
  inputShape?: number[];
  /** Flag designs whose estimated training memory exceeds this many bytes. */
  memoryBudgetBytes?: number;
}
