/**
 * The dataset a design trains on, as stored in its training settings (`default`, `idx:DIR`, `cifar:DIR`,
 * `folder:DIR` — the CLI's `--dataset` forms) and as the host contract takes it.
 */
import type { z } from 'zod';
import type { datasetSpecSchema } from '../../../../contract/training-protocol';

/** A dataset spec of the host contract. */
export type DatasetSpec = z.infer<typeof datasetSpecSchema>;
/** The kinds of dataset the panel offers. */
export type DatasetKind = DatasetSpec['kind'];

/** What the panel calls each kind. */
export const DATASET_KINDS: { kind: DatasetKind; label: string; hint: string }[] = [
  { kind: 'default', label: 'Embedded Fashion-MNIST subset', hint: '10,000 train / 2,000 test images, 28×28 grayscale, 10 classes' },
  { kind: 'idx', label: 'IDX folder', hint: 'train-images/labels and t10k-images/labels IDX files (MNIST layout, .gz or not)' },
  { kind: 'cifar', label: 'CIFAR-10 binary folder', hint: 'data_batch_1..5.bin and test_batch.bin' },
  { kind: 'folder', label: 'Image folder', hint: 'one subfolder per class of .png/.jpg images (optional train/ and test/)' },
];

/** Parses the stored text; anything unreadable falls back to the embedded set. */
export function parseDatasetText(text: string): DatasetSpec {
  const m = /^(idx|cifar|folder):(.+)$/.exec(text);
  return m ? { kind: m[1] as 'idx' | 'cifar' | 'folder', dir: m[2] } : { kind: 'default' };
}

/** The stored text of a spec. */
export function formatDatasetText(spec: DatasetSpec): string {
  return spec.kind === 'default' ? 'default' : `${spec.kind}:${spec.dir}`;
}
