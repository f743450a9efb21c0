/** "Apply to canvas": a candidate's params set on the design in one undo step; a candidate whose layers are gone is refused. */
import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../engine';
import { useEditor } from '../../store';
import { applyCandidate, candidateCommands } from './search-controller';
import { applySearchEvent, beginSearch } from './search-view';

const conv = (id: string, filters: number) => ({ kind: 'addNode' as const, id, type: 'Conv2D', params: { filters, kernelSize: [3, 3] }, position: { x: 0, y: 0 } });
const view = applySearchEvent(beginSearch('s1'), {
  type: 'drawn', method: 'random', backend: 'cpu',
  space: { params: [{ node: 'a', param: 'filters', values: [4, 8] }, { node: 'b', param: 'kernelSize', values: [[3, 3], [5, 5]] }], constraints: {} },
  candidates: [{ id: 'c1', choice: { 'a.filters': 4, 'b.kernelSize': [5, 5] }, params: 1, macs: 1, rejected: null }],
});

describe('applying a search candidate', () => {
  it('sets every searched param in one undo step', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    s.dispatch([conv('a', 16), conv('b', 16)]);
    useEditor.setState({ searchView: view });
    expect(candidateCommands(view, 'c1')).toEqual([
      { kind: 'setParams', nodeId: 'a', params: { filters: 4 } },
      { kind: 'setParams', nodeId: 'b', params: { kernelSize: [5, 5] } },
    ]);
    expect(applyCandidate('c1')).toBe(true);
    const params = () => useEditor.getState().doc.nodes.map((n) => [n.params.filters, n.params.kernelSize]);
    expect(params()).toEqual([[4, [3, 3]], [16, [5, 5]]]);
    useEditor.getState().undo();
    expect(params()).toEqual([[16, [3, 3]], [16, [3, 3]]]);
  });

  it('refuses, with a message, a candidate none of whose layers are left', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    useEditor.setState({ searchView: view });
    expect(applyCandidate('c1')).toBe(false);
    expect(useEditor.getState().toast?.text).toMatch(/c1/);
  });
});
