import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { requireTemplate } from '../../templates/index';
import { designStory } from './why';

describe('why does this design work', () => {
  it('fashion-cnn: the last convolution sees 8×8 of 28×28; stages at 26, 13, 11 and 5 px; the head holds most parameters', () => {
    const doc = requireTemplate('fashion-cnn').build();
    const a = analyzeDesign(doc);
    const s = designStory(doc, a);
    expect(s.input).toEqual([28, 28, 1]);
    expect(s.lastConv?.name).toBe('conv2');
    // conv1 3×3 → 3, pool 2 → 4 (stride 2), conv2 3×3 → 4 + 2·2 = 8.
    expect(s.lastConv?.size).toEqual([8, 8]);
    expect(s.fieldVerdict).toMatch(/only 8×8 px of the 28×28 input/);
    expect(s.fieldVerdictCode).toBe('local');
    expect(s.stages.map((st) => st.label)).toEqual(['26×26', '13×13', '11×11', '5×5', 'head']);
    expect(s.stages.reduce((n, st) => n + st.params, 0)).toBe(a.totals.params);
    expect(s.stages.reduce((n, st) => n + st.macs, 0)).toBe(a.totals.macs);
    const head = s.stages.at(-1)!;
    expect(head.params / a.totals.params).toBeGreaterThan(0.9);
  });

  it('ResNet-18 at 224: the last convolution covers the whole input', () => {
    const doc = requireTemplate('resnet18').build();
    const s = designStory(doc, analyzeDesign(doc));
    expect(s.lastConv!.coverage).toBe(1);
    expect(s.fieldVerdict).toMatch(/whole 224×224 input/);
    expect(s.fieldVerdictCode).toBe('whole');
    expect(s.stages.at(-1)!.label).toBe('head');
  });
});

describe('why, from the editor analysis (no flat graph)', () => {
  it('still finds the last convolution by block type, in document order', () => {
    const doc = requireTemplate('fashion-cnn').build();
    const s = designStory(doc, { ...analyzeDesign(doc), flat: [] });
    expect(s.lastConv?.name).toBe('conv2');
    expect(s.stages).toHaveLength(5);
  });
});
