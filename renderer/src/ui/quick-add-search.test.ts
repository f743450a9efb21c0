import { describe, expect, it } from 'vitest';
import { blockCatalog } from '../engine';
import { rankBlocks, type SearchableBlock } from './quick-add-search';

const palette = blockCatalog().filter((b) => b.inPalette);

describe('quick-add ranking', () => {
  it('offers convolutions first for "conv", and nothing unrelated', () => {
    const found = rankBlocks(palette, 'conv').map((b) => b.type);
    expect(found[0]).toBe('Conv2D');
    expect(found).not.toContain('Dense');
    // Every result mentions the query somewhere.
    for (const b of rankBlocks(palette, 'conv')) expect(`${b.type} ${b.label} ${b.category} ${b.description}`.toLowerCase()).toContain('conv');
  });

  it('ranks a prefix above a match inside the name, and initials ("bn") above the description', () => {
    const blocks: SearchableBlock[] = [
      { type: 'Xpool', label: 'Xpool', category: 'pooling', description: '' },
      { type: 'Dense', label: 'Dense', category: 'core', description: 'after pooling' },
      { type: 'PoolA', label: 'PoolA', category: 'pooling', description: '' },
      { type: 'BatchNormalization', label: 'Batch norm', category: 'normalization', description: '' },
    ];
    expect(rankBlocks(blocks, 'pool').map((b) => b.type)).toEqual(['PoolA', 'Xpool', 'Dense']);
    expect(rankBlocks(blocks, 'bn').map((b) => b.type)).toEqual(['BatchNormalization']);
    expect(rankBlocks(blocks, '  ')).toHaveLength(4);
    expect(rankBlocks(blocks, 'zzz')).toEqual([]);
  });
});
