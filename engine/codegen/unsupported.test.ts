import { describe, expect, it } from 'vitest';
import type { CodegenNode, ExportTarget } from './types';
import { formatUnsupported, unsupportedFeatures } from './unsupported';

const node = (id: string, className: string | null, config: Record<string, unknown> = {}, inputs = ['in'], outputShape = [8, 8, 4]): CodegenNode => ({
  id, type: className ?? (inputs.length ? 'Output' : 'Input'), name: `user ${id}`, layerName: id, params: {}, inputs, outputShape,
  layer: className ? { className, config } : null,
});
const design = (...layers: CodegenNode[]) => [node('in', null, {}, []), ...layers, node('out', null, {}, [layers[layers.length - 1].id])];
const targets: ExportTarget[] = ['ts', 'keras', 'pytorch', 'tfjs'];

describe('unsupportedFeatures', () => {
  it.each([
    ['dilation with strides', design(node('c', 'Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], dilationRate: [2, 2], padding: 'same' })), ['ts', 'keras', 'tfjs'], /dilation > 1 together with strides > 1/],
    ['BatchNorm with center but no scale', design(node('bn', 'BatchNormalization', { axis: -1, center: true, scale: false })), ['pytorch'], /one `affine` switch/],
    ['an unknown layer class', design(node('l', 'LSTM', { units: 3 })), targets, /LSTM layers cannot be exported/],
    ['an unknown activation', design(node('a', 'Activation', { activation: 'sparsemax' })), targets, /activation 'sparsemax' is not available/],
    ['two inputs and two outputs (every target takes them)', [node('in', null, {}, []), node('in2', null, {}, []), node('m', 'Add', {}, ['in', 'in2']), node('out', null, {}, ['m']), node('out2', null, {}, ['in2'])], [], /./],
    ['a plain conv', design(node('c', 'Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' })), [], /./],
  ] as const)('%s', (_label, flat, failing, message) => {
    for (const target of targets) {
      const found = formatUnsupported(unsupportedFeatures(flat, target));
      if ((failing as readonly string[]).includes(target)) {
        expect(found.length, target).toBe(1);
        expect(found[0], target).toMatch(message);
      } else expect(found, target).toEqual([]);
    }
  });
});
