/**
 * Resource budgets, checked before anything big is allocated: a design whose weights, gradients, optimizer
 * state and activations would not fit the memory budget is refused with the estimate and the budget in the
 * message (the training worker, `layerloom train`, `layerloom export --format tfjs|onnx`); an image whose
 * header declares more pixels than the image budget is refused before it is decoded (decompression bombs).
 *
 * Budgets: `LAYERLOOM_MEMORY_BUDGET` (bytes, or `512MB`, `16GB`; default half of `os.totalmem()`) and
 * `LAYERLOOM_MAX_IMAGE_MEGAPIXELS` (default 64, i.e. 256 MB of RGBA).
 */
import { totalmem } from 'node:os';
import type { DesignAnalysis } from '../analysis/types';
import { DesignError } from '../errors';
import { errorDetailEnglish, formatBytes, MEMORY_BUDGET_ENV, memoryRefusalDetail, type MemoryBudgetSource } from '../messages';

export { formatBytes, MEMORY_BUDGET_ENV };
/** The environment variable that sets the largest image (in megapixels) decoded from a dataset folder. */
export const IMAGE_MEGAPIXELS_ENV = 'LAYERLOOM_MAX_IMAGE_MEGAPIXELS';
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/**
 * Largest model topology file (`model.json`, Keras JSON) read by the app's import and `layerloom import`; checked
 * on the file's size before a byte is read (topologies are small; weights are never read by the importer).
 */
export const MAX_MODEL_FILE_BYTES = 64 * 1024 * 1024;

/** A memory budget and where it came from (for the message). */
export interface MemoryBudget {
  bytes: number;
  source: MemoryBudgetSource;
}

/** The memory budget: `LAYERLOOM_MEMORY_BUDGET` when set (a bad value is an error naming it), else half the machine's memory. */
export function memoryBudget(env: Record<string, string | undefined> = process.env): MemoryBudget {
  const raw = env[MEMORY_BUDGET_ENV]?.trim();
  if (raw) {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(raw);
    const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
    if (!m || unit === undefined || !(Number(m[1]) > 0)) {
      throw new DesignError('invalid-params', `${MEMORY_BUDGET_ENV}=${JSON.stringify(raw)}: expected a size such as 8GB, 512MB or a number of bytes`, MEMORY_BUDGET_ENV);
    }
    return { bytes: Math.floor(Number(m[1]) * unit), source: { setting: raw } };
  }
  const total = totalmem();
  return { bytes: Math.floor(total / 2), source: { machineBytes: total } };
}

/**
 * What a design would need, in bytes, from the analysis' memory model (`engine/analysis/memory.ts`; analyze with
 * the run's batch size): training = weights, gradients, optimizer moments and the batch's activations; export =
 * the model built once for inference plus the serialized copy of its weights.
 */
export function estimateMemory(analysis: Pick<DesignAnalysis, 'totals'>, use: 'train' | 'export'): number {
  const { params, memory } = analysis.totals;
  return use === 'export' ? memory.inferenceBytes + params * 4 : memory.trainingBytes;
}

/** What the memory is needed for: training at a batch size, or an export format. */
export type MemoryPurpose = { use: 'train'; batch: number } | { use: 'export'; format: string };

/**
 * Throws a `DesignError` (path `design`) when the design would not fit the budget, naming the estimate, what it
 * counts and the budget; the error's `detail` says the same by code + values (engine/messages.ts) for the app.
 */
export function assertWithinMemoryBudget(analysis: Pick<DesignAnalysis, 'totals'>, purpose: MemoryPurpose, budget: MemoryBudget = memoryBudget()): void {
  const need = estimateMemory(analysis, purpose.use);
  if (!Number.isFinite(need) || need > budget.bytes) {
    const detail = memoryRefusalDetail(purpose, need, analysis.totals.params, budget);
    throw new DesignError('invalid-graph', errorDetailEnglish(detail), 'design', undefined, detail);
  }
}

/** The largest image decoded from a dataset, in pixels. */
export function maxImagePixels(env: Record<string, string | undefined> = process.env): number {
  const raw = env[IMAGE_MEGAPIXELS_ENV];
  const mp = raw === undefined || raw.trim() === '' ? 64 : Number(raw);
  if (!(mp > 0)) throw new DesignError('invalid-params', `${IMAGE_MEGAPIXELS_ENV}=${JSON.stringify(raw)}: expected a positive number of megapixels`, IMAGE_MEGAPIXELS_ENV);
  return Math.floor(mp * 1_000_000);
}

/** JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic), which carry the dimensions. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * The width and height a PNG (IHDR) or JPEG (start-of-frame) header declares, read without decoding; `null`
 * when the header is missing or cut short (the decoder then names the problem).
 */
export function imageHeaderSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR') {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the segments: each is FF <type> <16-bit length>; bounded by the file length.
    let at = 2;
    while (at + 9 <= bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const type = bytes[at + 1];
      if (type === 0xff) { at++; continue; } // fill byte
      if (type === 0xd8 || type === 0x01 || (type >= 0xd0 && type <= 0xd7)) { at += 2; continue; }
      if (SOF.has(type)) return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      if (type === 0xda || type === 0xd9) return null; // scan data or end before any frame header
      at += 2 + view.getUint16(at + 2);
    }
  }
  return null;
}

/** Throws a `DesignError` naming the file when its header declares more pixels than the budget. */
export function assertImageWithinBudget(file: string, bytes: Uint8Array, maxPixels: number = maxImagePixels()): void {
  const size = imageHeaderSize(bytes);
  if (size && size.width * size.height > maxPixels) {
    throw new DesignError(
      'data-mismatch',
      `image ${file} declares ${size.width}×${size.height} pixels (${(size.width * size.height / 1e6).toFixed(1)} MP), more than the ${(maxPixels / 1e6).toFixed(0)} MP an image may have here; it was not decoded (set ${IMAGE_MEGAPIXELS_ENV} to allow larger images)`,
      'dataset',
    );
  }
}
