import { describe, expect, it } from 'vitest';
import { listTemplates } from '../../templates/index';
import { generateMappedFiles, prepareExport, unsupportedFeatures } from './index';
import { nodeRole } from './layers';
import { canvasNodeOf, canvasSourceMap, CodeWriter, expandedComposites, nodeAtLine, SCOPE_BLOCK_KEY, scopeSourceMap, type SourceMap } from './source-map';
import { zooDesign } from './test-designs';
import type { DesignDocument } from '../schema/document';

const TARGETS = ['ts', 'keras', 'pytorch'] as const;

/** Every range of every node, checked for overlap with all others (sorted sweep). */
function expectNoOverlap(map: SourceMap, label: string): void {
  const all = Object.entries(map).flatMap(([id, rs]) => rs.map((r) => ({ id, ...r })));
  all.sort((a, b) => a.start - b.start);
  for (let i = 1; i < all.length; i++) {
    expect(all[i].start, `${label}: ${all[i - 1].id} ${all[i - 1].start}-${all[i - 1].end} overlaps ${all[i].id} ${all[i].start}`).toBeGreaterThan(all[i - 1].end);
  }
}

function checkDesign(doc: DesignDocument, label: string): void {
  for (const target of TARGETS) {
    if (unsupportedFeatures(prepareExport(doc, 'ts').analysis.flat, target).length > 0) continue;
    const { model } = prepareExport(doc, target);
    const [main] = generateMappedFiles(model, target);
    const lines = main.contents.split('\n');
    for (const node of model.nodes) {
      const role = nodeRole(node);
      const ranges = main.sourceMap[node.id];
      const where = `${label} ${target} ${node.id}`;
      expect(ranges?.length ?? 0, `${where}: no lines`).toBeGreaterThan(0);
      for (const r of ranges) {
        expect(r.start, where).toBeGreaterThanOrEqual(1);
        expect(r.end, where).toBeLessThanOrEqual(lines.length);
        expect(r.end, where).toBeGreaterThanOrEqual(r.start);
        const text = lines.slice(r.start - 1, r.end).join('\n');
        // Layers and inputs: every range names the layer (its comment, its attribute or its variable). The output's
        // lines hand the model its output (the return statement, or with several outputs its line naming the Output)
        // or, in PyTorch, declare its shape and loss.
        if (role !== 'output') expect(text, where).toContain(node.layerName);
        else expect(text, where).toMatch(new RegExp(`return|OUTPUT_SHAPE|${node.layerName}`));
      }
    }
    expectNoOverlap(main.sourceMap, `${label} ${target}`);
    // Nothing in the map that is not a node of the model.
    const ids = new Set(model.nodes.map((n) => n.id));
    for (const id of Object.keys(main.sourceMap)) expect(ids.has(id), `${label} ${target}: stray ${id}`).toBe(true);
  }
}

