import { describe, expect, it } from 'vitest';
import { topFeatureMaps } from './features';
import type { KernelSet } from './kernels';
import { featureTiles, heatColor, heatOverlay, kernelTiles, sampleToRgba, tileGrid } from './render';

const px = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));

describe('inspector pictures', () => {
  it('draws a 3-channel first layer in colour and deeper kernels blue-white-red around zero', () => {
    // One 1×1 filter over RGB that is purely red, and one over 2 channels that is positive.
    const rgb: KernelSet = { layerName: 'c', className: 'Conv2D', shape: [1, 1, 3, 1], weights: Float32Array.from([1, -1, -1]) };
    expect(px(kernelTiles(rgb, 2)[0], 0, 0)).toEqual([255, 0, 0]);
    const deep: KernelSet = { layerName: 'd', className: 'Conv2D', shape: [1, 2, 2, 1], weights: Float32Array.from([1, 1, -1, -1]) };
    const [tile] = kernelTiles(deep, 1);
    expect(px(tile, 0, 0)).toEqual([255, 0, 0]);
    expect(px(tile, 1, 0)).toEqual([0, 0, 255]);
  });

  it('overlays heat (red where 1) and leaves a zero map mostly see-through', () => {
    const base = sampleToRgba([0, 0, 0, 0], 2, 2, 1, 4);
    const heat = heatOverlay(base, [1, 0, 0, 0], 2, 2, 0.5);
    const [r, g, b] = px(heat, 1, 1);
    expect(r).toBeGreaterThan(g + b);
    const [hr, hg, hb] = heatColor(1);
    expect(hr).toBeGreaterThan(hg + hb);
    expect(heatColor(0)[2]).toBeGreaterThan(heatColor(0)[0]);
    expect(heatColor(0.5)[1]).toBe(255);
    const cold = px(heat, 6, 6);
    expect(cold[2]).toBeGreaterThan(cold[0]);
    expect(cold[2]).toBeLessThan(120);
  });

  it('lays tiles out in a grid with gaps and scales feature maps to grey', () => {
    const maps = topFeatureMaps('l', [0, 5, 1, 5, 2, 5, 3, 5], [2, 2, 2], 2);
    const tiles = featureTiles(maps, 3);
    expect(tiles).toHaveLength(2);
    expect(px(tiles[1], 0, 0)).toEqual([0, 0, 0]);
    expect(px(tiles[1], 5, 5)).toEqual([255, 255, 255]);
    const grid = tileGrid(tiles, 8, 2);
    expect([grid.width, grid.height]).toEqual([2 * 6 + 3 * 2, 6 + 2 * 2]);
  });
});
