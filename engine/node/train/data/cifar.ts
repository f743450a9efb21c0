/**
 * CIFAR-10 binary batches (https://www.cs.toronto.edu/~kriz/cifar.html): `data_batch_1.bin` … `data_batch_5.bin`
 * and `test_batch.bin`, each a sequence of records of 1 label byte + 3,072 pixel bytes (1,024 red, 1,024 green,
 * 1,024 blue, rows of 32). Pixels are converted to channels-last (HWC) as tfjs expects.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DesignError } from '../../../errors';
import { datasetMissing } from './missing';
import type { Dataset, ImageSet } from './types';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/** CIFAR-10 class names, used when `batches.meta.txt` is absent. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Decodes concatenated CIFAR-10 binary records into an HWC image set. */
export function parseCifarBatches(buffers: Uint8Array[], fileName = 'CIFAR batch'): ImageSet {
  let count = 0;
  for (const b of buffers) {
    if (b.length % RECORD !== 0) throw new DesignError('data-mismatch', `${fileName}: size ${b.length} is not a multiple of a CIFAR-10 record (${RECORD} bytes)`);
    count += b.length / RECORD;
  }
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const b of buffers) {
    for (let off = 0; off < b.length; off += RECORD, n++) {
      labels[n] = b[off];
      const out = n * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        images[out + 3 * p] = b[off + 1 + p];
        images[out + 3 * p + 1] = b[off + 1 + PLANE + p];
        images[out + 3 * p + 2] = b[off + 1 + 2 * PLANE + p];
      }
    }
  }
  return { images, labels, count, shape: [SIDE, SIDE, 3] };
}

/** Loads the CIFAR-10 binary version from `dir` (the folder holding `data_batch_*.bin` and `test_batch.bin`). */
export function loadCifarDataset(dir: string): Dataset {
  if (!existsSync(dir)) throw datasetMissing(dir);
  const names = readdirSync(dir);
  const trainFiles = names.filter((n) => /^data_batch_\d+\.bin$/.test(n)).sort();
  if (trainFiles.length === 0 || !names.includes('test_batch.bin')) {
    throw new DesignError('data-mismatch', `expected data_batch_1.bin … and test_batch.bin (CIFAR-10 binary version) in ${dir}`, 'dataset');
  }
  const train = parseCifarBatches(trainFiles.map((f) => readFileSync(join(dir, f))), join(dir, trainFiles[0]));
  const test = parseCifarBatches([readFileSync(join(dir, 'test_batch.bin'))], join(dir, 'test_batch.bin'));
  const meta = join(dir, 'batches.meta.txt');
  const classNames = existsSync(meta)
    ? readFileSync(meta, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean)
    : CIFAR10_CLASSES;
  return { name: `cifar:${dir}`, train, test, classNames };
}
