/**
 * IDX files (the MNIST / Fashion-MNIST format, http://yann.lecun.com/exdb/mnist/): a big-endian header
 * `0x00 0x00 <type> <rank>` followed by `rank` 32-bit dimensions and the data. Files may be gzipped.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DesignError } from '../../../errors';
import { datasetMissing } from './missing';
import type { Dataset, ImageSet } from './types';

/** A decoded IDX tensor of unsigned bytes. */
export interface IdxTensor {
  dims: number[];
  data: Uint8Array;
}

/** Parses IDX bytes (gzip detected by its magic number). Only unsigned-byte data (type 0x08) is supported. */
export function parseIdx(bytes: Uint8Array, fileName = 'IDX file'): IdxTensor {
  let buf = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      buf = new Uint8Array(gunzipSync(bytes));
    } catch (err) {
      throw new DesignError('data-mismatch', `${fileName} is not a valid gzip file: ${(err as Error).message}`);
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new DesignError('data-mismatch', `${fileName} is not an IDX file (bad magic number)`);
  }
  if (buf[2] !== 0x08) throw new DesignError('data-mismatch', `${fileName}: only unsigned-byte IDX data is supported (type 0x${buf[2].toString(16)})`);
  const rank = buf[3];
  if (rank === 0 || buf.length < 4 + 4 * rank) throw new DesignError('data-mismatch', `${fileName} is truncated: its header declares ${rank} dimensions but the file has ${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length - offset < size) {
    throw new DesignError('data-mismatch', `${fileName} is truncated: header says ${dims.join('×')} = ${size} bytes, file has ${buf.length - offset}`);
  }
  return { dims, data: buf.subarray(offset, offset + size) };
}

/** Encodes unsigned bytes as an IDX file (gzipped when `gzip`), the inverse of `parseIdx`. */
export function encodeIdx(dims: number[], data: Uint8Array, gzip = true): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const raw = new Uint8Array(header.length + data.length);
  raw.set(header);
  raw.set(data, header.length);
  return gzip ? new Uint8Array(gzipSync(raw, { level: 9 })) : raw;
}

/** Finds `<prefix>-images-idx3-ubyte[.gz]` (or `<prefix>-images.idx3-ubyte`) in `dir`. */
function findFile(dir: string, prefix: string, kind: 'images' | 'labels'): string {
  const names = readdirSync(dir);
  const rank = kind === 'images' ? 3 : 1;
  const wanted = [`${prefix}-${kind}-idx${rank}-ubyte`, `${prefix}-${kind}.idx${rank}-ubyte`];
  for (const w of wanted) for (const ext of ['', '.gz']) if (names.includes(w + ext)) return join(dir, w + ext);
  throw new DesignError('data-mismatch', `no ${wanted[0]}[.gz] in ${dir}`, 'dataset');
}

function loadSplit(dir: string, prefix: string): ImageSet {
  const imgFile = findFile(dir, prefix, 'images');
  const lblFile = findFile(dir, prefix, 'labels');
  const images = parseIdx(readFileSync(imgFile), imgFile);
  const labels = parseIdx(readFileSync(lblFile), lblFile);
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new DesignError('data-mismatch', `${imgFile}: expected N×H×W or N×H×W×C images, got ${images.dims.join('×')}`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new DesignError('data-mismatch', `${lblFile}: expected ${images.dims[0]} labels, got ${labels.dims.join('×')}`);
  }
  const [count, h, w, c = 1] = images.dims;
  return { images: images.data, labels: labels.data, count, shape: [h, w, c] };
}

/** Class names of Fashion-MNIST (zalandoresearch/fashion-mnist README). */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Loads `train-*` and `t10k-*` IDX files from `dir`; class count = largest label + 1. */
export function loadIdxDataset(dir: string, name = `idx:${dir}`): Dataset {
  if (!existsSync(dir)) throw datasetMissing(dir);
  const train = loadSplit(dir, 'train');
  const test = loadSplit(dir, 't10k');
  if (train.shape.join() !== test.shape.join()) {
    throw new DesignError('data-mismatch', `train images are ${train.shape.join('×')} but test images are ${test.shape.join('×')}`, 'dataset');
  }
  let max = 0;
  for (const set of [train, test]) for (const l of set.labels) if (l > max) max = l;
  const classes = max + 1;
  const classNames = classes === 10 && /fashion/i.test(dir) ? FASHION_CLASSES : Array.from({ length: classes }, (_, i) => String(i));
  return { name, train, test, classNames };
}
