import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../../engine/node/train/data/types';
import { classCounts, PREVIEW_MAX_SIDE, resolveDatasetSpec, sampleImage } from './dataset-preview';

/** A set of `count` images of `shape` whose pixel value encodes (image, y, x, channel). */
function set(count: number, shape: [number, number, number]): ImageSet {
  const [h, w, c] = shape;
  const images = new Uint8Array(count * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = i % 251;
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 3), count, shape };
}

const pixels = (b64: string) => Buffer.from(b64, 'base64');

describe('dataset previews', () => {
  it('sends small images as they are, channel for channel', () => {
    const s = set(2, [32, 32, 3]);
    const img = sampleImage(s, 1);
    expect(img).toMatchObject({ width: 32, height: 32, channels: 3 });
    expect(pixels(img.pixels).equals(Buffer.from(s.images.subarray(32 * 32 * 3, 2 * 32 * 32 * 3)))).toBe(true);
  });

  it('shrinks large images (nearest neighbour) to at most the preview side', () => {
    const s = set(1, [200, 100, 1]);
    const img = sampleImage(s, 0);
    expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(PREVIEW_MAX_SIDE);
    expect([img.height, img.width]).toEqual([50, 25]);
    // Row 1, column 1 of the preview is source pixel (4, 4).
    expect(pixels(img.pixels)[1 * 25 + 1]).toBe(s.images[4 * 100 + 4]);
  });

  it('counts examples per class and resolves typed folders against the documents folder', () => {
    expect(classCounts(set(7, [2, 2, 1]), 3)).toEqual([3, 2, 2]);
    expect(resolveDatasetSpec({ kind: 'idx', dir: 'data/mnist' }, '/home/u/Documents')).toEqual({ kind: 'idx', dir: '/home/u/Documents/data/mnist' });
    expect(resolveDatasetSpec({ kind: 'cifar', dir: '/abs/cifar/' }, '/x')).toEqual({ kind: 'cifar', dir: '/abs/cifar' });
    expect(resolveDatasetSpec({ kind: 'default' }, '/x')).toEqual({ kind: 'default' });
  });
});
