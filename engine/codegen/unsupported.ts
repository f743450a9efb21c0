/**
 * What each export target cannot express. Every export checks this first and refuses with the whole list,
 * instead of writing code that fails (or silently means something else) in the user's hands. The generic rules
 * (layer class, activation, tensor ranks) are here; what is particular to a
 * block is its own `exportLimits`.
 */
import { getPrimitive } from '../blocks/registry';
import { byId, KNOWN_ACTIVATIONS, nodeRole } from './layers';
import type { CodegenNode, ExportTarget, UnsupportedFeature } from './types';
import { errorDetailEnglish, type ErrorDetail } from '../messages';

const TARGET_LABEL: Record<ExportTarget, string> = { ts: 'TypeScript (tfjs)', tfjs: 'tfjs', keras: 'Keras', pytorch: 'PyTorch' };

/** Lists the features of a flat design that `target` cannot express; empty means the export can proceed. */
export function unsupportedFeatures(flat: readonly CodegenNode[], target: ExportTarget): UnsupportedFeature[] {
  const out: UnsupportedFeature[] = [];
  const label = TARGET_LABEL[target];
  const add = (node: CodegenNode | null, detail: ErrorDetail) =>
    out.push({ nodeId: node?.id ?? '', nodeName: node?.name ?? '', message: errorDetailEnglish(detail), detail });
  const nodes = byId(flat);

  for (const node of flat) {
    const layer = node.layer;
    if (!layer) continue;
    const block = getPrimitive(node.type);
    const known = block !== undefined && layer.className in block.tfjs && (target !== 'pytorch' || block.torch !== undefined);
    if (!known) {
      add(node, { code: 'export-layer-class', values: { className: layer.className, target: label } });
      continue;
    }
    const c = layer.config;
    if (typeof c.activation === 'string' && !KNOWN_ACTIVATIONS.has(c.activation)) {
      add(node, { code: 'export-activation', values: { activation: c.activation, target: label } });
    }
    const inShapes = node.inputs.map((id) => nodes.get(id)?.outputShape ?? []);
    if (target === 'pytorch' && (inShapes.some((s) => s.length > 3) || node.outputShape.length > 3)) {
      add(node, { code: 'export-rank-torch', values: {} });
    }
    for (const detail of block.exportLimits?.(node, inShapes, target) ?? []) add(node, detail);
  }

  if (target === 'pytorch') {
    // Several inputs and outputs are fine: forward() takes one argument per Input and returns a tuple.
    const inputs = flat.filter((n) => nodeRole(n) === 'input');
    for (const n of inputs) {
      if (n.outputShape.length > 3) add(n, { code: 'export-input-rank-torch', values: { rank: n.outputShape.length } });
    }
  }
  return out;
}

/** One line per feature, for error messages: `conv1: dilation > 1 ...`. */
export function formatUnsupported(features: readonly UnsupportedFeature[]): string[] {
  return features.map((f) => (f.nodeName ? `${f.nodeName}: ${f.message}` : f.message));
}
