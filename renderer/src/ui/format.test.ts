import { describe, expect, it } from 'vitest';
import { formatBytes, formatCompact, formatInt, formatShape, heatColor } from './format';

describe('format', () => {
  it.each([
    [[28, 28, 32], '28×28×32'],
    [[10], '10'],
    [null, '?'],
  ] as const)('formatShape(%j) = %s', (shape, text) => {
    expect(formatShape(shape)).toBe(text);
  });

  it.each([
    [950, '950'],
    [12_345, '12.3K'],
    [4_567_000, '4.57M'],
    [138_357_544, '138M'],
    [1_200_000_000, '1.20G'],
  ])('formatCompact(%d) = %s', (n, text) => {
    expect(formatCompact(n)).toBe(text);
  });

  it('formats full counts and bytes', () => {
    expect(formatInt(138357544)).toBe('138,357,544');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });

  it('heat colour goes from blue at zero to red at the maximum', () => {
    expect(heatColor(0, 100)).toContain('220 10%');
    expect(heatColor(100, 100)).toMatch(/^hsl\(0 /);
    expect(heatColor(1, 100)).not.toBe(heatColor(50, 100));
  });
});
