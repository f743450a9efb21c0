import { describe, expect, it } from 'vitest';
import type { DesignNode } from '../schema/document';
import { defaultSearchValues, formatSearchValues, parseSearchValues, searchableParams } from './searchable';

const node = (type: string, params: Record<string, unknown>): DesignNode => ({ id: 'n', type, name: 'n', params, position: { x: 0, y: 0 } });

describe('searchable params', () => {
  it.each([
    ['Conv2D', ['filters', 'kernelSize']],
    ['Dense', ['units']],
    ['InvertedResidual', ['filters', 'expansion']],
    ['Inception', ['filters1x1', 'filters3x3Reduce', 'filters3x3', 'filters5x5Reduce', 'filters5x5', 'poolProj']],
    ['GhostBottleneck', ['filters', 'expandFilters', 'kernelSize']],
    ['DepthwiseConv2D', ['kernelSize', 'depthMultiplier']],
    ['MaxPool2D', []],
    ['Flatten', []],
    ['NoSuchBlock', []],
  ])('%s offers %j', (type, names) => {
    expect(searchableParams(type)).toEqual(names);
  });

  it('offers half, same and twice a width, and neighbouring odd kernels, all valid', () => {
    expect(defaultSearchValues(node('Conv2D', { filters: 16, kernelSize: [3, 3] }), 'filters')).toEqual([8, 16, 32]);
    expect(defaultSearchValues(node('Conv2D', { filters: 16, kernelSize: [3, 3] }), 'kernelSize')).toEqual([[1, 1], [3, 3], [5, 5]]);
    expect(defaultSearchValues(node('Conv2D', {}), 'filters')).toEqual([16, 32, 64]);
    expect(defaultSearchValues(node('Dense', { units: 1 }), 'units')).toEqual([1, 2]);
  });

  it('formats values and reads them back shaped like the param', () => {
    const conv = node('Conv2D', { filters: 16, kernelSize: [3, 3] });
    expect(formatSearchValues([[3, 3], [5, 5], [1, 3]])).toBe('3x3, 5x5, [1,3]');
    expect(parseSearchValues('3, 5x5 1x3', conv, 'kernelSize')).toEqual({ ok: true, values: [[3, 3], [5, 5], [1, 3]] });
    expect(parseSearchValues('8, 16, 16', conv, 'filters')).toEqual({ ok: true, values: [8, 16] });
    expect(parseSearchValues('8, abc', conv, 'filters')).toEqual({ ok: false, error: "'abc' is not a number", detail: { code: 'search-values-nan', values: { token: 'abc' } } });
    expect(parseSearchValues('8, -2', conv, 'filters')).toMatchObject({ ok: false, error: expect.stringMatching(/^'-2': -2 is not a valid filters for Conv2D/), detail: { code: 'search-values-token', values: { token: '-2' }, cause: { code: 'search-value-invalid', values: { value: '-2', param: 'filters', type: 'Conv2D' } } } });
    expect(parseSearchValues(' ', conv, 'filters')).toMatchObject({ ok: false, error: expect.stringMatching(/at least one value/) });
  });
});
