/**
 * Regenerates the embedded dataset `data/fashion-mnist-subset/` from the full Fashion-MNIST IDX files
 * (Debian's `dataset-fashion-mnist` installs them in /usr/share/datasets/fashion-mnist):
 * the first `perClassTrain` training and `perClassTest` test images of every class, in the original order.
 *
 *   npx tsx engine/node/train/data/make-embedded-subset.ts [sourceDir] [perClassTrain=1000] [perClassTest=200]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_DIR } from './embedded';
import { encodeIdx, loadIdxDataset } from './idx';
import { selectExamples, type ImageSet } from './types';

/** Picks the first `perClass` examples of each class, keeping the file order (balanced, deterministic). */
export function balancedSubset(set: ImageSet, perClass: number, classes: number): ImageSet {
  const taken = new Array(classes).fill(0);
  const picked: number[] = [];
  for (let i = 0; i < set.count && picked.length < perClass * classes; i++) {
    const l = set.labels[i];
    if (taken[l] < perClass) {
      taken[l]++;
      picked.push(i);
    }
  }
  return selectExamples(set, picked);
}


function main(): void {
  const [src = '/usr/share/datasets/fashion-mnist', perTrain = '1000', perTest = '200'] = process.argv.slice(2);
  const full = loadIdxDataset(src);
  const classes = full.classNames.length;
  mkdirSync(EMBEDDED_DIR, { recursive: true });
  for (const [prefix, set, per] of [['train', full.train, Number(perTrain)], ['t10k', full.test, Number(perTest)]] as const) {
    const sub = balancedSubset(set, per, classes);
    const [h, w] = sub.shape;
    writeFileSync(`${EMBEDDED_DIR}/${prefix}-images-idx3-ubyte.gz`, encodeIdx([sub.count, h, w], sub.images));
    writeFileSync(`${EMBEDDED_DIR}/${prefix}-labels-idx1-ubyte.gz`, encodeIdx([sub.count], sub.labels));
    console.log(`${prefix}: ${sub.count} images of ${h}×${w}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
