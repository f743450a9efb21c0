/**
 * Datasets as the training panel sees them, loaded in the host process with the worker's own loaders: a few
 * samples per class and the class balance (the preview), and test images by index (a run's results).
 * Paths typed in the app resolve against the documents folder. Images go out as small raw-pixel samples.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { loadDataset } from '../../engine/node/train/data/dataset';
import { imageSize, type Dataset, type DatasetSpec, type ImageSet } from '../../engine/node/train/data/types';
import { DesignError } from '../../engine/errors';
import { HostError, type InvokeResponse } from '../../contract/host-contract';
import type { SampleImage } from '../../contract/training-runs';
import type { PathGuard } from '../path-guard';

/** Largest side of a preview image; bigger images are shrunk (nearest neighbour) to keep messages small. */
export const PREVIEW_MAX_SIDE = 64;

/** Resolves a spec's folder against `baseDir` (and `~`), so the worker gets an absolute path. */
export function resolveDatasetSpec(spec: DatasetSpec, baseDir: string): DatasetSpec {
  if (spec.kind === 'default') return spec;
  const raw = spec.dir.trim();
  const expanded = raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw;
  return { kind: spec.kind, dir: isAbsolute(expanded) ? resolve(expanded) : resolve(baseDir, expanded) };
}

/**
 * `resolveDatasetSpec` for a spec that came from the page: with `guard` set (browser mode) its folder must lie
 * in a folder the user chose (`path-guard.ts`: `..`, absolute paths elsewhere, symlinks out, NUL bytes and
 * Windows drive/UNC paths are refused with a `HostError` on `dataset`). The embedded dataset is always allowed.
 */
export function confineDatasetSpec(spec: DatasetSpec, baseDir: string, guard?: PathGuard): DatasetSpec {
  if (spec.kind === 'default' || !guard) return resolveDatasetSpec(spec, baseDir);
  return { kind: spec.kind, dir: guard.check(spec.dir.trim(), 'dataset') };
}

/** One image of a set as a (possibly shrunk) sample. */
export function sampleImage(set: ImageSet, index: number): SampleImage {
  const [h, w, c] = set.shape;
  const scale = Math.max(1, Math.ceil(Math.max(h, w) / PREVIEW_MAX_SIDE));
  const oh = Math.ceil(h / scale);
  const ow = Math.ceil(w / scale);
  const channels: 1 | 3 = c === 1 ? 1 : 3;
  const out = new Uint8Array(oh * ow * channels);
  const base = index * imageSize(set.shape);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const src = base + (y * scale * w + x * scale) * c;
      for (let ch = 0; ch < channels; ch++) out[(y * ow + x) * channels + ch] = set.images[src + ch];
    }
  }
  return { width: ow, height: oh, channels, pixels: Buffer.from(out).toString('base64') };
}

/** Examples per class of a set. */
export function classCounts(set: ImageSet, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < set.count; i++) counts[set.labels[i]]++;
  return counts;
}

/** The name the worker's loader gives the embedded subset. */
const EMBEDDED_NAME = 'default (Fashion-MNIST subset)';

/** Loads datasets for the host, keeping the last two (a preview is usually followed by a run's results). */
export class DatasetCache {
  private readonly cache = new Map<string, Dataset>();

  /**
   * `embeddedDir`: where the embedded subset is. A bundled host (dist-electron/) cannot locate it from its own
   * URL as the loader does, so the service passes the folder it derives from the repository root.
   */
  constructor(private readonly embeddedDir?: string) {}

  /** Loads `spec` (already resolved); a missing or malformed dataset is a `HostError` naming what is wrong. */
  load(spec: DatasetSpec, inputShape?: readonly number[]): Dataset {
    const key = JSON.stringify([spec, spec.kind === 'folder' ? inputShape : null]);
    const hit = this.cache.get(key);
    if (hit) return hit;
    let data: Dataset;
    try {
      data = spec.kind === 'default' && this.embeddedDir ? { ...loadDataset({ kind: 'idx', dir: this.embeddedDir }), name: EMBEDDED_NAME } : loadDataset(spec, inputShape);
    } catch (err) {
      if (err instanceof DesignError) throw new HostError('not-found', err.message, 'dataset', err.detail);
      throw new HostError('io-error', `could not read the dataset: ${(err as Error)?.message ?? String(err)}`, 'dataset');
    }
    this.cache.set(key, data);
    while (this.cache.size > 2) this.cache.delete(this.cache.keys().next().value!);
    return data;
  }

  /** The preview: `perClass` training samples of each class, and the class balance of both splits. */
  preview(spec: DatasetSpec, perClass: number, inputShape?: readonly number[]): InvokeResponse<'trainingDatasetPreview'> {
    const data = this.load(spec, inputShape);
    const classes = data.classNames.length;
    const taken = new Array<number>(classes).fill(0);
    const samples: InvokeResponse<'trainingDatasetPreview'>['samples'] = [];
    for (let i = 0; i < data.train.count && samples.length < classes * perClass; i++) {
      const label = data.train.labels[i];
      if (taken[label] >= perClass) continue;
      taken[label]++;
      samples.push({ label, image: sampleImage(data.train, i) });
    }
    samples.sort((a, b) => a.label - b.label);
    return { name: data.name, classNames: data.classNames, shape: [...data.train.shape], trainCounts: classCounts(data.train, classes), testCounts: classCounts(data.test, classes), samples };
  }
}
