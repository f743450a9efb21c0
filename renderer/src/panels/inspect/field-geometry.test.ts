import { describe, expect, it } from 'vitest';
import { clipBox, fieldBox, nearestUnit, unitCentre } from './field-geometry';

// Two 3×3 'valid' convolutions then a 2×2 stride-2 pool: size 6, stride 2, padding 0.
const rf = { size: [6, 6] as [number, number], stride: [2, 2] as [number, number], padding: [0, 0] as [number, number] };
// A 3×3 'same' convolution with stride 2 on top of that: size 10, stride 4, padding 2.
const same = { size: [10, 10] as [number, number], stride: [4, 4] as [number, number], padding: [2, 2] as [number, number] };

describe('receptive field geometry', () => {
  it('puts unit centres (size-1)/2 - padding + i*stride apart', () => {
    expect(unitCentre(rf, 0, 0)).toBe(2.5);
    expect(unitCentre(rf, 1, 3)).toBe(8.5);
    expect(unitCentre(same, 0, 0)).toBe(2.5);
  });

  it('spans size pixels around the centre, into the padding for border units', () => {
    expect(fieldBox(rf, { row: 0, col: 1 })).toEqual({ top: 0, left: 2, bottom: 6, right: 8 });
    const b = fieldBox(same, { row: 0, col: 0 });
    expect(b.bottom - b.top).toBe(10);
    expect(b.top).toBe(-2);
    expect(clipBox(b, 28, 28)).toEqual({ top: 0, left: 0, bottom: 8, right: 8 });
    expect(clipBox({ top: -9, left: 0, bottom: -1, right: 3 }, 28, 28)).toBeNull();
  });

  it('moves the unit to the one whose centre is nearest the pointer, within the grid', () => {
    expect(nearestUnit(rf, 11, 11, 8.4, 2.6)).toEqual({ row: 3, col: 0 });
    expect(nearestUnit(rf, 11, 11, 100, -50)).toEqual({ row: 10, col: 0 });
  });
});
