import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyDocument } from '../engine';
import { COALESCE_MS } from './document-slice';
import { useEditor } from './index';

const training = () => useEditor.getState().doc.training;

describe('training settings in the document', () => {
  afterEach(() => vi.useRealTimers());

  it('edits the document\'s training settings as undoable steps, a typing burst on one field as one', () => {
    vi.useFakeTimers();
    const s = useEditor.getState();
    s.loadDocument(emptyDocument());
    const before = training();
    const nodes = useEditor.getState().doc.nodes;
    s.updateTrainingSettings({ epochs: 1 }, 'epochs');
    vi.advanceTimersByTime(100);
    useEditor.getState().updateTrainingSettings({ epochs: 12 }, 'epochs');
    expect(training().epochs).toBe(12);
    // Only the settings change: the graph keeps its objects (nothing on the canvas re-renders).
    expect(useEditor.getState().doc.nodes).toBe(nodes);
    vi.advanceTimersByTime(COALESCE_MS + 10);
    useEditor.getState().updateTrainingSettings({ dataset: 'idx:/data/mnist' });
    expect(training()).toMatchObject({ epochs: 12, dataset: 'idx:/data/mnist', batchSize: before.batchSize });
    // Unsaved: the document differs from the saved one.
    expect(useEditor.getState().doc).not.toBe(useEditor.getState().savedDoc);
    useEditor.getState().undo();
    expect(training()).toMatchObject({ epochs: 12, dataset: before.dataset });
    useEditor.getState().undo();
    expect(training()).toEqual(before);
    useEditor.getState().redo();
    expect(training().epochs).toBe(12);
  });
});
