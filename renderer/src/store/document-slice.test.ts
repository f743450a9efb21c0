import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyDocument } from '../engine';
import { useEditor } from './index';
import { COALESCE_MS } from './document-slice';

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
});
