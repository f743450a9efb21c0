import { describe, expect, it } from 'vitest';
import { fitProblems } from './dataset-section';

const preview = { shape: [28, 28, 1], classNames: Array.from({ length: 10 }, (_, i) => `c${i}`) };

describe('fitProblems: every output must have the dataset\'s class count', () => {
  it.each([
    ['one output that fits', [10], 0],
    ['two outputs that fit', [10, 10], 0],
    ['an auxiliary output with 4 values', [10, 4], 1],
    ['a main output with 4 values and an auxiliary that fits', [4, 10], 1],
    ['three heads all wrong the same way (said once)', [4, 4, 4], 1],
    ['no output at all', [], 1],
  ] as const)('%s', (_what, classes, problems) => {
    const found = fitProblems({ input: [28, 28, 1], classes: [...classes] }, preview);
    expect(found).toHaveLength(problems);
    if (problems) expect(found[0]).toMatch(/10/);
  });
});
