/**
 * One ONNX subgraph per LayerLoom layer: the node's block writes it (`onnx` in the block's file, with the
 * helpers of `export-helpers.ts`); this module dispatches and applies the layer's activation after it.
 */
import { getPrimitive, listBlocks } from '../blocks/registry';
import { applyActivation, type OnnxLayerContext } from './export-helpers';

export { ONNX_ACTIVATIONS } from './export-helpers';
/** Writes one layer; returns the ONNX name of its output tensor. Throws for a class `onnxUnsupported` reports. */
export function writeLayer(ctx: OnnxLayerContext): string {
  const { node } = ctx;
  const block = getPrimitive(node.type);
  const className = node.layer!.className;
  if (!block?.onnx || !(className in block.tfjs)) throw new Error(`${node.name}: ${className} has no ONNX translation`);
  const act = typeof node.layer!.config.activation === 'string' ? node.layer!.config.activation : 'linear';
  // The op's own output is named after the layer unless an activation follows it.
  const y = block.onnx(ctx, act === 'linear' ? node.layerName : `${node.layerName}_preact`);
  return applyActivation(ctx.w, y, node.layerName, act, node.layerName);
}

/** Layer classes `writeLayer` can write: those of the blocks that declare an ONNX writer. */
export const ONNX_LAYERS: ReadonlySet<string> = new Set(
  listBlocks().flatMap((b) => (b.kind === 'primitive' && b.onnx ? Object.keys(b.tfjs) : [])),
);
