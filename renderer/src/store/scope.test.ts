/**
 * A layer's receptive field inside a composite, counted from the design's input: the block input's field where the
 * block is used, composed with the layer's field within the block. Checked against the design's own analysis: the
 * field of every composite's output equals its inside's output field composed with the field entering it.
 */
import { describe, expect, it } from 'vitest';
import { requireTemplate } from '../../../templates';
import { analyzeDesign, composeFields, getBlock, openScopePath, performCommand } from '../engine';
import { blockInputField } from './scope';

describe('receptive fields inside a composite, from the design input', () => {
  for (const name of ['resnet18', 'googlenet', 'mobilenetv2']) {
    it(`${name}: every composite's output field, composed from inside, is the design's`, () => {
      const doc = requireTemplate(name).build();
      const analysis = analyzeDesign(doc);
      const composites = doc.nodes.filter((n) => getBlock(n.type)?.kind === 'composite' && analysis.nodes[n.id]?.receptiveField);
      expect(composites.length).toBeGreaterThan(1);
      for (const c of composites) {
        const outer = blockInputField(doc, analysis, [c.id])!;
        const opened = openScopePath(doc, [c.id])[0].opened;
        const inner = analyzeDesign(opened.doc).nodes[opened.boundary.output].receptiveField!;
        expect(composeFields(outer, inner), c.name).toEqual(analysis.nodes[c.id].receptiveField);
      }
    });
  }

  it('nested: a composite inside a composite gets its input field through both levels', () => {
    // resnet18's first two residual blocks made into one block of their own: composites inside a composite.
    const base = requireTemplate('resnet18').build();
    const residuals = base.nodes.filter((n) => getBlock(n.type)?.kind === 'composite').slice(0, 2).map((n) => n.id);
    const doc = performCommand(base, { kind: 'makeComposite', nodeIds: residuals, name: 'stage' });
    const analysis = analyzeDesign(doc);
    let checked = 0;
    for (const c of doc.nodes.filter((n) => getBlock(n.type)?.kind === 'composite' && analysis.nodes[n.id]?.receptiveField)) {
      const opened = openScopePath(doc, [c.id])[0].opened;
      const insideAnalysis = analyzeDesign(opened.doc);
      for (const ic of opened.doc.nodes.filter((n) => getBlock(n.type)?.kind === 'composite' && insideAnalysis.nodes[n.id]?.receptiveField)) {
        const deep = openScopePath(doc, [c.id, ic.id])[1].opened;
        const innermost = analyzeDesign(deep.doc).nodes[deep.boundary.output].receptiveField!;
        // Through both levels = the inner composite's output field within the outer block, from the design input.
        const expected = composeFields(blockInputField(doc, analysis, [c.id])!, insideAnalysis.nodes[ic.id].receptiveField!);
        expect(composeFields(blockInputField(doc, analysis, [c.id, ic.id])!, innermost), `${c.name} ▸ ${ic.name}`).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('is null outside a composite or when the path no longer opens', () => {
    const doc = requireTemplate('resnet18').build();
    const analysis = analyzeDesign(doc);
    expect(blockInputField(doc, analysis, [])).toBeNull();
    expect(blockInputField(doc, analysis, ['gone'])).toBeNull();
  });
});
