/**
 * WGSL programs for the convolution gradients as tiled GEMMs, in tfjs-backend-webgpu's program format
 * (`WebGPUProgram`: tfjs prepends the bindings — `result`, one `array<f32>` per variable name, `uniforms` —
 * and calls our `main()` from its `_start` entry point).
 *
 * One GEMM core serves both gradients: a 16×16 workgroup computes a TM×TN tile of C = A·B (TM, TN ∈ 16, 32, 64
 * by the matrix's size; each thread a RM×RN block, rows and columns strided by 16 so neighbouring threads touch neighbouring shared-memory words),
 * staging TK-deep slices of A and B in workgroup memory. The operands are never materialized: `mmReadA` /
 * `mmReadB` compute the im2col element (or the transposed-convolution element) from the tensors on the fly
 * (an implicit GEMM).
 *
 * - filter gradient: C[M = kh·kw·ci, N = co] = Σ_K im2col(x)[m, k] · dy[k, n] over K = batch·outH·outW. K is
 *   long and M·N short, so the K range is split (split-K): workgroup z accumulates one K chunk into its own
 *   slice of a [S, M, N] partial-sum buffer, and `SplitKReduceProgram` adds the S slices.
 * - input gradient: C[M = batch·inH·inW, N = ci] = Σ_K dy'[m, k] · W[k, n] over K = kh·kw·co, where dy'[m, k]
 *   is dy at the output pixel that input pixel m touches through filter tap (kh, kw), or 0 when none does.
 */

/** The program shape tfjs-backend-webgpu's `runWebGPUProgram` expects (its `WebGPUProgram` interface). */
export interface GpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

/** Convolution geometry the gradient programs need (NHWC, filter [kh, kw, ci, co]). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

const TK = 16;
/** Threads per workgroup along each of its two axes. */
const WG = 16;

/** Tile size for a GEMM side of `n`: the smallest of 16, 32, 64 that covers it (64 beyond), so small sides waste little. */
export function tileSide(n: number): number {
  return n <= 16 ? 16 : n <= 32 ? 32 : 64;
}

/**
 * The GEMM core. `aKFast`/`bKFast` choose which index varies fastest across threads while a tile is staged,
 * so that consecutive threads read consecutive addresses of the underlying tensor (coalesced loads).
 */
function gemmCore(tm: number, tn: number, aKFast: boolean, bKFast: boolean): string {
  const rm = tm / WG;
  const rn = tn / WG;
  const threads = WG * WG;
  const idx = (kFast: boolean, width: number) =>
    kFast ? `let kk = e % ${TK}; let mm = e / ${TK};` : `let kk = e / ${width}; let mm = e % ${width};`;
  return `
  var<workgroup> tileA : array<f32, ${TK * tm}>;
  var<workgroup> tileB : array<f32, ${TK * tn}>;

  fn main() {
    let tx = i32(localId.x);
    let ty = i32(localId.y);
    let tid = ty * ${WG} + tx;
    let row0 = i32(workgroupId.y) * ${tm};
    let col0 = i32(workgroupId.x) * ${tn};
    let split = i32(workgroupId.z);
    let kBegin = split * uniforms.kChunk;
    let kEnd = min(uniforms.dimK, kBegin + uniforms.kChunk);
    var acc : array<f32, ${rm * rn}>;
    for (var i = 0; i < ${rm * rn}; i++) { acc[i] = 0.0; }
    // The trip count is a uniform, as workgroupBarrier() requires; the K bounds are checked in the loads.
    for (var t = 0; t < uniforms.tilesPerSplit; t++) {
      let k0 = kBegin + t * ${TK};
      for (var i = 0; i < ${Math.max(1, (TK * tm) / threads)}; i++) {
        let e = tid + i * ${threads};
        ${idx(aKFast, tm)}
        let k = k0 + kk;
        let m = row0 + mm;
        var v = 0.0;
        if (k < kEnd && m < uniforms.dimM) { v = mmReadA(m, k); }
        tileA[kk * ${tm} + mm] = v;
      }
      for (var i = 0; i < ${Math.max(1, (TK * tn) / threads)}; i++) {
        let e = tid + i * ${threads};
        ${idx(bKFast, tn)}
        let k = k0 + kk;
        let n = col0 + mm;
        var v = 0.0;
        if (k < kEnd && n < uniforms.dimN) { v = mmReadB(k, n); }
        tileB[kk * ${tn} + mm] = v;
      }
      workgroupBarrier();
      for (var kk = 0; kk < ${TK}; kk++) {
        var a : array<f32, ${rm}>;
        var b : array<f32, ${rn}>;
        for (var r = 0; r < ${rm}; r++) { a[r] = tileA[kk * ${tm} + ty + r * ${WG}]; }
        for (var c = 0; c < ${rn}; c++) { b[c] = tileB[kk * ${tn} + tx + c * ${WG}]; }
        for (var r = 0; r < ${rm}; r++) {
          for (var c = 0; c < ${rn}; c++) { acc[r * ${rn} + c] = fma(a[r], b[c], acc[r * ${rn} + c]); }
        }
      }
      workgroupBarrier();
    }
    for (var r = 0; r < ${rm}; r++) {
      for (var c = 0; c < ${rn}; c++) {
        let row = row0 + ty + r * ${WG};
        let col = col0 + tx + c * ${WG};
        if (row < uniforms.dimM && col < uniforms.dimN) {
          result[(split * uniforms.dimM + row) * uniforms.dimN + col] = acc[r * ${rn} + c];
        }
      }
    }
  }`;
}

