/* A first layer's filter gradient read straight from dy, and transposes of the outer axis groups. */
#include "common.h"

/*
 * One register tile of the thin filter gradient: for TAPS taps (t0…) and 16 output channels (c0…),
 * acc[t][c] += Σ_ox patch[ox·T + t] · dy[ox·co + c] over one output row of `ow` positions.
 */
static inline __attribute__((always_inline)) void thin_tile(const float *patch, const float *dyr, float *acc, int ow, int T,
                                                            int co, int t0, int c0, const int TAPS) {
  v128_t a[2][4];
  for (int t = 0; t < TAPS; t++)
    for (int v = 0; v < 4; v++) a[t][v] = wasm_v128_load(acc + (t0 + t) * co + c0 + 4 * v);
  for (int ox = 0; ox < ow; ox++) {
    const float *d = dyr + (size_t)ox * co + c0;
    const v128_t d0 = wasm_v128_load(d), d1 = wasm_v128_load(d + 4), d2 = wasm_v128_load(d + 8), d3 = wasm_v128_load(d + 12);
    for (int t = 0; t < TAPS; t++) {
      const v128_t p = wasm_v128_load32_splat(patch + ox * T + t0 + t);
      a[t][0] = wasm_f32x4_add(a[t][0], wasm_f32x4_mul(p, d0));
      a[t][1] = wasm_f32x4_add(a[t][1], wasm_f32x4_mul(p, d1));
      a[t][2] = wasm_f32x4_add(a[t][2], wasm_f32x4_mul(p, d2));
      a[t][3] = wasm_f32x4_add(a[t][3], wasm_f32x4_mul(p, d3));
    }
  }
  for (int t = 0; t < TAPS; t++)
    for (int v = 0; v < 4; v++) wasm_v128_store(acc + (t0 + t) * co + c0 + 4 * v, a[t][v]);
}

/*
 * Conv2D's filter gradient for thin inputs (a first layer: T = kh·kw·ci taps, few), reading dy once:
 * dw[ky, kx, c, o] = Σ_{b, oy, ox} x[b, oy·sh − top + ky·dh, ox·sw − left + kx·dw, c] · dy[b, oy, ox, o]
 * (zero outside x). Per output row, the row's patches [ow, T] are gathered into scratch (zeros for padding),
 * then tiles of 2 taps × 16 channels run over the row with their sums in registers; float32 sums per image
 * join float64 totals. Needs co a multiple of 16 (the caller checks).
 * scratch: ow·T + T·co floats, then T·co doubles (8-byte aligned when scratch is).
 */
EXPORT(conv_filter_grad_thin)
void conv_filter_grad_thin(const float *x, const float *dy, float *dw, int n, int h, int w, int ci, int oh, int ow, int co,
                           int kh, int kw, int sh, int sw, int dh, int dwd, int top, int left, float *scratch) {
  const int T = kh * kw * ci;
  float *patch = scratch, *acc = scratch + ow * T;
  double *tot = (double *)(acc + T * co + ((ow * T + T * co) & 1));
  for (int i = 0; i < T * co; i++) tot[i] = 0;
  for (int b = 0; b < n; b++) {
    for (int i = 0; i < T * co; i++) acc[i] = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        float *pr = patch + ox * T;
        for (int ky = 0; ky < kh; ky++) {
          const int iy = oy * sh - top + ky * dh;
          for (int kx = 0; kx < kw; kx++) {
            const int ix = ox * sw - left + kx * dwd;
            float *pt = pr + (ky * kw + kx) * ci;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              for (int c = 0; c < ci; c++) pt[c] = 0;
            } else {
              const float *xp = x + (((size_t)b * h + iy) * w + ix) * ci;
              for (int c = 0; c < ci; c++) pt[c] = xp[c];
            }
          }
        }
      }
      const float *dyr = dy + ((size_t)b * oh + oy) * ow * co;
      for (int c0 = 0; c0 < co; c0 += 16) {
        int t0 = 0;
        for (; t0 + 2 <= T; t0 += 2) thin_tile(patch, dyr, acc, ow, T, co, t0, c0, 2);
        if (t0 < T) thin_tile(patch, dyr, acc, ow, T, co, t0, c0, 1);
      }
    }
    for (int i = 0; i < T * co; i++) tot[i] += acc[i];
  }
  for (int i = 0; i < T * co; i++) dw[i] = (float)tot[i];
}

/* One 4×4 block: rows r0…r3 of x at column b, to out rows b…b+3 (stride os) at column a. */
static inline __attribute__((always_inline)) void transpose_4x4(const float *r, size_t xs, float *o, size_t os) {
  const v128_t v0 = wasm_v128_load(r), v1 = wasm_v128_load(r + xs), v2 = wasm_v128_load(r + 2 * xs), v3 = wasm_v128_load(r + 3 * xs);
  const v128_t t0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5);
  const v128_t t2 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);
  wasm_v128_store(o, wasm_i64x2_shuffle(t0, t1, 0, 2));
  wasm_v128_store(o + os, wasm_i64x2_shuffle(t0, t1, 1, 3));
  wasm_v128_store(o + 2 * os, wasm_i64x2_shuffle(t2, t3, 0, 2));
  wasm_v128_store(o + 3 * os, wasm_i64x2_shuffle(t2, t3, 1, 3));
}

/* Tile edge (in both directions) of transpose_outer: each output row gets 64 contiguous bytes per tile. */
#define TILE 16

/*
 * out[b, m, a] = x[a, m, b] for x viewed as [A, M, B]: the first and last axis groups swap, the middle
 * stays (the filter gradients' [N, H, W, C] → [C, H, W, N]; M = 1 is a matrix transpose). 16×16 tiles of
 * 4×4 register blocks (four loads, eight shuffles, four stores), so every output row receives a whole
 * cache line at a time even when the row stride is a large power of two; the edges are scalar.
 */
EXPORT(transpose_outer)
void transpose_outer(const float *x, float *out, int A, int M, int B) {
  const size_t xs = (size_t)M * B, os = (size_t)M * A; /* row strides of x (per a) and of out (per b) */
  const int A4 = A & ~3, B4 = B & ~3;
  for (int m = 0; m < M; m++) {
    const float *xm = x + (size_t)m * B;
    float *om = out + (size_t)m * A;
    for (int a1 = 0; a1 < A4; a1 += TILE) {
      const int a2 = a1 + TILE < A4 ? a1 + TILE : A4;
      for (int b1 = 0; b1 < B4; b1 += TILE) {
        const int b2 = b1 + TILE < B4 ? b1 + TILE : B4;
        for (int a0 = a1; a0 < a2; a0 += 4)
          for (int b0 = b1; b0 < b2; b0 += 4) transpose_4x4(xm + a0 * xs + b0, xs, om + b0 * os + a0, os);
      }
      for (int a0 = a1; a0 < a2; a0++)
        for (int b = B4; b < B; b++) om[b * os + a0] = xm[a0 * xs + b];
    }
    for (int a0 = A4; a0 < A; a0++)
      for (int b = 0; b < B; b++) om[b * os + a0] = xm[a0 * xs + b];
  }
}
