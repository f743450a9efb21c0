/**
 * Test support: seeded generators of hostile inputs — design documents, Keras/tfjs model.json files, ONNX
 * files, IDX and CIFAR-10 files, PNG and JPEG images — each a mutation of a real, valid input (so the loaders
 * get past their first check) or plain garbage. Everything is reproducible from the seed.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { mulberry32 } from '../train/data/random';

/** A seeded random source with the picks the mutators need. */
export class Rand {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Values that break naive code: wrong types, extremes, unicode, prototype keys, deep nesting. */
export function hostileValue(r: Rand): unknown {
  const deep = (depth: number): unknown => (depth === 0 ? 1 : { a: deep(depth - 1) });
  const pool: (() => unknown)[] = [
    () => null, () => -1, () => 0, () => 1e308, () => -1e308, () => 2 ** 53 + 1, () => 1.5, () => 'NaN', () => 'Infinity',
    () => '-Infinity', () => '', () => '𝕏\u202e\u0000💥', () => true, () => [], () => {}, () => [[[[]]]], () => ({ __proto__: { polluted: true } }),
    () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'), () => deep(200),
    () => 'x'.repeat(r.chance(0.05) ? 10_000_000 : 5000), () => [1, 2, 3, 4, 5, 6, 7, 8], () => -0, () => [-1, -1],
  ];
  return r.pick(pool)();
}

/** Every path to a value inside `value` (object keys and array indices). */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 12 || value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(p);
    paths(v, p, out, depth + 1);
  }
  return out;
}

/** A deep copy of `value` with 1–4 random edits: a value replaced by a hostile one, a key deleted, an array item duplicated. */
export function mutateJson(value: unknown, r: Rand): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  for (let i = 1 + r.int(4); i > 0; i--) {
    // Paths are taken afresh: an earlier edit may have removed or replaced a subtree.
    const all = paths(copy);
    if (!all.length) break;
    const p = r.pick(all);
    let parent: Record<string | number, unknown> | undefined = copy;
    for (const key of p.slice(0, -1)) parent = parent?.[key] as Record<string | number, unknown> | undefined;
    if (!parent || typeof parent !== 'object') continue;
    const last = p[p.length - 1];
    const action = r.int(4);
    if (action === 0) delete parent[last];
    else if (action === 1 && Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(parent[last as number] ?? null)));
    else parent[last] = hostileValue(r);
  }
  return copy;
}

/** Text that is not quite JSON: truncated, with a byte flipped, or random. */
export function brokenText(text: string, r: Rand): string {
  switch (r.int(3)) {
    case 0: return text.slice(0, r.int(text.length));
    case 1: {
      const i = r.int(text.length);
      return text.slice(0, i) + String.fromCharCode(r.int(256)) + text.slice(i + 1);
    }
    default: return Array.from({ length: 1 + r.int(200) }, () => String.fromCharCode(r.int(128))).join('');
  }
}

/** Bytes with some flipped, cut short, or with a chunk repeated. */
export function mutateBytes(bytes: Uint8Array, r: Rand): Uint8Array {
  const out = new Uint8Array(bytes);
  switch (r.int(4)) {
    case 0: return out.subarray(0, r.int(out.length));
    case 1: {
      for (let i = 1 + r.int(8); i > 0; i--) out[r.int(out.length)] = r.int(256);
      return out;
    }
    case 2: {
      // Header fields: the first bytes carry magic numbers, sizes and counts.
      for (let i = 1 + r.int(4); i > 0; i--) out[r.int(Math.min(32, out.length))] = r.int(256);
      return out;
    }
    default: {
      const cut = r.int(out.length);
      const merged = new Uint8Array(out.length + cut);
      merged.set(out);
      merged.set(out.subarray(0, cut), out.length);
      return merged;
    }
  }
}

/** A small valid PNG (w×h, RGBA noise). */
export function pngBytes(w: number, h: number, r: Rand): Uint8Array {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < png.data.length; i++) png.data[i] = r.int(256);
  return new Uint8Array(PNG.sync.write(png));
}

/** A PNG whose header claims `w`×`h` (a decompression bomb when large) with a tiny body. */
export function pngClaiming(w: number, h: number, r: Rand): Uint8Array {
  const bytes = pngBytes(2, 2, r);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(16, w);
  view.setUint32(20, h);
  return bytes;
}

/** A small valid JPEG. */
export function jpegBytes(w: number, h: number, r: Rand): Uint8Array {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = r.int(256);
  return new Uint8Array(jpeg.encode({ data, width: w, height: h }, 80).data);
}