const GEOMETRY_UNIFORMS =
  'dimM : i32, dimN : i32, dimK : i32, kChunk : i32, tilesPerSplit : i32, ' +
  'inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, outC : i32, kW : i32, ' +
  'strideH : i32, strideW : i32, dilationH : i32, dilationW : i32, padTop : i32, padLeft : i32,';

/** The uniform values in `GEOMETRY_UNIFORMS` order (all int32). */
export function geometryUniforms(g: ConvGeometry, dims: { m: number; n: number; k: number; kChunk: number }): Array<{ type: 'int32'; data: number[] }> {
  return [
    dims.m, dims.n, dims.k, dims.kChunk, Math.ceil(dims.kChunk / TK),
    g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kW,
    g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft,
  ].map((v) => ({ type: 'int32' as const, data: [v] }));
}

/** How the filter gradient's K range is split. */
export interface SplitPlan {
  splits: number;
  kChunk: number;
}

/**
 * Chooses the split-K factor: enough workgroups to fill a large GPU (about `targetWorkgroups`) while every
 * chunk keeps at least `minChunk` of K and the partial sums (S·M·N floats) stay under `maxPartial`.
 */
export function planSplitK(m: number, n: number, k: number, targetWorkgroups = 1024, minChunk = 256, maxPartial = 1 << 22): SplitPlan {
  const tiles = Math.ceil(m / tileSide(m)) * Math.ceil(n / tileSide(n));
  const want = Math.max(1, Math.min(Math.ceil(targetWorkgroups / tiles), Math.floor(k / minChunk), Math.floor(maxPartial / (m * n))));
  const kChunk = Math.ceil(k / want / TK) * TK;
  return { splits: Math.ceil(k / kChunk), kChunk };
}

