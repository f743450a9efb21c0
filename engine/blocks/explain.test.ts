import { describe, expect, it } from 'vitest';
import { blockCatalog } from './catalog';
import { listBlocks } from './registry';

describe('block explanations', () => {
  for (const block of listBlocks()) {
    it(`${block.type} explains itself: text, the three formulas and a diagram`, () => {
      const e = block.explain;
      expect(e, `${block.type} has no explain field (add one in its file under engine/blocks/)`).toBeDefined();
      expect(e!.text.split(/[.!?]\s/).length).toBeGreaterThanOrEqual(1);
      expect(e!.text.length).toBeGreaterThan(60);
      expect(e!.formulas.output.length).toBeGreaterThan(0);
      expect(e!.formulas.params.length).toBeGreaterThan(0);
      expect(e!.formulas.receptiveField.length).toBeGreaterThan(0);
    });
  }

  it('convolutions and pools state the receptive-field growth RF + (k − 1)·S_eff', () => {
    for (const type of ['Conv2D', 'MaxPool2D', 'AvgPool2D', 'DepthwiseConv2D', 'SeparableConv2D']) {
      expect(listBlocks().find((b) => b.type === type)!.explain!.formulas.receptiveField).toContain('(k − 1)·S_eff');
    }
  });

  it('reaches the palette through the catalogue', () => {
    expect(blockCatalog().find((e) => e.type === 'Dense')?.explain?.formulas.params).toBe('N·units + units');
  });
});
