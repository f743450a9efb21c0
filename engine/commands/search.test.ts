import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { parseDocument } from '../schema/load';
import { serializeDocument } from '../index';
import { documentSpace } from '../search/space';
import { performCommand, performCommands } from './perform';

function cnn() {
  const b = new DesignBuilder('searchable');
  let x = b.add('Conv2D', { filters: 8, kernelSize: [3, 3], activation: 'relu' }, b.input([28, 28, 1]), 'conv');
  x = b.add('Flatten', {}, x, 'flat');
  b.output(b.add('Dense', { units: 10, activation: 'softmax' }, x, 'head'));
  return b.build();
}

describe('search commands', () => {
  it('marks params searchable, replaces and unmarks them, without touching the input document', () => {
    const doc = cnn();
    const before = JSON.stringify(doc);
    const a = performCommands(doc, [
      { kind: 'setSearchParam', nodeId: 'conv', param: 'filters', values: [4, 8, 16] },
      { kind: 'setSearchParam', nodeId: 'conv', param: 'kernelSize', values: [[3, 3], [5, 5]] },
      { kind: 'setSearchParam', nodeId: 'conv', param: 'filters', values: [8, 32] },
    ]);
    expect(JSON.stringify(doc)).toBe(before);
    expect(a.search!.params).toEqual([
      { node: 'conv', param: 'filters', values: [8, 32] },
      { node: 'conv', param: 'kernelSize', values: [[3, 3], [5, 5]] },
    ]);
    expect(a.search!.method).toBe('random');
    const b = performCommand(a, { kind: 'setSearchParam', nodeId: 'conv', param: 'filters', values: null });
    expect(b.search!.params.map((p) => p.param)).toEqual(['kernelSize']);
  });

  it('refuses a param that is not searchable or a value the block rejects, naming it', () => {
    const doc = cnn();
    expect(() => performCommand(doc, { kind: 'setSearchParam', nodeId: 'conv', param: 'padding', values: ['same'] })).toThrow(/Conv2D 'conv' has no searchable param 'padding' \(searchable: filters, kernelSize\)/);
    expect(() => performCommand(doc, { kind: 'setSearchParam', nodeId: 'conv', param: 'filters', values: [8, 0] })).toThrow(/conv\.filters value 2: 0 is not a valid filters/);
    expect(() => performCommand(doc, { kind: 'setSearchParam', nodeId: 'nope', param: 'filters', values: [8] })).toThrow(/no node with id 'nope'/);
  });

  it('sets constraints, method and budget, validated whole', () => {
    const doc = performCommand(cnn(), { kind: 'setSearch', search: { method: 'halving', budget: 4, constraints: { maxMacs: 1e6 } } });
    expect(doc.search).toMatchObject({ method: 'halving', budget: 4, constraints: { maxMacs: 1e6 }, params: [] });
    const more = performCommand(doc, { kind: 'setSearch', search: { constraints: { maxParams: 5000 } } });
    expect(more.search!.constraints).toEqual({ maxMacs: 1e6, maxParams: 5000 });
    expect(() => performCommand(doc, { kind: 'setSearch', search: { budget: 0 } })).toThrow(/^search\.budget: Too small/);
  });

  it('is saved with the design and read back; the space drops params of deleted nodes', () => {
    let doc = performCommands(cnn(), [
      { kind: 'setSearchParam', nodeId: 'conv', param: 'filters', values: [4, 8] },
      { kind: 'setSearchParam', nodeId: 'head', param: 'units', values: [10] },
      { kind: 'setSearch', search: { constraints: { maxParams: 1e5 } } },
    ]);
    const loaded = parseDocument(JSON.parse(serializeDocument(doc)));
    expect(loaded.search).toEqual(doc.search);
    expect(documentSpace(loaded)).toEqual({ params: doc.search!.params, constraints: { maxParams: 1e5 } });
    doc = performCommand(doc, { kind: 'removeNodes', nodeIds: ['conv'] });
    expect(documentSpace(doc)!.params.map((p) => p.node)).toEqual(['head']);
    expect(documentSpace(cnn())).toBeNull();
  });
});
