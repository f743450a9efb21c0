/**
 * Image folders: one subfolder per class (`cats/…`, `dogs/…`), PNG decoded with `pngjs` and JPEG with `jpeg-js`
 * (both pure JS, installed from npm alone). If the folder holds `train/` and `test/`, each with the class
 * subfolders, those are the splits; otherwise a seeded, per-class fifth of the images is held out as test.
 * Images are resized (bilinear) to the requested size and converted to 1 or 3 channels.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DesignError } from '../../../errors';
import { datasetMissing } from './missing';
import { assertImageWithinBudget, maxImagePixels } from '../../limits';
import { mulberry32, shuffleInPlace } from './random';
import type { Dataset, ImageSet } from './types';

/** A decoded image as RGBA bytes. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Decodes a PNG or JPEG file (by extension) to RGBA; a bad file names itself. The header's dimensions are
 * checked against the image budget first, so a small file declaring a huge image is never decoded.
 */
export function decodeImage(file: string): Rgba {
  const bytes = readFileSync(file);
  const maxPixels = maxImagePixels();
  assertImageWithinBudget(file, bytes, maxPixels);
  try {
    const ext = extname(file).toLowerCase();
    if (ext === '.png') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    }
    // jpeg-js checks again while decoding (a frame header later in the file than the one read above).
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.ceil((maxPixels * 4 * 2) / 1024 ** 2) });
    return { width: img.width, height: img.height, data: img.data };
  } catch (err) {
    throw new DesignError('data-mismatch', `cannot decode image ${file}: ${(err as Error).message}`, 'dataset');
  }
}

/** Bilinear resize of RGBA to `h`×`w`, written into `out` at `offset` with `channels` (1 = luminance, 3 = RGB). */
export function resizeInto(img: Rgba, h: number, w: number, channels: 1 | 3, out: Uint8Array, offset: number): void {
  const sy = img.height / h;
  const sx = img.width / w;
  const px = (x: number, y: number, c: number) => img.data[(y * img.width + x) * 4 + c];
  for (let y = 0; y < h; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(img.height - 1, Math.floor(fy));
    const y1 = Math.min(img.height - 1, y0 + 1);
    const dy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(img.width - 1, Math.floor(fx));
      const x1 = Math.min(img.width - 1, x0 + 1);
      const dx = fx - x0;
      const rgb = [0, 1, 2].map((c) => (px(x0, y0, c) * (1 - dx) + px(x1, y0, c) * dx) * (1 - dy) + (px(x0, y1, c) * (1 - dx) + px(x1, y1, c) * dx) * dy);
      const o = offset + (y * w + x) * channels;
      if (channels === 1) out[o] = Math.round(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
      else for (let c = 0; c < 3; c++) out[o + c] = Math.round(rgb[c]);
    }
  }
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

function listClasses(dir: string): string[] {
  return readdirSync(dir).filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory()).sort();
}

function listFiles(dir: string, classes: string[]): Array<{ file: string; label: number }> {
  const out: Array<{ file: string; label: number }> = [];
  classes.forEach((cls, label) => {
    const classDir = join(dir, cls);
    if (!existsSync(classDir)) return;
    for (const f of readdirSync(classDir).sort()) if (IMAGE_EXT.has(extname(f).toLowerCase())) out.push({ file: join(classDir, f), label });
  });
  return out;
}

function decodeAll(items: Array<{ file: string; label: number }>, shape: [number, number, number]): ImageSet {
  const [h, w, c] = shape;
  const images = new Uint8Array(items.length * h * w * c);
  const labels = new Uint8Array(items.length);
  items.forEach((item, i) => {
    resizeInto(decodeImage(item.file), h, w, c as 1 | 3, images, i * h * w * c);
    labels[i] = item.label;
  });
  return { images, labels, count: items.length, shape };
}

/** Options for `loadFolderDataset`: target size and channels (default: the first image's size, 3 channels). */
export interface FolderOptions {
  size?: [number, number];
  channels?: 1 | 3;
  testFraction?: number;
  seed?: number;
}

/** Loads a folder of class subfolders (see the module comment). */
export function loadFolderDataset(dir: string, options: FolderOptions = {}): Dataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw datasetMissing(dir);
  const split = existsSync(join(dir, 'train')) && existsSync(join(dir, 'test'));
  const trainDir = split ? join(dir, 'train') : dir;
  const classes = listClasses(trainDir);
  if (classes.length < 2) throw new DesignError('data-mismatch', `${trainDir} needs one subfolder per class (found ${classes.length})`, 'dataset');
  let trainItems = listFiles(trainDir, classes);
  let testItems = split ? listFiles(join(dir, 'test'), classes) : [];
  if (trainItems.length === 0) throw new DesignError('data-mismatch', `no .png/.jpg images in the class folders of ${trainDir}`, 'dataset');
  if (!split) {
    const rand = mulberry32(options.seed ?? 1);
    const fraction = options.testFraction ?? 0.2;
    const byClass = classes.map((_, label) => shuffleInPlace(trainItems.filter((t) => t.label === label), rand));
    testItems = byClass.flatMap((items) => items.slice(0, Math.floor(items.length * fraction)));
    trainItems = byClass.flatMap((items) => items.slice(Math.floor(items.length * fraction)));
  }
  const first = decodeImage(trainItems[0].file);
  const [h, w] = options.size ?? [first.height, first.width];
  const shape: [number, number, number] = [h, w, options.channels ?? 3];
  return { name: `folder:${dir}`, train: decodeAll(trainItems, shape), test: decodeAll(testItems, shape), classNames: classes };
}
