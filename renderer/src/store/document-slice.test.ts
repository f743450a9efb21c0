import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyDocument } from '../engine';
import { useEditor } from './index';
import { COALESCE_MS } from './document-slice';
import { scopeView, viewDoc } from './scope';

const add = (id: string) => ({ kind: 'addNode' as const, id, type: 'Conv2D', params: { filters: 8 }, position: { x: 0, y: 0 } });
const filters = () => useEditor.getState().doc.nodes[0]?.params.filters;

describe('document history', () => {
  afterEach(() => vi.useRealTimers());

  it('undoes and redoes whole commands', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    expect(s.dispatch([add('a'), add('b')])).toBe(true);
    expect(useEditor.getState().doc.nodes).toHaveLength(2);
    useEditor.getState().undo();
    expect(useEditor.getState().doc.nodes).toHaveLength(0);
    useEditor.getState().redo();
    expect(useEditor.getState().doc.nodes).toHaveLength(2);
  });

  it('merges a typing burst on one field into one step, but not edits further apart', () => {
    vi.useFakeTimers();
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    s.dispatch(add('a'));
    for (const f of [1, 16, 164]) {
      useEditor.getState().dispatch({ kind: 'setParams', nodeId: 'a', params: { filters: f } }, { coalesce: 'a.filters' });
      vi.advanceTimersByTime(200);
    }
    expect(filters()).toBe(164);
    useEditor.getState().undo();
    expect(filters()).toBe(8);
    useEditor.getState().redo();
    vi.advanceTimersByTime(COALESCE_MS + 1);
    useEditor.getState().dispatch({ kind: 'setParams', nodeId: 'a', params: { filters: 2 } }, { coalesce: 'a.filters' });
    useEditor.getState().undo();
    expect(filters()).toBe(164);
  });

  it('refuses a command the engine rejects, shows why and keeps the document', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    s.dispatch(add('a'));
    const before = useEditor.getState().doc;
    expect(useEditor.getState().dispatch({ kind: 'connect', source: { node: 'a' }, target: { node: 'a' } })).toBe(false);
    expect(useEditor.getState().doc).toBe(before);
    expect(useEditor.getState().toast?.text).toMatch(/itself/);
  });

  it('inside an opened composite, edits apply to its inside; undo and redo go back to the canvas each edit was made on', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    s.dispatch([
      { kind: 'addNode', id: 'in', type: 'Input', params: { shape: [8, 8, 4] }, position: { x: 0, y: 0 } },
      { kind: 'addNode', id: 'res', type: 'Residual', params: { filters: 4 }, position: { x: 0, y: 100 } },
      { kind: 'connect', source: { node: 'in' }, target: { node: 'res' } },
    ]);
    useEditor.getState().enterScope('res');
    expect(useEditor.getState().scope).toEqual(['res']);
    expect(viewDoc(useEditor.getState()).nodes.map((n) => n.id)).toContain('1_conv');
    // An edit on the inside: the Residual becomes a block of its own with the new kernel.
    expect(useEditor.getState().dispatch({ kind: 'setParams', nodeId: '1_conv', params: { kernelSize: [5, 5] } })).toBe(true);
    const doc = useEditor.getState().doc;
    const res = doc.nodes.find((n) => n.id === 'res')!;
    expect(res.type).toBe('Composite');
    expect(doc.composites[0].nodes.find((n) => n.id === '1_conv')!.params.kernelSize).toEqual([5, 5]);
    // Back on the design, an edit outside; then undo twice from the design.
    useEditor.getState().setScope([]);
    useEditor.getState().dispatch({ kind: 'renameNode', nodeId: 'in', name: 'image' });
    useEditor.getState().undo();
    expect(useEditor.getState().scope).toEqual([]);
    expect(useEditor.getState().doc.nodes.find((n) => n.id === 'in')!.name).toBe('input');
    useEditor.getState().undo();
    // The inner edit is undone and the canvas shows where it was made: the Residual (built-in again).
    expect(useEditor.getState().scope).toEqual(['res']);
    expect(useEditor.getState().doc.nodes.find((n) => n.id === 'res')!.type).toBe('Residual');
    useEditor.getState().setScope([]);
    useEditor.getState().redo();
    expect(useEditor.getState().scope).toEqual(['res']);
    expect(useEditor.getState().doc.nodes.find((n) => n.id === 'res')!.type).toBe('Composite');
    // Document-wide commands are not wrapped while a composite is open.
    expect(useEditor.getState().dispatch({ kind: 'setTraining', training: { epochs: 3 } })).toBe(true);
    expect(useEditor.getState().doc.training.epochs).toBe(3);
  });

  it('focusing a node of the design (a problem clicked in the list) leaves an opened composite; a node inside it keeps it open', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    s.dispatch([
      { kind: 'addNode', id: 'in', type: 'Input', params: { shape: [8, 8, 4] }, position: { x: 0, y: 0 } },
      { kind: 'addNode', id: 'res', type: 'Residual', params: { filters: 4 }, position: { x: 0, y: 100 } },
      { kind: 'connect', source: { node: 'in' }, target: { node: 'res' } },
    ]);
    useEditor.getState().enterScope('res');
    useEditor.getState().focusNode('1_conv');
    expect(useEditor.getState().scope).toEqual(['res']);
    useEditor.getState().focusNode('in');
    expect(useEditor.getState().scope).toEqual([]);
    expect(useEditor.getState().selection).toEqual(['in']);
  });

  it('opens a composite inside a composite: edits there reach the design through both levels, as one step', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    s.dispatch([
      { kind: 'addNode', id: 'in', type: 'Input', params: { shape: [8, 8, 4] }, position: { x: 0, y: 0 } },
      { kind: 'addNode', id: 'res', type: 'Residual', params: { filters: 4 }, position: { x: 0, y: 100 } },
      { kind: 'addNode', id: 'act', type: 'Activation', params: { activation: 'relu' }, position: { x: 0, y: 200 } },
      { kind: 'addNode', id: 'out', type: 'Output', position: { x: 0, y: 300 } },
      { kind: 'connect', source: { node: 'in' }, target: { node: 'res' } },
      { kind: 'connect', source: { node: 'res' }, target: { node: 'act' } },
      { kind: 'connect', source: { node: 'act' }, target: { node: 'out' } },
      { kind: 'makeComposite', nodeIds: ['res', 'act'], name: 'outer' },
    ]);
    const outer = useEditor.getState().doc.nodes.find((n) => n.type === 'Composite')!;
    useEditor.getState().enterScope(outer.id);
    useEditor.getState().enterScope('res');
    const view = scopeView(useEditor.getState().doc, useEditor.getState().scope);
    expect(view.levels.map((l) => l.name)).toEqual(['outer', 'residual']);
    expect(view.levels[0].opened.uses).toBe(1);
    const steps = useEditor.getState().past.length;
    expect(useEditor.getState().dispatch({ kind: 'setParams', nodeId: '2_conv', params: { kernelSize: [1, 1] } })).toBe(true);
    expect(useEditor.getState().past.length).toBe(steps + 1);
    const doc = useEditor.getState().doc;
    const outerDef = doc.composites.find((d) => d.id === outer.params.definition)!;
    const res = outerDef.nodes.find((n) => n.id === 'res')!;
    expect(res.type).toBe('Composite');
    expect(doc.composites.find((d) => d.id === res.params.definition)!.nodes.find((n) => n.id === '2_conv')!.params.kernelSize).toEqual([1, 1]);
    useEditor.getState().setScope([outer.id]);
    useEditor.getState().undo();
    expect(useEditor.getState().scope).toEqual([outer.id, 'res']);
    expect(useEditor.getState().doc.composites).toHaveLength(1);
  });

  it('refuses to open a composite whose input is not connected, saying why', () => {
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    s.dispatch({ kind: 'addNode', id: 'res', type: 'Residual', params: {}, position: { x: 0, y: 0 } });
    useEditor.getState().enterScope('res');
    expect(useEditor.getState().scope).toEqual([]);
    expect(useEditor.getState().toast?.text).toMatch(/Cannot open 'residual': connect it to a valid input first/);
  });
});
