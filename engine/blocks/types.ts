/**
 * What a block is: data plus small pure functions (like tfjs-layers' Layer classes, without the tensors).
 * Primitive blocks carry shape, cost and receptive-field rules and their Keras/tfjs layer mapping;
 * composite blocks expand into a subgraph of other blocks, so analysis, compile and codegen need no special cases.
 */
import type { DiagnosticCode, MessageValues } from '../messages';
import type { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import type { OpCode, OpContext } from '../codegen/torch-helpers';
import type { CodegenNode, ExportTarget } from '../codegen/types';
import type { LayerImporter } from '../import/keras-config';
import type { OnnxLayerContext, WeightSpec } from '../onnx/export-helpers';
import type { CompositeDefinition } from '../schema/document';
import type { ErrorDetail } from '../messages';

/** A tensor shape without the batch dimension, channels last (NHWC as tfjs): `[h, w, c]` or `[n]`. */
export type Shape = readonly number[];

export type BlockCategory = 'input' | 'convolution' | 'pooling' | 'normalization' | 'activation' | 'core' | 'merge' | 'output' | 'composite';

/** An input port. A variadic port accepts several edges (merge blocks); their order is the order of edges in the document. */
export interface InputPort {
  name: string;
  variadic?: boolean;
  /** Fewest edges a variadic port needs (2 for Add/Concatenate/Multiply). */
  minEdges?: number;
}

/** Per-axis receptive-field transfer of one layer (Araujo et al., Distill 2019): kernel already dilated (k' = d(k-1)+1). */
export interface RfTransfer {
  kernel: [number, number];
  stride: [number, number];
  /** Padding added before the first element (top, left), as actually applied for this input size. */
  padding: [number, number];
  /** The layer samples at learned offsets (deformable convolution): the kernel is the field without them, a lower bound. */
  lowerBound?: boolean;
}

/** A problem found while applying a block's rules, with an optional one-click fix (see analysis/fixes). */
export interface RuleError {
  message: string;
  /** Machine-readable code, e.g. 'spatial-too-small', 'shape-mismatch', 'needs-flatten'. */
  code: DiagnosticCode;
  /** The message's interpolation values, for the editor's translations (see engine/messages.ts). */
  values?: MessageValues;
  /** The parameter at fault, when one is (its reset to the default is offered as the fix). */
  param?: string;
}

export type ShapeResult = { ok: true; shape: Shape } | { ok: false; error: RuleError };

/** A Keras/tfjs layer: the `className` in model.json and its config (without `name`). */
export interface LayerMapping {
  className: string;
  config: Record<string, unknown>;
}

/** Fields common to all blocks. */
interface BlockBase<P> {
  type: string;
  label: string;
  category: BlockCategory;
  /** One or two sentences shown in the palette and inspector (and by `layerloom blocks`): what the block computes. */
  description: string;
  params: z.ZodType<P>;
  inputs: InputPort[];
  /** What the rules of the graph need to know about the block besides its functions. */
  traits?: BlockTraits;
  /** For learners: a plain-language explanation, its formulas and a diagram (palette, inspector, Inspect panel). */
  explain?: BlockExplain;
}

/** The small pictures the editor draws next to an explanation. */
export type ExplainDiagram = 'window' | 'depthwise' | 'upsample' | 'global' | 'dense' | 'flatten' | 'pointwise' | 'elementwise' | 'concat' | 'shortcut' | 'parallel' | 'reweight' | 'io';

/** A block explained for someone learning CNNs. */
export interface BlockExplain {
  /** Two or three plain sentences: what it does and why a design uses it. */
  text: string;
  /** Formulas, in plain text with ⌊⌋ and ·: how the output size, the parameter count and the receptive field follow. */
  formulas: { output: string; params: string; receptiveField: string };
  diagram: ExplainDiagram;
}

/** Facts the commands and diagnostics use instead of lists of type names. */
export interface BlockTraits {
  /** Slides a kernel or pool window: a too-small input gets the "'same' padding" and "insert ZeroPadding2D" fixes. */
  windowed?: boolean;
  /** Takes a list of tensors (Add, Concatenate, ...): its layer is applied to `[a, b, ...]`. */
  merges?: boolean;
  /**
   * How retargeting the class count treats it, walking back from an Output block: 'passes' (the class count
   * flows through unchanged), or the param that holds the class count (set to `value(classes)`, or the count
   * itself); the walk stops there unless `passes` (a Reshape to `[classes]` sits between the head and its layer).
   */
  classCount?: 'passes' | { param: string; value?: (classes: number) => unknown; passes?: boolean };
}

/** The tfjs side of one layer class a block's `layer()` produces. */
export interface TfjsLayerSpec {
  /**
   * The `tf.layers` factory that builds it, or, for a LayerLoom custom layer (deformable and dynamic
   * convolutions), a function that builds it with the given tfjs namespace (the class is registered for
   * serialization there, so saved models load back).
   */
  factory: keyof typeof tfjs.layers | ((tf: typeof tfjs, config: Record<string, unknown>) => tfjs.layers.Layer);
  /**
   * Keras' default initializers where tfjs' differ (tfjs-layers defaults to Glorot *normal* for kernels, Keras
   * to Glorot uniform), so the compiled model starts like its Keras and PyTorch twins.
   */
  initializers?: Record<string, string>;
}

/** A block that maps to exactly one tfjs layer (or none: Output) and has its own rules. */
export interface PrimitiveBlock<P = Record<string, unknown>> extends BlockBase<P> {
  kind: 'primitive';
  outputShape(inputs: Shape[], params: P): ShapeResult;
  /** Parameter counts, Keras conventions (BatchNorm moving mean/variance are non-trainable). */
  paramCount(inputs: Shape[], output: Shape, params: P): { trainable: number; nonTrainable: number };
  /** Multiply-accumulates for one example. */
  macs(inputs: Shape[], output: Shape, params: P): number;
  /**
   * How the layer transforms the receptive field: a transfer for spatial layers, 'identity' for
   * element-wise/merge layers, 'global' when every output unit sees every input position (Flatten, global pooling).
   */
  receptiveField(inputs: Shape[], output: Shape, params: P): RfTransfer | 'identity' | 'global';
  /** The tfjs layer, or null for blocks that compile to no layer (Input is handled by the compiler, Output marks the model output). */
  layer(params: P, inputs: Shape[]): LayerMapping | null;
  /** Every layer class `layer()` can produce, with its tfjs factory (empty for Input and Output). */
  tfjs: Readonly<Record<string, TfjsLayerSpec>>;
  /** The PyTorch translation of the node's layer; absent: the block cannot be exported to PyTorch. */
  torch?: (ctx: OpContext) => OpCode;
  /**
   * What `target` cannot express about this node beyond the generic rules (its layer class, activation and
   * tensor ranks), one by code + values each (engine/messages.ts `EXPORT_FEATURE_CODES`); empty when it can be exported.
   */
  exportLimits?: (node: CodegenNode, inShapes: readonly Shape[], target: ExportTarget) => ErrorDetail[];
  /** Keras/tfjs layer classes that import as this block (e.g. Activation also takes ReLU, Softmax, LeakyReLU). */
  imports?: Readonly<Record<string, LayerImporter>>;
  /**
   * The ONNX subgraph of the node's layer (channels first): writes it with `ctx.w` and returns the name of its
   * output before the activation (named `out`). Absent: the block cannot be exported to ONNX.
   */
  onnx?: (ctx: OnnxLayerContext, out: string) => string;
  /** The layer's weights in Keras order and layout, from its config and input shape (absent: it has none). */
  weightSpecs?: (config: Record<string, unknown>, inShape: Shape) => WeightSpec[];
}

/** A node of a composite's subgraph. `inputs` lists its sources: 'input:<i>' for the composite's i-th input or an inner node id. */
export interface SubgraphNode {
  id: string;
  type: string;
  name: string;
  params: Record<string, unknown>;
  inputs: string[];
}

/** The expansion of a composite: inner nodes in topological order and which inner node is its output. */
export interface Subgraph {
  nodes: SubgraphNode[];
  output: string;
}

/** What an expansion may look up besides its params: the document's user-defined composites (for `Composite`). */
export interface ExpandContext {
  composites: readonly CompositeDefinition[];
}

/** A block that expands into other blocks. Expansion may depend on input shapes (e.g. a projection shortcut). */
export interface CompositeBlock<P = Record<string, unknown>> extends BlockBase<P> {
  kind: 'composite';
  expand(params: P, inputs: Shape[], context?: ExpandContext): Subgraph;
}

export type BlockSpec<P = Record<string, unknown>> = PrimitiveBlock<P> | CompositeBlock<P>;
