/** The DesignBuilder DSL: ids, names, edges and the automatic top-to-bottom layout. */
import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { parseDocument } from '../schema/load';
import { DesignBuilder, LAYOUT } from './design-builder';

describe('DesignBuilder', () => {
  it('builds a schema-valid document whose edges follow the calls, laid out by depth', () => {
    const b = new DesignBuilder('Branches', { source: 'test' });
    const x = b.input([8, 8, 3]);
    const left = b.add('Conv2D', { filters: 4, padding: 'same' }, x, 'branch');
    const right = b.add('Conv2D', { filters: 4, kernelSize: [1, 1] }, x, 'branch');
    b.output(b.add('Add', {}, [left, right]));
    const doc = b.build();
    expect(parseDocument(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
    expect(doc.nodes.map((n) => n.id)).toEqual(['input', 'branch', 'branch_2', 'add_1', 'output']);
    expect(doc.edges.filter((e) => e.target.node === 'add_1').map((e) => e.source.node)).toEqual(['branch', 'branch_2']);
    const y = Object.fromEntries(doc.nodes.map((n) => [n.id, n.position]));
    expect([y.input.y, y.branch.y, y.add_1.y, y.output.y]).toEqual([0, 1, 2, 3].map((d) => d * LAYOUT.rowHeight));
    expect(y.branch.x).toBe(-y.branch_2.x);
    const a = analyzeDesign(doc);
    expect(a.valid).toBe(true);
    // Equal user names become unique layer names.
    expect(a.flat.map((n) => n.layerName)).toEqual(['input', 'branch', 'branch_2', 'add_1', 'output']);
  });
});
