import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { DesignError } from '../errors';
import { checkSpace, drawCandidates, paretoFront, searchSpaceSchema } from './space';

function cnn() {
  const b = new DesignBuilder('searchable');
  let x = b.input([28, 28, 1]);
  x = b.add('Conv2D', { filters: 8, kernelSize: [3, 3], activation: 'relu' }, x, 'conv');
  x = b.add('MaxPool2D', { poolSize: [2, 2] }, x, 'pool');
  x = b.add('Flatten', {}, x, 'flat');
  b.output(b.add('Dense', { units: 10, activation: 'softmax' }, x, 'head'));
  return b.build();
}

const space = (constraints = {}) => searchSpaceSchema.parse({
  params: [
    { node: 'conv', param: 'filters', values: [4, 8, 16] },
    { node: 'conv', param: 'kernelSize', values: [[3, 3], [5, 5]] },
  ],
  constraints,
});

describe('architecture search space', () => {
  it('enumerates the whole grid when it fits the budget, each candidate analysed', () => {
    const cs = drawCandidates(cnn(), space(), 10, 1);
    expect(cs).toHaveLength(6);
    expect(new Set(cs.map((c) => JSON.stringify(c.choice))).size).toBe(6);
    const c = cs.find((x) => x.choice['conv.filters'] === 16 && JSON.stringify(x.choice['conv.kernelSize']) === '[5,5]')!;
    expect(c.doc.nodes.find((n) => n.id === 'conv')!.params).toMatchObject({ filters: 16, kernelSize: [5, 5] });
    expect(c.params).toBe(c.analysis.totals.params);
    expect(c.rejected).toBeNull();
  });

  it('draws distinct random candidates (seeded) when the grid is larger than the budget', () => {
    const a = drawCandidates(cnn(), space(), 3, 7).map((c) => JSON.stringify(c.choice));
    expect(new Set(a).size).toBe(3);
    expect(drawCandidates(cnn(), space(), 3, 7).map((c) => JSON.stringify(c.choice))).toEqual(a);
  });

  it('refuses candidates that break a constraint before any training, saying why', () => {
    const cs = drawCandidates(cnn(), space({ maxParams: 20_000, minReceptiveField: 5 }), 10, 1);
    const big = cs.find((c) => c.choice['conv.filters'] === 16 && JSON.stringify(c.choice['conv.kernelSize']) === '[3,3]')!;
    expect(big.rejected).toMatch(/27,210 parameters > 20,000/);
    const small3 = cs.find((c) => c.choice['conv.filters'] === 4 && JSON.stringify(c.choice['conv.kernelSize']) === '[3,3]')!;
    expect(small3.rejected).toMatch(/receptive field at the last convolution 3 px < 5/);
    expect(big.rejectedDetail).toEqual({ code: 'search-max-params', values: { params: 27_210, max: 20_000 } });
    expect(small3.rejectedDetail).toEqual({ code: 'search-min-rf', values: { size: 3, min: 5 } });
    expect(cs.filter((c) => c.rejected === null).every((c) => c.rejectedDetail === null)).toBe(true);
    expect(cs.some((c) => c.rejected === null)).toBe(true);
  });

  it('refuses a candidate the analysis finds invalid, quoting its first error by code for the app', () => {
    // A 9×9 kernel on the 7×7 map after two poolings: the design is not valid.
    const b = new DesignBuilder('small');
    let x = b.add('MaxPool2D', { poolSize: [4, 4] }, b.input([28, 28, 1]), 'pool');
    x = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'valid' }, x, 'conv');
    b.output(b.add('Dense', { units: 10, activation: 'softmax' }, b.add('Flatten', {}, x, 'flat'), 'head'));
    const [c] = drawCandidates(b.build(), searchSpaceSchema.parse({ params: [{ node: 'conv', param: 'kernelSize', values: [[9, 9]] }] }), 1, 1);
    const first = c.analysis.diagnostics.find((d) => d.severity === 'error')!;
    expect(c.rejected).toBe(`the design is not valid: ${first.message}`);
    expect(c.rejectedDetail).toMatchObject({ code: 'search-invalid-design', values: { reason: first.message }, diagnostic: { code: first.code, message: first.message } });
  });

  it('checks the space against the design, naming the field at fault', () => {
    const bad = (params: unknown) => () => checkSpace(cnn(), searchSpaceSchema.parse({ params }));
    expect(bad([{ node: 'nope', param: 'filters', values: [1] }])).toThrow(/params\[0\]\.node: no node 'nope'/);
    expect(bad([{ node: 'conv', param: 'units', values: [1] }])).toThrow(/params\[0\]\.param: Conv2D 'conv' has no param 'units'/);
    expect(bad([{ node: 'conv', param: 'filters', values: [8, -1] }])).toThrow(DesignError);
    expect(bad([{ node: 'conv', param: 'filters', values: [8, -1] }])).toThrow(/params\[0\]\.values\[1\]: -1 is not a valid filters/);
    const detail = (params: unknown) => {
      try {
        bad(params)();
      } catch (err) {
        return (err as DesignError).detail;
      }
      return undefined;
    };
    expect(detail([{ node: 'nope', param: 'filters', values: [1] }])).toEqual({ code: 'search-no-node', values: { index: 0, node: 'nope' } });
    expect(detail([{ node: 'conv', param: 'units', values: [1] }])).toMatchObject({ code: 'search-no-param', values: { index: 0, type: 'Conv2D', name: 'conv', param: 'units' } });
    expect(detail([{ node: 'conv', param: 'filters', values: [8, -1] }])).toMatchObject({ code: 'search-bad-value', values: { index: 0, valueIndex: 1, value: '-1', param: 'filters', type: 'Conv2D' } });
  });

  it('keeps the accuracy-vs-MACs Pareto front, cheapest first', () => {
    const pts = [{ id: 'a', accuracy: 0.8, macs: 100 }, { id: 'b', accuracy: 0.85, macs: 300 }, { id: 'c', accuracy: 0.7, macs: 200 }, { id: 'd', accuracy: 0.9, macs: 900 }];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['a', 'b', 'd']);
  });
});
