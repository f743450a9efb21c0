/**
 * The in-memory form every dataset loader produces: raw 8-bit pixels (HWC, channels last) plus integer labels.
 * Pixels stay `Uint8Array` until a batch is made, so the full CIFAR-10 costs 150 MB rather than 600 MB of floats.
 */

/** One split of a dataset: `count` images of `shape` ([h, w, c]) stored back to back, and one label each. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: [number, number, number];
}

/** A loaded dataset: train and test splits, the number of classes and their names (index = label). */
export interface Dataset {
  name: string;
  train: ImageSet;
  test: ImageSet;
  classNames: string[];
}

/** The datasets a run can name: the embedded subset, IDX files, CIFAR-10 binary batches, or a folder per class. */
export type DatasetSpec =
  | { kind: 'default' }
  | { kind: 'idx'; dir: string }
  | { kind: 'cifar'; dir: string }
  | { kind: 'folder'; dir: string };

/** Bytes per image of a split. */
export function imageSize(shape: readonly number[]): number {
  return shape[0] * shape[1] * shape[2];
}

/** Takes the first `n` examples of a set (views, no copy). */
export function headOf(set: ImageSet, n: number): ImageSet {
  const count = Math.min(n, set.count);
  const size = imageSize(set.shape);
  return { images: set.images.subarray(0, count * size), labels: set.labels.subarray(0, count), count, shape: set.shape };
}

/** A new set holding the examples at `indices`, in that order (copies; the source is untouched). */
export function selectExamples(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set.shape);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let dst = 0; dst < indices.length; dst++) {
    const src = indices[dst];
    images.set(set.images.subarray(src * size, (src + 1) * size), dst * size);
    labels[dst] = set.labels[src];
  }
  return { images, labels, count: indices.length, shape: set.shape };
}