/** Partial filter gradients [S, kh·kw·ci, co] (S = 1: the gradient itself, filter layout). */
export class ConvFilterGradProgram implements GpuProgram {
  variableNames = ['x', 'dy'];
  uniforms = GEOMETRY_UNIFORMS;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WG, WG, 1];
  private readonly tm: number;
  private readonly tn: number;

  /** `filterShape` is the output's shape when there is one split (no reduce pass follows). */
  constructor(m: number, n: number, plan: SplitPlan, filterShape: number[]) {
    this.tm = tileSide(m);
    this.tn = tileSide(n);
    this.outputShape = plan.splits === 1 ? filterShape : [plan.splits, m, n];
    this.dispatch = [Math.ceil(n / this.tn), Math.ceil(m / this.tm), plan.splits];
    this.shaderKey = `layerloomConvFilterGrad_${this.tm}_${this.tn}`;
  }

  getUserCode(): string {
    return `
  fn mmReadA(m : i32, k : i32) -> f32 {
    // m = (kh·kW + kw)·inC + ci, k = (b·outH + oh)·outW + ow
    let ci = m % uniforms.inC;
    let tap = m / uniforms.inC;
    let kh = tap / uniforms.kW;
    let kw = tap - kh * uniforms.kW;
    let ow = k % uniforms.outW;
    let bo = k / uniforms.outW;
    let oh = bo % uniforms.outH;
    let b = bo / uniforms.outH;
    let ih = oh * uniforms.strideH - uniforms.padTop + kh * uniforms.dilationH;
    let iw = ow * uniforms.strideW - uniforms.padLeft + kw * uniforms.dilationW;
    if (ih < 0 || ih >= uniforms.inH || iw < 0 || iw >= uniforms.inW) { return 0.0; }
    return x[((b * uniforms.inH + ih) * uniforms.inW + iw) * uniforms.inC + ci];
  }
  fn mmReadB(k : i32, n : i32) -> f32 {
    return dy[k * uniforms.outC + n];
  }
  ${gemmCore(this.tm, this.tn, false, false)}`;
  }
}

/** The input gradient [batch, inH, inW, ci] as one implicit GEMM (no split). */
export class ConvInputGradProgram implements GpuProgram {
  variableNames = ['dy', 'W'];
  uniforms = GEOMETRY_UNIFORMS;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WG, WG, 1];
  private readonly tm: number;
  private readonly tn: number;

  constructor(g: ConvGeometry) {
    const m = g.batch * g.inH * g.inW;
    this.tm = tileSide(m);
    this.tn = tileSide(g.inC);
    this.outputShape = [g.batch, g.inH, g.inW, g.inC];
    this.dispatch = [Math.ceil(g.inC / this.tn), Math.ceil(m / this.tm), 1];
    this.shaderKey = `layerloomConvInputGrad_${this.tm}_${this.tn}`;
  }

  getUserCode(): string {
    return `
  fn mmReadA(m : i32, k : i32) -> f32 {
    // m = (b·inH + ih)·inW + iw, k = (kh·kW + kw)·outC + co
    let co = k % uniforms.outC;
    let tap = k / uniforms.outC;
    let kh = tap / uniforms.kW;
    let kw = tap - kh * uniforms.kW;
    let iw = m % uniforms.inW;
    let bi = m / uniforms.inW;
    let ih = bi % uniforms.inH;
    let b = bi / uniforms.inH;
    let ohs = ih + uniforms.padTop - kh * uniforms.dilationH;
    let ows = iw + uniforms.padLeft - kw * uniforms.dilationW;
    if (ohs < 0 || ows < 0) { return 0.0; }
    let oh = ohs / uniforms.strideH;
    let ow = ows / uniforms.strideW;
    if (oh * uniforms.strideH != ohs || ow * uniforms.strideW != ows || oh >= uniforms.outH || ow >= uniforms.outW) { return 0.0; }
    return dy[((b * uniforms.outH + oh) * uniforms.outW + ow) * uniforms.outC + co];
  }
  fn mmReadB(k : i32, n : i32) -> f32 {
    let co = k % uniforms.outC;
    let tap = k / uniforms.outC;
    return W[(tap * uniforms.inC + n) * uniforms.outC + co];
  }
  ${gemmCore(this.tm, this.tn, true, true)}`;
  }
}

/** Sums the S slices of a [S, ...] partial buffer into `outputShape`. */
export class SplitKReduceProgram implements GpuProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32,';
  outputShape: number[];
  shaderKey = 'layerloomSplitKReduce';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const n = outputShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(n / 64), 1, 1];
  }

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index < uniforms.size) {
      var s = 0.0;
      for (var i = 0; i < uniforms.splits; i++) { s += partial[i * uniforms.size + index]; }
      result[index] = s;
    }
  }`;
  }
}
