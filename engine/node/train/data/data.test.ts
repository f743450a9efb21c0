import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DesignError } from '../../../errors';
import { parseCifarBatches, loadCifarDataset } from './cifar';
import { checkDesignFits, epochOrder, loadDataset, makeBatch, parseDatasetSpec, splitValidation } from './dataset';
import { loadFolderDataset } from './folder';
import { encodeIdx, loadIdxDataset, parseIdx } from './idx';
import type { ImageSet } from './types';

const tmp = () => mkdtempSync(join(tmpdir(), 'layerloom-data-'));

function writeIdxDir(dir: string, gzip: boolean, n = 6): void {
  const ext = gzip ? '.gz' : '';
  for (const prefix of ['train', 't10k']) {
    const images = Uint8Array.from({ length: n * 4 * 3 }, (_, i) => (i * 7) % 256);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${ext}`), encodeIdx([n, 4, 3], images, gzip));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), encodeIdx([n], labels, gzip));
  }
}

describe('IDX', () => {
  it.each([true, false])('round-trips and loads a folder (gzip %s)', (gzip) => {
    const dir = tmp();
    writeIdxDir(dir, gzip);
    const ds = loadIdxDataset(dir);
    expect(ds.train.count).toBe(6);
    expect(ds.train.shape).toEqual([4, 3, 1]);
    expect(ds.classNames).toHaveLength(3);
    expect(Array.from(ds.test.labels)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(ds.train.images[5]).toBe(35);
  });

  it('rejects a truncated file with its name', () => {
    const bytes = encodeIdx([10, 2, 2], new Uint8Array(40), false).subarray(0, 30);
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(/x.idx is truncated/);
  });

  it('loads the embedded Fashion-MNIST subset, balanced', () => {
    const ds = loadDataset(parseDatasetSpec('default'));
    expect(ds.train.count).toBe(10000);
    expect(ds.test.count).toBe(2000);
    expect(ds.train.shape).toEqual([28, 28, 1]);
    const perClass = new Array(10).fill(0);
    for (const l of ds.test.labels) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(200));
    expect(ds.classNames[9]).toBe('Ankle boot');
  });
});

describe('CIFAR-10 binary', () => {
  it('converts planar CHW records to HWC', () => {
    const rec = new Uint8Array(3073);
    rec[0] = 7;
    rec[1] = 10; // red of pixel 0
    rec[1 + 1024] = 20; // green of pixel 0
    rec[1 + 2048 + 1] = 30; // blue of pixel 1
    const set = parseCifarBatches([rec]);
    expect(set.labels[0]).toBe(7);
    expect(Array.from(set.images.subarray(0, 6))).toEqual([10, 20, 0, 0, 0, 30]);
  });

  it('loads data_batch_* and test_batch from a folder and rejects bad sizes', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'data_batch_1.bin'), new Uint8Array(3073 * 3));
    writeFileSync(join(dir, 'data_batch_2.bin'), new Uint8Array(3073 * 2));
    writeFileSync(join(dir, 'test_batch.bin'), new Uint8Array(3073));
    const ds = loadCifarDataset(dir);
    expect([ds.train.count, ds.test.count, ds.classNames.length]).toEqual([5, 1, 10]);
    writeFileSync(join(dir, 'test_batch.bin'), new Uint8Array(100));
    expect(() => loadCifarDataset(dir)).toThrow(/not a multiple/);
  });
});

describe('image folders', () => {
  function writeImages(dir: string): void {
    for (const [cls, value] of [['cats', 200], ['dogs', 50]] as const) {
      mkdirSync(join(dir, cls));
      for (let i = 0; i < 5; i++) {
        const png = new PNG({ width: 8, height: 6 });
        png.data.fill(value);
        for (let p = 3; p < png.data.length; p += 4) png.data[p] = 255;
        writeFileSync(join(dir, cls, `${i}.png`), PNG.sync.write(png));
      }
      const data = Buffer.alloc(8 * 6 * 4, value);
      writeFileSync(join(dir, cls, 'x.jpg'), jpeg.encode({ data, width: 8, height: 6 }, 95).data);
    }
  }

  it('decodes PNG and JPEG, resizes, converts to gray and holds out a test split', () => {
    const dir = tmp();
    writeImages(dir);
    const ds = loadFolderDataset(dir, { size: [3, 4], channels: 1, seed: 3 });
    expect(ds.classNames).toEqual(['cats', 'dogs']);
    expect(ds.train.count + ds.test.count).toBe(12);
    expect(ds.test.count).toBe(2);
    expect(ds.train.shape).toEqual([3, 4, 1]);
    for (let i = 0; i < ds.train.count; i++) {
      const expected = ds.train.labels[i] === 0 ? 200 : 50;
      expect(Math.abs(ds.train.images[i * 12] - expected)).toBeLessThanOrEqual(3);
    }
  });

  it('names a file that is not an image', () => {
    const dir = tmp();
    writeImages(dir);
    writeFileSync(join(dir, 'cats', 'broken.png'), 'nope');
    expect(() => loadFolderDataset(dir)).toThrow(/cannot decode image .*broken.png/);
  });
});

describe('splits, batches and fit', () => {
  const set = { images: Uint8Array.from({ length: 10 * 4 }, (_, i) => i), labels: Uint8Array.from({ length: 10 }, (_, i) => i % 2), count: 10, shape: [2, 2, 1] as [number, number, number] };

  it('splits validation deterministically and disjointly', () => {
    const a = splitValidation(set, 0.3, 5);
    const b = splitValidation(set, 0.3, 5);
    expect(a.val?.count).toBe(3);
    expect(Array.from(a.val!.images)).toEqual(Array.from(b.val!.images));
    const firstPixels = (s: ImageSet) => Array.from({ length: s.count }, (_, i) => s.images[i * 4]);
    expect([...firstPixels(a.train), ...firstPixels(a.val!)].sort((x, y) => x - y)).toEqual(firstPixels(set));
  });

  it('shuffles differently each epoch but reproducibly', () => {
    expect(Array.from(epochOrder(50, 1, 0))).toEqual(Array.from(epochOrder(50, 1, 0)));
    expect(Array.from(epochOrder(50, 1, 0))).not.toEqual(Array.from(epochOrder(50, 1, 1)));
  });

  it('normalizes, one-hot encodes and flips', () => {
    const plain = makeBatch(set, [1], 2);
    expect(Array.from(plain.x)).toEqual(Array.from(Float32Array.of(4 / 255, 5 / 255, 6 / 255, 7 / 255)));
    expect(Array.from(plain.y)).toEqual([0, 1]);
    const flipped = makeBatch(set, [1], 2, { flip: true, shift: 0 }, () => 0);
    expect(Array.from(flipped.x)).toEqual(Array.from(Float32Array.of(5 / 255, 4 / 255, 7 / 255, 6 / 255)));
  });

  it.each([
    [{ inputs: [{ shape: [32, 32, 3], path: 'nodes[0].params.shape' }], outputs: [{ units: 10 }] }, /set Input to 28×28×1/],
    [{ inputs: [{ shape: [28, 28, 1] }], outputs: [{ units: 5 }] }, /set the last Dense to 10 units/],
    [{ inputs: [{ shape: [28, 28, 1] }, { shape: [28, 28, 3] }], outputs: [{ units: 10 }] }, /input is 28×28×3 .* set Input to 28×28×1/],
    [{ inputs: [{ shape: [28, 28, 1] }], outputs: [{ units: 10, name: 'output' }, { units: 4, name: 'aux1_output' }] }, /the output 'aux1_output' has 4 values .* 10 classes/],
  ])('explains a mismatch with the fix', (design, message) => {
    const ds = loadDataset({ kind: 'default' });
    let err: unknown;
    try {
      checkDesignFits(design, ds);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DesignError);
    expect((err as DesignError).code).toBe('data-mismatch');
    expect((err as DesignError).message).toMatch(message);
  });

  it('rejects unknown dataset specs', () => {
    expect(() => parseDatasetSpec('mnist')).toThrow(/expected default, idx:DIR/);
    expect(parseDatasetSpec('cifar:/x')).toEqual({ kind: 'cifar', dir: '/x' });
  });
});
