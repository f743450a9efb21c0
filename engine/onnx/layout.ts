/**
 * Channels-last (LayerLoom, tfjs, Keras: `[h, w, c]`) <-> channels-first (ONNX, PyTorch: `[c, h, w]`) layouts.
 * Shapes here are without the batch axis unless a name says "batched"; ONNX tensors always carry the batch.
 */

/** A design shape (channels last, no batch) as the ONNX shape without the batch: `[h, w, c]` -> `[c, h, w]`. */
export function channelsFirstShape(shape: readonly number[]): number[] {
  return shape.length <= 1 ? [...shape] : [shape[shape.length - 1], ...shape.slice(0, -1)];
}

/** An ONNX shape without the batch (channels first) as a design shape: `[c, h, w]` -> `[h, w, c]`. */
export function channelsLastShape(shape: readonly number[]): number[] {
  return shape.length <= 1 ? [...shape] : [...shape.slice(1), shape[0]];
}

/** Transpose perm (batched) taking a channels-last tensor of unbatched rank `r` to channels first. */
export function toChannelsFirstPerm(r: number): number[] {
  return r <= 1 ? [0, 1].slice(0, r + 1) : [0, r, ...Array.from({ length: r - 1 }, (_, i) => i + 1)];
}

/** Transpose perm (batched) taking a channels-first tensor of unbatched rank `r` to channels last. */
export function toChannelsLastPerm(r: number): number[] {
  return r <= 1 ? [0, 1].slice(0, r + 1) : [0, ...Array.from({ length: r - 1 }, (_, i) => i + 2), 1];
}

/** A Keras axis (batched, channels last, negative from the end) of an unbatched rank-`r` tensor -> the ONNX axis. */
export function onnxAxis(kerasAxis: number, r: number): number {
  const b = kerasAxis < 0 ? r + 1 + kerasAxis : kerasAxis;
  if (b < 1 || b > r) throw new Error(`axis ${kerasAxis} is out of range for a rank-${r} tensor (or is the batch axis)`);
  if (r === 1) return 1;
  return b === r ? 1 : b + 1;
}

/** Row-major strides of a shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/**
 * Transposes row-major `data` of shape `dims` by `perm` (output axis i is input axis perm[i]), as ONNX
 * Transpose and numpy.transpose do. Used for weights and test tensors.
 */
export function transpose(data: Float32Array, dims: readonly number[], perm: readonly number[]): { dims: number[]; data: Float32Array } {
  const outDims = perm.map((p) => dims[p]);
  const inStrides = stridesOf(dims);
  const stepIn = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const r = dims.length;
  const idx = new Array<number>(r).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src];
    // Odometer over the output index, moving the source offset by the permuted strides.
    for (let a = r - 1; a >= 0; a--) {
      idx[a]++;
      src += stepIn[a];
      if (idx[a] < outDims[a]) break;
      src -= stepIn[a] * idx[a];
      idx[a] = 0;
    }
  }
  return { dims: outDims, data: out };
}

/**
 * For an unbatched channels-last shape, the index map `m` with `m[i]` = the position (in the channels-first
 * flat order) of the element at channels-last flat position `i`.
 */
export function channelsLastToFirstIndex(shape: readonly number[]): Int32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Int32Array(n);
  if (shape.length <= 1) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const first = channelsFirstShape(shape);
  const fStrides = stridesOf(first);
  const r = shape.length;
  // Channels-last axis a < r-1 is channels-first axis a+1; the channel axis (r-1) is axis 0.
  const step = shape.map((_, a) => (a === r - 1 ? fStrides[0] : fStrides[a + 1]));
  const idx = new Array<number>(r).fill(0);
  let dst = 0;
  for (let i = 0; i < n; i++) {
    out[i] = dst;
    for (let a = r - 1; a >= 0; a--) {
      idx[a]++;
      dst += step[a];
      if (idx[a] < shape[a]) break;
      dst -= step[a] * idx[a];
      idx[a] = 0;
    }
  }
  return out;
}
