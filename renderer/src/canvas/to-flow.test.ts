import { describe, expect, it } from 'vitest';
import { performCommand, parseDocument } from '../engine';
import { expandForView } from './expand-view';
import { toFlowEdges, toFlowNodes } from './to-flow';

const node = (id: string, type: string, params = {}) => ({ id, type, name: id, params, position: { x: 0, y: 0 } });
const doc = parseDocument({
  format: 'layerloom.design',
  version: 1,
  nodes: [node('in', 'Input', { shape: [8, 8, 4] }), node('a', 'Conv2D'), node('b', 'Conv2D')],
  edges: [{ id: 'e1', source: { node: 'in', port: 'out' }, target: { node: 'a', port: 'in' } }],
});

describe('document -> flow', () => {
  it('keeps the objects of unchanged nodes and edges, so memoized nodes do not re-render', () => {
    const first = toFlowNodes(doc, new Set(), new Map(), []);
    const moved = performCommand(doc, { kind: 'moveNodes', moves: [{ nodeId: 'b', position: { x: 50, y: 60 } }] });
    const second = toFlowNodes(moved, new Set(), new Map(), first);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).not.toBe(first[2]);
    expect(second[2].position).toEqual({ x: 50, y: 60 });
    const edges = toFlowEdges(doc, new Set(), new Map(), []);
    expect(toFlowEdges(moved, new Set(), new Map(), edges)[0]).toBe(edges[0]);
  });

  it('marks selection', () => {
    const flow = toFlowNodes(doc, new Set(['a']), new Map(), []);
    expect(flow.map((n) => !!n.selected)).toEqual([false, true, false]);
  });

  it('shows an expanded Residual as a frame with its inner layers as children', () => {
    const res = { ...node('r', 'Residual', { filters: 4 }), collapsed: false };
    const view = expandForView(res, [[8, 8, 4]], []);
    expect(view).not.toBeNull();
    const withRes = { ...doc, nodes: [...doc.nodes, res] };
    const flow = toFlowNodes(withRes, new Set(), new Map([['r', view!]]), []);
    const frame = flow.find((n) => n.id === 'r')!;
    const inner = flow.filter((n) => n.parentId === 'r');
    expect(frame.type).toBe('composite');
    expect(inner.map((n) => n.data && 'type' in n.data && n.data.type)).toContain('Add');
    for (const n of inner) {
      expect(n.position.x + 184).toBeLessThanOrEqual(view!.width);
      expect(n.position.y + 58).toBeLessThanOrEqual(view!.height);
    }
  });
});
