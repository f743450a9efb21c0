import { describe, expect, it } from 'vitest';
import { sortRows, type SummaryRow } from './summary';

const row = (order: number, name: string, params: number): SummaryRow => ({ id: name, order, name, type: 'Conv2D', shape: '', params, macs: 0, rf: 0 });

describe('summary table', () => {
  const rows = [row(0, 'b', 10), row(1, 'a', 300), row(2, 'c', 20)];
  it.each([
    ['params', true, ['a', 'c', 'b']],
    ['params', false, ['b', 'c', 'a']],
    ['name', false, ['a', 'b', 'c']],
    ['order', false, ['b', 'a', 'c']],
  ] as const)('sorts by %s (desc %s)', (key, desc, names) => {
    expect(sortRows(rows, key, desc).map((r) => r.name)).toEqual(names);
  });
});