describe('code generator source maps', () => {
  it.each(listTemplates().map((t) => [t.name, t] as const))('%s: every node has lines naming it, none overlap', (name, t) => {
    checkDesign(t.build(), name);
  });

  it('the layer zoo (every layer kind, asymmetric padding) maps every node', () => {
    checkDesign(zooDesign(), 'zoo');
  });

  it('train.py belongs to no node', () => {
    const { model } = prepareExport(listTemplates()[0].build(), 'pytorch');
    const files = generateMappedFiles(model, 'pytorch');
    expect(files.map((f) => f.path)).toEqual(['model.py', 'train.py']);
    expect(files[1].sourceMap).toEqual({});
  });

  it('folds composite inner lines onto the composite, or onto inner nodes when expanded', () => {
    // The smallest template with a composite block (its flat graph has `<composite>/<inner>` ids).
    const withComposite = listTemplates()
      .map((t) => ({ doc: t.build() }))
      .map(({ doc }) => ({ doc, model: prepareExport(doc, 'ts').model }))
      .filter(({ model }) => model.nodes.some((n) => n.id.includes('/')))
      .sort((a, b) => a.model.nodes.length - b.model.nodes.length);
    expect(withComposite.length, 'a template with a composite block').toBeGreaterThan(0);
    const { doc, model } = withComposite[0];
    const [main] = generateMappedFiles(model, 'ts');
    const composite = doc.nodes.find((n) => model.nodes.some((f) => f.id.startsWith(`${n.id}/`)))!;
    const inner = model.nodes.filter((f) => f.id.startsWith(`${composite.id}/`));
    const innerLines = inner.flatMap((f) => main.sourceMap[f.id]).reduce((s, r) => s + r.end - r.start + 1, 0);

    const collapsed = canvasSourceMap(main.sourceMap, expandedComposites(doc));
    const compositeLines = collapsed[composite.id].reduce((s, r) => s + r.end - r.start + 1, 0);
    expect(compositeLines).toBe(innerLines);
    expect(Object.keys(collapsed).some((k) => k.includes('/'))).toBe(false);
    expectNoOverlap(collapsed, 'collapsed');

    const expandedDoc = { ...doc, nodes: doc.nodes.map((n) => (n.id === composite.id ? { ...n, collapsed: false } : n)) };
    const expanded = canvasSourceMap(main.sourceMap, expandedComposites(expandedDoc));
    expect(expanded[composite.id]).toBeUndefined();
    for (const f of inner) expect(expanded[canvasNodeOf(f.id, new Set([composite.id]))]?.length).toBeGreaterThan(0);
    // A click on any inner line lands on the composite when collapsed, on an inner node when expanded.
    const line = main.sourceMap[inner[0].id][0].start;
    expect(nodeAtLine(collapsed, line)).toBe(composite.id);
    expect(nodeAtLine(expanded, line)).toBe(canvasNodeOf(inner[0].id, new Set([composite.id])));
  });

  it('folds the lines of an opened composite onto its inner layers and leaves the rest of the design out', () => {
    const withComposite = listTemplates()
      .map((t) => t.build())
      .map((doc) => ({ doc, model: prepareExport(doc, 'ts').model }))
      .filter(({ model }) => model.nodes.some((n) => n.id.includes('/')))
      .sort((a, b) => a.model.nodes.length - b.model.nodes.length);
    const { doc, model } = withComposite[0];
    const [main] = generateMappedFiles(model, 'ts');
    const composite = doc.nodes.find((n) => model.nodes.some((f) => f.id.startsWith(`${n.id}/`)))!;
    const inner = model.nodes.filter((f) => f.id.startsWith(`${composite.id}/`));
    const scoped = scopeSourceMap(main.sourceMap, [composite.id], new Set());
    // Each inner layer keeps exactly its own lines, under its id in the block (no `<block>/` prefix).
    for (const f of inner) {
      const own = f.id.slice(composite.id.length + 1).split('/')[0];
      expect(scoped[own], own).toBeDefined();
      for (const r of main.sourceMap[f.id]) expect(scoped[own].some((s) => s.start <= r.start && r.end <= s.end)).toBe(true);
    }
    // Lines of layers outside the block are not in the scope's map.
    const outside = model.nodes.find((f) => !f.id.startsWith(`${composite.id}/`) && main.sourceMap[f.id])!;
    expect(nodeAtLine(scoped, main.sourceMap[outside.id][0].start)).toBeNull();
    expect(Object.keys(scoped).filter((k) => k !== SCOPE_BLOCK_KEY).sort()).toEqual(
      [...new Set(inner.filter((f) => main.sourceMap[f.id]).map((f) => f.id.slice(composite.id.length + 1).split('/')[0]))].sort(),
    );
    // At the top level it is the canvas map.
    expect(scopeSourceMap(main.sourceMap, [], expandedComposites(doc))).toEqual(canvasSourceMap(main.sourceMap, expandedComposites(doc)));
  });

  it('CodeWriter splits multi-line text and merges consecutive lines of one node', () => {
    const w = new CodeWriter().plain('a').push('n1', 'b\nc', 'd').push('n2', 'e').plain('f').push('n1', 'g');
    const { text, sourceMap } = w.finish();
    expect(text.split('\n')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(sourceMap).toEqual({ n1: [{ start: 2, end: 4 }, { start: 7, end: 7 }], n2: [{ start: 5, end: 5 }] });
    expect(nodeAtLine(sourceMap, 1)).toBeNull();
    expect(nodeAtLine(sourceMap, 3)).toBe('n1');
  });
});
