import { describe, expect, it } from 'vitest';
import lenet from '../../../templates/lenet5.json';
import { analyzeDesign, parseDocument, performCommands, type DesignDocument, type EditCommand } from '../engine';
import { applyDocPatch, diffAnalysis, diffDocument, editorView, mergeAnalysis } from './delta';

const base = parseDocument(lenet);
const edits: { name: string; commands: EditCommand[] }[] = [
  { name: 'a parameter', commands: [{ kind: 'setParams', nodeId: 'c3', params: { filters: 32 } }] },
  { name: 'the input size', commands: [{ kind: 'setParams', nodeId: 'input', params: { shape: [40, 40, 1] } }] },
  { name: 'a move', commands: [{ kind: 'moveNodes', moves: [{ nodeId: 'c1', position: { x: 5, y: 7 } }] }] },
  { name: 'an added node', commands: [{ kind: 'addNode', id: 'extra', type: 'Dropout', params: { rate: 0.3 }, position: { x: 0, y: 0 } }] },
  { name: 'removed nodes', commands: [{ kind: 'removeNodes', nodeIds: ['s2', 'f6'] }] },
  { name: 'a new wire', commands: [{ kind: 'insertOnEdge', edgeId: base.edges[2].id, type: 'BatchNormalization' }] },
  { name: 'a renamed node', commands: [{ kind: 'renameNode', nodeId: 'c5', name: 'fc' }] },
];

describe('document patches', () => {
  it.each(edits)('rebuild the edited document after $name', ({ commands }) => {
    const next = performCommands(base, commands);
    const patch = diffDocument(base, next);
    const rebuilt = applyDocPatch(base, patch);
    expect(rebuilt).toEqual(next);
    // Nodes the edit left alone keep their objects (the worker's analyzer and memoized UI rely on it).
    for (const node of rebuilt.nodes) if (base.nodes.includes(node)) expect(next.nodes).toContain(node);
  });

  it('carry only the nodes that changed', () => {
    const next = performCommands(base, edits[0].commands);
    const patch = diffDocument(base, next);
    expect(patch.nodes?.changed.map((n) => n.id)).toEqual(['c3']);
    expect(patch.nodes?.ids).toBeUndefined();
    expect(patch.edges).toBeUndefined();
  });

  it('carry changed and removed top-level fields', () => {
    const next = { ...base, name: 'Renamed' } as DesignDocument;
    delete (next as Partial<DesignDocument>).source;
    const patch = diffDocument(base, next);
    expect(patch.fields).toEqual({ name: 'Renamed' });
    expect(patch.removed).toEqual(['source']);
    expect(applyDocPatch(base, patch)).toEqual(next);
  });

  it('refuse a patch that names a node the base lacks', () => {
    const next = performCommands(base, edits[3].commands);
    const patch = diffDocument(base, next);
    expect(() => applyDocPatch(performCommands(base, edits[4].commands), patch)).toThrow(/'s2'/);
  });
});

describe('analysis deltas', () => {
  it.each(edits)('merge to the full analysis after $name', ({ commands }) => {
    const next = performCommands(base, commands);
    const before = editorView(analyzeDesign(base));
    const after = editorView(analyzeDesign(next));
    const merged = mergeAnalysis(before, diffAnalysis(before, after));
    expect(merged).toEqual(after);
    // In model order too: the summary lists nodes in the analysis' key order.
    expect(Object.keys(merged.analysis.nodes)).toEqual(Object.keys(after.analysis.nodes));
    expect(Object.keys(merged.analysis.edges)).toEqual(Object.keys(after.analysis.edges));
    // Entries whose figures did not change keep the previous objects, so their canvas nodes do not re-render.
    for (const [id, a] of Object.entries(merged.analysis.nodes)) {
      if (before.analysis.nodes[id] && JSON.stringify(before.analysis.nodes[id]) === JSON.stringify(a)) expect(a).toBe(before.analysis.nodes[id]);
    }
  });

  it('hold only the nodes downstream of an edit', () => {
    const next = performCommands(base, edits[0].commands);
    const before = editorView(analyzeDesign(base));
    const delta = diffAnalysis(before, editorView(analyzeDesign(next)));
    expect(delta.full).toBe(false);
    // c3's filters change its own output and params, then s4's and flatten's shapes, then c5's weight count.
    expect(Object.keys(delta.nodes.changed).sort()).toEqual(['c3', 'c5', 'flatten', 's4']);
    expect(Object.keys(delta.edges.changed).length).toBeGreaterThan(0);
    expect(delta.nodes.order).toBeUndefined();
  });

  it('keep the previous maps when nothing changed', () => {
    const before = editorView(analyzeDesign(base));
    const moved = editorView(analyzeDesign(performCommands(base, edits[2].commands)));
    const merged = mergeAnalysis(before, diffAnalysis(before, moved));
    expect(merged.analysis.nodes).toBe(before.analysis.nodes);
    expect(merged.analysis.edges).toBe(before.analysis.edges);
    expect(merged.metricRange).toBe(before.metricRange);
  });

  it('replace everything when there is nothing to diff against', () => {
    const view = editorView(analyzeDesign(base));
    const delta = diffAnalysis(null, view);
    expect(delta.full).toBe(true);
    expect(mergeAnalysis(editorView(analyzeDesign(performCommands(base, edits[4].commands))), delta)).toEqual(view);
  });
});
