/**
 * What each export target cannot express. Every export checks this first and refuses with the whole list,
 * instead of writing code that fails (or silently means something else) in the user's hands.
 */
import { LAYER_FACTORIES } from '../compile/compile';
import { byId, KNOWN_ACTIVATIONS, nodeRole, windowConfig } from './layers';
import { TORCH_LAYERS } from './pytorch-ops';
import type { CodegenNode, ExportTarget, UnsupportedFeature } from './types';

const CONVS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);
const TARGET_LABEL: Record<ExportTarget, string> = { ts: 'TypeScript (tfjs)', tfjs: 'tfjs', keras: 'Keras', pytorch: 'PyTorch' };

/** Lists the features of a flat design that `target` cannot express; empty means the export can proceed. */
export function unsupportedFeatures(flat: readonly CodegenNode[], target: ExportTarget): UnsupportedFeature[] {
  const out: UnsupportedFeature[] = [];
  const label = TARGET_LABEL[target];
  const add = (node: CodegenNode | null, message: string) =>
    out.push({ nodeId: node?.id ?? '', nodeName: node?.name ?? '', message });
  const nodes = byId(flat);

  for (const node of flat) {
    const layer = node.layer;
    if (!layer) continue;
    const c = layer.config;
    const known = target === 'pytorch' ? TORCH_LAYERS.has(layer.className) && layer.className in LAYER_FACTORIES : layer.className in LAYER_FACTORIES;
    if (!known) {
      add(node, `${layer.className} layers cannot be exported to ${label}`);
      continue;
    }
    if (typeof c.activation === 'string' && !KNOWN_ACTIVATIONS.has(c.activation)) {
      add(node, `activation '${c.activation}' is not available in ${label}`);
    }
    if (CONVS.has(layer.className) && target !== 'pytorch') {
      const w = windowConfig(c);
      if (w.dilation.some((d) => d > 1) && w.strides.some((s) => s > 1)) {
        add(node, `dilation > 1 together with strides > 1 is not supported by TensorFlow/${label} convolutions; use strides 1 or dilation 1`);
      }
    }
    if (layer.className === 'Concatenate' && (c.axis === 0 || (typeof c.axis === 'number' && c.axis < -node.outputShape.length))) {
      add(node, 'concatenation along the batch axis cannot be exported');
    }
    if (target === 'pytorch') pytorchChecks(node, nodes, add);
  }

  if (target === 'pytorch') {
    const inputs = flat.filter((n) => nodeRole(n) === 'input');
    const outputs = flat.filter((n) => nodeRole(n) === 'output');
    if (inputs.length !== 1) add(null, `the PyTorch export (and its train.py) supports exactly one Input block; the design has ${inputs.length}`);
    if (outputs.length !== 1) add(null, `the PyTorch export (and its train.py) supports exactly one Output block; the design has ${outputs.length}`);
    for (const n of inputs) {
      if (n.outputShape.length > 3) add(n, `inputs of rank ${n.outputShape.length} (more than height, width, channels) cannot be exported to PyTorch`);
    }
  }
  return out;
}

function pytorchChecks(node: CodegenNode, nodes: Map<string, CodegenNode>, add: (n: CodegenNode, m: string) => void): void {
  const c = node.layer!.config;
  const inShape = nodes.get(node.inputs[0] ?? '')?.outputShape ?? [];
  switch (node.layer!.className) {
    case 'BatchNormalization':
      if (c.center !== c.scale && (c.center === false || c.scale === false)) {
        add(node, 'BatchNormalization with only one of center/scale: PyTorch BatchNorm has one `affine` switch for both');
      }
      if (c.axis !== undefined && c.axis !== -1 && c.axis !== inShape.length) add(node, 'BatchNormalization over an axis other than channels cannot be exported to PyTorch');
      if (inShape.length > 3) add(node, 'BatchNormalization on tensors of rank > 3 cannot be exported to PyTorch');
      break;
    case 'ReLU':
      if ((typeof c.negativeSlope === 'number' && c.negativeSlope !== 0) || (typeof c.threshold === 'number' && c.threshold !== 0)) {
        add(node, 'ReLU with a negative slope or threshold cannot be exported to PyTorch');
      }
      break;
    case 'Conv2D': case 'DepthwiseConv2D': case 'SeparableConv2D': case 'Conv2DTranspose': case 'MaxPooling2D': case 'AveragePooling2D':
      if (inShape.length !== 3) add(node, `${node.layer!.className} needs a [height, width, channels] input for the PyTorch export`);
      break;
    default:
      if (inShape.length > 3 || node.outputShape.length > 3) add(node, 'tensors of rank > 3 (besides the batch) cannot be exported to PyTorch');
  }
}

/** One line per feature, for error messages: `conv1: dilation > 1 ...`. */
export function formatUnsupported(features: readonly UnsupportedFeature[]): string[] {
  return features.map((f) => (f.nodeName ? `${f.nodeName}: ${f.message}` : f.message));
}
