/**
 * Which layers of a trained model can be inspected, under which names: the design's node names when the run
 * folder has the design (what the user sees on the canvas), and tfjs layer names always. A name that matches a
 * composite node (a residual block) means its last layer, whose output is the block's output.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { DesignAnalysis } from '../analysis/types';
import { listBlocks } from '../blocks/registry';
import { DesignError } from '../errors';
import type { DesignDocument } from '../schema/document';

/** Keras/tfjs classes that hold convolution kernels: those of the blocks in the convolution category. */
export const CONV_CLASSES: ReadonlySet<string> = new Set(
  listBlocks().flatMap((b) => (b.kind === 'primitive' && b.category === 'convolution' ? Object.keys(b.tfjs) : [])),
);

/** One layer of the model as the inspector lists it. */
export interface InspectLayer {
  /** The tfjs layer name (`model.getLayer`). */
  layerName: string;
  /** Keras/tfjs class (`Conv2D`, `Dense`, ...). */
  className: string;
  /** Output shape without the batch dimension. */
  outputShape: number[];
  /** Holds convolution kernels (kernels and CAM apply). */
  conv: boolean;
  /** Has [h, w, c] output (feature maps apply). */
  spatial: boolean;
  /** The top-level design node this layer belongs to, when the design is known. */
  nodeId?: string;
  /** That node's name on the canvas. */
  nodeName?: string;
}

/** Lists the model's layers (input layer excluded) in topological order, tied to the design when given. */
export function inspectableLayers(model: tfjs.LayersModel, design?: { document: DesignDocument; analysis: DesignAnalysis }): InspectLayer[] {
  const flatByLayer = new Map((design?.analysis.flat ?? []).map((f) => [f.layerName, f]));
  const nodeNames = new Map((design?.document.nodes ?? []).map((n) => [n.id, n.name || n.id]));
  return model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((l) => {
      const shape = (l.outputShape as (number | null)[]).slice(1).map((d) => d ?? 0);
      const flat = flatByLayer.get(l.name);
      return {
        layerName: l.name,
        className: l.getClassName(),
        outputShape: shape,
        conv: CONV_CLASSES.has(l.getClassName()),
        spatial: shape.length === 3,
        ...(flat ? { nodeId: flat.origin, nodeName: nodeNames.get(flat.origin) } : {}),
      };
    });
}

/** What a layer is needed for: `kernels`/`cam` need a convolution, `features` any [h, w, c] output. */
export type LayerUse = 'kernels' | 'features' | 'cam';

/** The last convolution (the default for every view): its maps are the most semantic that still have a place. */
export function lastConvolution(layers: readonly InspectLayer[]): InspectLayer {
  const conv = layers.filter((l) => l.conv && l.spatial).at(-1);
  if (!conv) throw new DesignError('invalid-graph', 'the model has no convolution layer to inspect', 'node');
  return conv;
}

/**
 * Finds the layer for `name` (a tfjs layer name, a canvas node name or id; a composite node means its last
 * layer), or the last convolution when `name` is undefined. Unknown names and layers that do not suit `use`
 * are a `DesignError` listing what would work.
 */
export function resolveLayer(layers: readonly InspectLayer[], name: string | undefined, use: LayerUse): InspectLayer {
  if (name === undefined) return lastConvolution(layers);
  const exact = layers.find((l) => l.layerName === name);
  const byNode = layers.filter((l) => l.nodeName === name || l.nodeId === name).at(-1);
  const layer = exact ?? byNode;
  const fits = (l: InspectLayer) => (use === 'features' ? l.spatial : l.conv);
  const choices = layers.filter(fits).map((l) => l.nodeName && l.nodeName !== l.layerName ? `${l.layerName} (${l.nodeName})` : l.layerName);
  const list = choices.length > 8 ? `${choices.slice(0, 8).join(', ')}, … (${choices.length} in all)` : choices.join(', ');
  if (!layer) throw new DesignError('invalid-graph', `no node or layer named '${name}' in this model; ${use === 'features' ? 'layers with feature maps' : 'convolutions'}: ${list}`, 'node');
  if (!fits(layer)) {
    const what = use === 'features' ? `has no spatial feature maps (its output is ${layer.outputShape.join('×')})` : `is not a convolution (it is a ${layer.className})`;
    throw new DesignError('invalid-graph', `'${name}' ${what}; choose one of: ${list}`, 'node');
  }
  return layer;
}
