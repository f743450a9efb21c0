/**
 * Dataset specs (`default`, `idx:DIR`, `cifar:DIR`, `folder:DIR`), loading, the train/validation split,
 * seeded per-epoch shuffling, batching with normalization to [0, 1] and optional flip/shift augmentation,
 * and the check that a design fits the data.
 */
import { DesignError } from '../../../errors';
import { errorDetailEnglish, type TrainingErrorDetail } from '../../../messages';
import { loadCifarDataset } from './cifar';
import { loadFolderDataset } from './folder';
import { loadIdxDataset } from './idx';
import { EMBEDDED_DIR } from './embedded';
import { mulberry32, shuffleInPlace } from './random';
import { selectExamples, type Dataset, type DatasetSpec, type ImageSet } from './types';

/** Parses `default`, `idx:DIR`, `cifar:DIR` or `folder:DIR`; anything else is a `DesignError` naming the forms. */
export function parseDatasetSpec(text: string): DatasetSpec {
  if (text === 'default') return { kind: 'default' };
  const m = /^(idx|cifar|folder):(.+)$/.exec(text);
  if (!m) throw new DesignError('data-mismatch', `unknown dataset '${text}': expected default, idx:DIR, cifar:DIR or folder:DIR`, 'dataset');
  return { kind: m[1] as 'idx' | 'cifar' | 'folder', dir: m[2] };
}

/** Formats a spec back to its text form. */
export function formatDatasetSpec(spec: DatasetSpec): string {
  return spec.kind === 'default' ? 'default' : `${spec.kind}:${spec.dir}`;
}

/** Loads a dataset; folders are resized to `inputShape` (h, w, channels 1 or 3) when the design gives one. */
export function loadDataset(spec: DatasetSpec, inputShape?: readonly number[]): Dataset {
  switch (spec.kind) {
    case 'default':
      return { ...loadIdxDataset(EMBEDDED_DIR), name: 'default (Fashion-MNIST subset)' };
    case 'idx':
      return loadIdxDataset(spec.dir);
    case 'cifar':
      return loadCifarDataset(spec.dir);
    case 'folder': {
      const ok = inputShape && inputShape.length === 3 && (inputShape[2] === 1 || inputShape[2] === 3);
      return loadFolderDataset(spec.dir, ok ? { size: [inputShape[0], inputShape[1]], channels: inputShape[2] as 1 | 3 } : {});
    }
  }
}

/**
 * The design's inputs (shape) and outputs (width), with the document paths to name in a mismatch
 * (`nodes[0].params.shape`). Every input is fed the dataset's image and every output learns its label.
 */
export interface DesignFitInfo {
  inputs: Array<{ shape: readonly (number | null)[]; path?: string }>;
  outputs: Array<{ units: number | null; path?: string; name?: string }>;
}

/** Throws `DesignError('data-mismatch')` with the fix when an input or an output of the design does not fit the data. */
export function checkDesignFits(design: DesignFitInfo, data: Dataset): void {
  const shape = data.train.shape;
  for (const input of design.inputs) {
    const want = input.shape;
    if (want.length !== 3 || want.some((d, i) => d !== null && d !== shape[i])) {
      const detail: TrainingErrorDetail = { code: 'input-shape', values: { want: want.map((d) => d ?? '?').join('×'), dataset: data.name, shape: shape.join('×') } };
      throw new DesignError('data-mismatch', errorDetailEnglish(detail), input.path, undefined, detail);
    }
  }
  const classes = data.classNames.length;
  const several = design.outputs.length > 1;
  for (const out of design.outputs) {
    if (out.units === classes) continue;
    const values = { units: out.units ?? '?', dataset: data.name, classes };
    const detail: TrainingErrorDetail = several ? { code: 'output-classes-named', values: { ...values, output: out.name ?? '?' } } : { code: 'output-classes', values };
    throw new DesignError('data-mismatch', errorDetailEnglish(detail), out.path, undefined, detail);
  }
}

/** Splits off the last `fraction` of a seeded permutation as validation (a copy; the source is untouched). */
export function splitValidation(set: ImageSet, fraction: number, seed: number): { train: ImageSet; val: ImageSet | null } {
  const nVal = Math.floor(set.count * fraction);
  if (nVal === 0) return { train: set, val: null };
  const order = shuffleInPlace(Uint32Array.from({ length: set.count }, (_, i) => i), mulberry32(seed));
  return { train: selectExamples(set, order.subarray(0, set.count - nVal)), val: selectExamples(set, order.subarray(set.count - nVal)) };
}

/** Light augmentation applied per example while batching. */
export interface Augment {
  flip: boolean;
  /** Random shift of up to ±shift pixels on each axis (zero fill). */
  shift: number;
}

/** One batch as plain arrays: normalized pixels (NHWC) and one-hot labels. */
export interface HostBatch {
  x: Float32Array;
  y: Float32Array;
  labels: Uint8Array;
  size: number;
}

/** Builds a batch from `indices` of `set`: pixels scaled to [0, 1], one-hot labels, optional augmentation. */
export function makeBatch(set: ImageSet, indices: ArrayLike<number>, classes: number, augment?: Augment, rand?: () => number): HostBatch {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const n = indices.length;
  const x = new Float32Array(n * size);
  const y = new Float32Array(n * classes);
  const labels = new Uint8Array(n);
  const r = rand ?? Math.random;
  for (let b = 0; b < n; b++) {
    const src = indices[b] * size;
    const dst = b * size;
    const flip = augment?.flip && r() < 0.5;
    const dy = augment?.shift ? Math.floor(r() * (2 * augment.shift + 1)) - augment.shift : 0;
    const dx = augment?.shift ? Math.floor(r() * (2 * augment.shift + 1)) - augment.shift : 0;
    if (!flip && dx === 0 && dy === 0) {
      for (let i = 0; i < size; i++) x[dst + i] = set.images[src + i] / 255;
    } else {
      for (let yy = 0; yy < h; yy++) {
        const sy = yy - dy;
        if (sy < 0 || sy >= h) continue;
        for (let xx = 0; xx < w; xx++) {
          let sx = xx - dx;
          if (sx < 0 || sx >= w) continue;
          if (flip) sx = w - 1 - sx;
          for (let ch = 0; ch < c; ch++) x[dst + (yy * w + xx) * c + ch] = set.images[src + (sy * w + sx) * c + ch] / 255;
        }
      }
    }
    const label = set.labels[indices[b]];
    labels[b] = label;
    y[b * classes + label] = 1;
  }
  return { x, y, labels, size: n };
}

/** The example order of one epoch: a permutation seeded by (seed, epoch), so a resumed run sees the same order. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  return shuffleInPlace(Uint32Array.from({ length: count }, (_, i) => i), mulberry32(seed * 1_000_003 + epoch));
}
