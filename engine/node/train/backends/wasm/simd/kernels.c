/*
 * LayerLoom's WASM SIMD kernels for the memory-bound steps of training on tfjs-backend-wasm.
 *
 * Built by scripts/build-simd.js (clang --target=wasm32 -msimd128, no libc) into a module that imports
 * tfjs-backend-wasm's own memory, so every pointer below is a byte offset into tfjs's heap and the kernels
 * read and write tensors in place. The module must own nothing in that memory: no data segments, no
 * globals, and no shadow stack (every function keeps its locals in wasm locals; the build script checks
 * the binary for all three). Scratch space, where a kernel needs some, is passed in by the caller.
 *
 * Arithmetic is float32 (the tensors' type) except for long reductions, which add float32 partial sums
 * over blocks of rows into float64 totals.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
typedef __SIZE_TYPE__ size_t;

/* Rows per float32 partial sum in the reductions before it joins the float64 total. */
#define SUM_BLOCK 64

/*
 * Adam's update of one weight tensor (n elements), tfjs's formula with the bias corrections folded in:
 *   m' = b1·m + a1·g,  v' = b2·v + a2·g²,  x' = x − k1·m' / (k2·√v' + eps)
 * where a1 = 1 − b1, a2 = 1 − b2, k1 = lr / (1 − b1ᵗ), k2 = 1 / √(1 − b2ᵗ).
 */
EXPORT(adam)
void adam(const float *x, const float *m, const float *v, const float *g, float *ox, float *om, float *ov, int n,
          float b1, float b2, float a1, float a2, float k1, float k2, float eps) {
  const v128_t vb1 = wasm_f32x4_splat(b1), vb2 = wasm_f32x4_splat(b2), va1 = wasm_f32x4_splat(a1);
  const v128_t va2 = wasm_f32x4_splat(a2), vk1 = wasm_f32x4_splat(k1), vk2 = wasm_f32x4_splat(k2);
  const v128_t veps = wasm_f32x4_splat(eps);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, va1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), va2));
    wasm_v128_store(om + i, mi);
    wasm_v128_store(ov + i, vi);
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(vk1, mi), wasm_f32x4_add(wasm_f32x4_mul(vk2, wasm_f32x4_sqrt(vi)), veps));
    wasm_v128_store(ox + i, wasm_f32x4_sub(wasm_v128_load(x + i), step));
  }
  for (; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * a1;
    const float vi = v[i] * b2 + gi * gi * a2;
    om[i] = mi;
    ov[i] = vi;
    ox[i] = x[i] - (k1 * mi) / (k2 * __builtin_sqrtf(vi) + eps);
  }
}

/*
 * Per channel k of a and b viewed as [rows, c]: sa[k] = Σ a, sab[k] = Σ a·(b − shift[k]).
 * scratch: 2·c floats.
 */
static void channel_sums(const float *a, const float *b, const float *shift, int rows, int c, double *sa, double *sab,
                         float *scratch) {
  float *fa = scratch, *fab = scratch + c;
  for (int k = 0; k < c; k++) sa[k] = 0, sab[k] = 0;
  for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    const int r1 = rows - r0 < SUM_BLOCK ? rows : r0 + SUM_BLOCK;
    for (int k = 0; k < c; k++) fa[k] = 0, fab[k] = 0;
    for (int r = r0; r < r1; r++) {
      const float *ar = a + (size_t)r * c, *br = b + (size_t)r * c;
      int k = 0;
      for (; k + 4 <= c; k += 4) {
        const v128_t va = wasm_v128_load(ar + k);
        const v128_t vb = wasm_f32x4_sub(wasm_v128_load(br + k), wasm_v128_load(shift + k));
        wasm_v128_store(fa + k, wasm_f32x4_add(wasm_v128_load(fa + k), va));
        wasm_v128_store(fab + k, wasm_f32x4_add(wasm_v128_load(fab + k), wasm_f32x4_mul(va, vb)));
      }
      for (; k < c; k++) {
        fa[k] += ar[k];
        fab[k] += ar[k] * (br[k] - shift[k]);
      }
    }
    for (int k = 0; k < c; k++) sa[k] += fa[k], sab[k] += fab[k];
  }
}

/* out[k] = k1[k]·p[i] + k2[k]·q[i] + k3[k] over [rows, c] (q may be null: no second term). */
static void channel_affine(const float *p, const float *q, const float *k1, const float *k2, const float *k3, float *out,
                           int rows, int c) {
  for (int r = 0; r < rows; r++) {
    const float *pr = p + (size_t)r * c;
    float *o = out + (size_t)r * c;
    int k = 0;
    if (q) {
      const float *qr = q + (size_t)r * c;
      for (; k + 4 <= c; k += 4) {
        const v128_t t = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(k1 + k), wasm_v128_load(pr + k)),
                                        wasm_f32x4_mul(wasm_v128_load(k2 + k), wasm_v128_load(qr + k)));
        wasm_v128_store(o + k, wasm_f32x4_add(t, wasm_v128_load(k3 + k)));
      }
      for (; k < c; k++) o[k] = k1[k] * pr[k] + k2[k] * qr[k] + k3[k];
    } else {
      for (; k + 4 <= c; k += 4) {
        const v128_t t = wasm_f32x4_mul(wasm_v128_load(k1 + k), wasm_v128_load(pr + k));
        wasm_v128_store(o + k, wasm_f32x4_add(t, wasm_v128_load(k3 + k)));
      }
      for (; k < c; k++) o[k] = k1[k] * pr[k] + k3[k];
    }
  }
}

/*
 * Per channel k of x viewed as [rows, c]: s1[k] = Σ (x − shift[k]), s2[k] = Σ (x − shift[k])².
 * scratch: 2·c floats.
 */
static void shifted_sums(const float *x, const float *shift, int rows, int c, double *s1, double *s2, float *scratch) {
  float *f1 = scratch, *f2 = scratch + c;
  for (int k = 0; k < c; k++) s1[k] = 0, s2[k] = 0;
  for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    const int r1 = rows - r0 < SUM_BLOCK ? rows : r0 + SUM_BLOCK;
    for (int k = 0; k < c; k++) f1[k] = 0, f2[k] = 0;
    for (int r = r0; r < r1; r++) {
      const float *xr = x + (size_t)r * c;
      int k = 0;
      for (; k + 4 <= c; k += 4) {
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(shift + k));
        wasm_v128_store(f1 + k, wasm_f32x4_add(wasm_v128_load(f1 + k), d));
        wasm_v128_store(f2 + k, wasm_f32x4_add(wasm_v128_load(f2 + k), wasm_f32x4_mul(d, d)));
      }
      for (; k < c; k++) {
        const float d = xr[k] - shift[k];
        f1[k] += d;
        f2[k] += d * d;
      }
    }
    for (int k = 0; k < c; k++) s1[k] += f1[k], s2[k] += f2[k];
  }
}

/*
 * BatchNormalization forward in training over the last axis of x [rows, c]:
 * mean[k], variance[k] (biased), y = γ·(x − μ)/√(σ² + eps) + β.
 * Two passes for the moments: Σx, then the sums of x − μ₀ and (x − μ₀)² around the first pass's
 * float32 mean μ₀ (so no large sums cancel), σ² = Σ(x − μ₀)²/m − (Σ(x − μ₀)/m)²; a third writes y.
 * scratch: 8·c floats (float64 sums, float32 partial sums, then the per-channel scale and shift).
 */
EXPORT(batch_norm_forward)
void batch_norm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *variance,
                        int rows, int c, float eps, float *scratch) {
  double *s1 = (double *)scratch, *s2 = s1 + c;
  float *fs = scratch + 4 * c, *scale = scratch + 6 * c, *shift = scratch + 7 * c;
  for (int k = 0; k < c; k++) mean[k] = 0;
  shifted_sums(x, mean, rows, c, s1, s2, fs);
  for (int k = 0; k < c; k++) mean[k] = (float)(s1[k] / rows);
  shifted_sums(x, mean, rows, c, s1, s2, fs);
  for (int k = 0; k < c; k++) {
    const double d = s1[k] / rows;
    const double mu = mean[k] + d;
    double var = s2[k] / rows - d * d;
    if (!(var > 0)) var = 0;
    mean[k] = (float)mu;
    variance[k] = (float)var;
    const double a = gamma[k] / __builtin_sqrt(var + eps);
    scale[k] = (float)a;
    shift[k] = (float)(beta[k] - mu * a);
  }
  channel_affine(x, 0, scale, 0, shift, y, rows, c);
}

/*
 * BatchNormalization backward (training, last axis): with r = 1/√(σ² + eps), Σdy and Σdy·(x − μ) per
 * channel, dγ = r·Σdy(x − μ), dβ = Σdy, dx = γr·(dy − Σdy/m − (x − μ)·r²·Σdy(x − μ)/m).
 * scratch: 8·c floats.
 */
EXPORT(batch_norm_backward)
void batch_norm_backward(const float *dy, const float *x, const float *gamma, const float *mean, const float *variance,
                         float *dx, float *dgamma, float *dbeta, int rows, int c, float eps, float *scratch) {
  double *sdy = (double *)scratch, *sdyx = sdy + c;
  float *fs = scratch + 4 * c, *k1 = scratch + 4 * c, *k2 = scratch + 5 * c, *k3 = scratch + 6 * c;
  channel_sums(dy, x, mean, rows, c, sdy, sdyx, fs);
  for (int k = 0; k < c; k++) {
    const double r = 1 / __builtin_sqrt((double)variance[k] + eps);
    const double g = gamma[k];
    const double c2 = -g * r * r * r * sdyx[k] / rows;
    k1[k] = (float)(g * r);
    k2[k] = (float)c2;
    k3[k] = (float)(-g * r * sdy[k] / rows - c2 * mean[k]);
    dgamma[k] = (float)(sdyx[k] * r);
    dbeta[k] = (float)sdy[k];
  }
  channel_affine(dy, x, k1, k2, k3, dx, rows, c);
}

/* out[k] = Σ_r x[r·c + k] (bias gradients: a Sum over the leading axes). scratch: 8·c floats. */
EXPORT(column_sums)
void column_sums(const float *x, int rows, int c, float *out, float *scratch) {
  double *s1 = (double *)scratch, *s2 = s1 + c;
  float *zero = scratch + 4 * c, *fs = scratch + 5 * c;
  for (int k = 0; k < c; k++) zero[k] = 0;
  shifted_sums(x, zero, rows, c, s1, s2, fs); /* s2 (Σx²) is a by-product: the pass is memory-bound anyway */
  for (int k = 0; k < c; k++) out[k] = (float)s1[k];
}

/* The first maximum of x[q[0..3]] in that order, NaN skipped; -1 when nothing beats -Infinity. */
static int first_max(const float *x, const int *q) {
  float best = -__builtin_inff();
  int at = -1;
  for (int j = 0; j < 4; j++)
    if (x[q[j]] > best) best = x[q[j]], at = q[j];
  return at;
}

/*
 * MaxPool's input gradient for 2×2 windows at stride 2 with no padding, every window inside x [n, h, w, c]
 * (dy: [n, oh, ow, c], 2·oh ≤ h, 2·ow ≤ w). Windows are disjoint: each covered element of dx is written once,
 * dy where it is its window's first maximum (scan order, as tfjs's cpu backend), else 0; uncovered edges get 0.
 * A window holding NaN, or only -Infinity, takes the scalar rule: NaN never wins, and nothing beats -Infinity.
 */
EXPORT(max_pool_grad_2x2)
void max_pool_grad_2x2(const float *x, const float *dy, float *dx, int n, int h, int w, int c, int oh, int ow) {
  if (2 * oh != h || 2 * ow != w)
    for (size_t i = 0, e = (size_t)n * h * w * c; i < e; i++) dx[i] = 0;
  const int row = w * c;
  const v128_t ninf = wasm_f32x4_splat(-__builtin_inff());
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        const int p0 = ((b * h + 2 * oy) * w + 2 * ox) * c;
        const float *d = dy + ((b * oh + oy) * ow + ox) * c;
        int ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          const int a = p0 + ch;
          const v128_t v0 = wasm_v128_load(x + a), v1 = wasm_v128_load(x + a + c);
          const v128_t v2 = wasm_v128_load(x + a + row), v3 = wasm_v128_load(x + a + row + c);
          const v128_t m01 = wasm_f32x4_gt(v1, v0), m23 = wasm_f32x4_gt(v3, v2);
          const v128_t w01 = wasm_v128_bitselect(v1, v0, m01), w23 = wasm_v128_bitselect(v3, v2, m23);
          const v128_t mf = wasm_f32x4_gt(w23, w01);
          const v128_t best = wasm_v128_bitselect(w23, w01, mf);
          const v128_t sum = wasm_f32x4_add(wasm_f32x4_add(v0, v1), wasm_f32x4_add(v2, v3));
          const v128_t odd = wasm_v128_or(wasm_f32x4_ne(sum, sum), wasm_f32x4_eq(best, ninf));
          if (wasm_v128_any_true(odd)) {
            for (int j = 0; j < 4; j++) {
              const int q[4] = {a + j, a + j + c, a + j + row, a + j + row + c};
              for (int t = 0; t < 4; t++) dx[q[t]] = 0;
              const int at = first_max(x, q);
              if (at >= 0) dx[at] = d[ch + j];
            }
            continue;
          }
          const v128_t g = wasm_v128_load(d + ch);
          wasm_v128_store(dx + a, wasm_v128_andnot(wasm_v128_andnot(g, m01), mf));
          wasm_v128_store(dx + a + c, wasm_v128_andnot(wasm_v128_and(g, m01), mf));
          wasm_v128_store(dx + a + row, wasm_v128_and(wasm_v128_andnot(g, m23), mf));
          wasm_v128_store(dx + a + row + c, wasm_v128_and(wasm_v128_and(g, m23), mf));
        }
        for (; ch < c; ch++) {
          const int a = p0 + ch;
          const int q[4] = {a, a + c, a + row, a + row + c};
          for (int t = 0; t < 4; t++) dx[q[t]] = 0;
          const int at = first_max(x, q);
          if (at >= 0) dx[at] = d[ch];
        }
      }
    }
  }
}

/*
 * MaxPool's input gradient, any window, stride and padding (top/left: padding before the first row/column),
 * x [n, h, w, c], dy [n, oh, ow, c]: dy is added at each window's first maximum (scan order; NaN never
 * wins; nothing when every element is -Infinity). Four channels at a time keep their running maximum and
 * its index in vectors.
 */
EXPORT(max_pool_grad)
void max_pool_grad(const float *x, const float *dy, float *dx, int n, int h, int w, int c, int oh, int ow, int fh, int fw,
                   int sh, int sw, int top, int left) {
  for (size_t i = 0, e = (size_t)n * h * w * c; i < e; i++) dx[i] = 0;
  const v128_t ninf = wasm_f32x4_splat(-__builtin_inff()), lanes = wasm_i32x4_make(0, 1, 2, 3);
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      const int y0 = oy * sh - top;
      const int ys = y0 < 0 ? 0 : y0, ye = y0 + fh > h ? h : y0 + fh;
      for (int ox = 0; ox < ow; ox++) {
        const int x0 = ox * sw - left;
        const int xs = x0 < 0 ? 0 : x0, xe = x0 + fw > w ? w : x0 + fw;
        const float *d = dy + ((b * oh + oy) * ow + ox) * c;
        int ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          v128_t best = ninf, arg = wasm_i32x4_splat(-1);
          for (int y = ys; y < ye; y++) {
            for (int xx = xs; xx < xe; xx++) {
              const int base = ((b * h + y) * w + xx) * c + ch;
              const v128_t v = wasm_v128_load(x + base);
              const v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              arg = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(base), lanes), arg, gt);
            }
          }
          int at;
          if ((at = wasm_i32x4_extract_lane(arg, 0)) >= 0) dx[at] += d[ch];
          if ((at = wasm_i32x4_extract_lane(arg, 1)) >= 0) dx[at] += d[ch + 1];
          if ((at = wasm_i32x4_extract_lane(arg, 2)) >= 0) dx[at] += d[ch + 2];
          if ((at = wasm_i32x4_extract_lane(arg, 3)) >= 0) dx[at] += d[ch + 3];
        }
        for (; ch < c; ch++) {
          float best = -__builtin_inff();
          int at = -1;
          for (int y = ys; y < ye; y++)
            for (int xx = xs; xx < xe; xx++) {
              const int q = ((b * h + y) * w + xx) * c + ch;
              if (x[q] > best) best = x[q], at = q;
            }
          if (at >= 0) dx[at] += d[ch];
        }
      }
    }
  }
}

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

/*
 * ReLU's gradient in one pass: out = dy · step(x), step as tfjs's (1 where x > 0, NaN where x is NaN, else 0),
 * so dy·0 keeps its sign and NaN rules. (tfjs's gradient runs Step, Cast and Multiply: three passes.)
 */
EXPORT(relu_grad)
void relu_grad(const float *dy, const float *x, float *out, int n) {
  const v128_t zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t xv = wasm_v128_load(x + i);
    const v128_t s = wasm_v128_bitselect(xv, wasm_v128_and(one, wasm_f32x4_gt(xv, zero)), wasm_f32x4_ne(xv, xv));
    wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(dy + i), s));
  }
  for (; i < n; i++) out[i] = dy[i] * (x[i] != x[i] ? x[i] : x[i] > 0 ? 1.0f : 0.0f);
}

/*
 * MaxPool 2×2 / stride 2 over x [n, h, w, c] (windows inside x: oh = ⌊h/2⌋, ow = ⌊w/2⌋) that also records
 * which element of each window won, so the gradient needs neither x nor y: y is the window's first maximum in
 * scan order (NaN never wins, as tfjs's cpu backend), idx its position 0…3 (255 where nothing beats -Infinity:
 * y = -Infinity and no gradient).
 */
EXPORT(max_pool_2x2_argmax)
void max_pool_2x2_argmax(const float *x, float *y, unsigned char *idx, int n, int h, int w, int c, int oh, int ow) {
  const int row = w * c;
  const v128_t ninf = wasm_f32x4_splat(-__builtin_inff()), one = wasm_i32x4_splat(1), two = wasm_i32x4_splat(2);
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        const int p0 = ((b * h + 2 * oy) * w + 2 * ox) * c, o0 = ((b * oh + oy) * ow + ox) * c;
        int ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          const int a = p0 + ch;
          const v128_t v0 = wasm_v128_load(x + a), v1 = wasm_v128_load(x + a + c);
          const v128_t v2 = wasm_v128_load(x + a + row), v3 = wasm_v128_load(x + a + row + c);
          const v128_t m01 = wasm_f32x4_gt(v1, v0), m23 = wasm_f32x4_gt(v3, v2);
          const v128_t w01 = wasm_v128_bitselect(v1, v0, m01), w23 = wasm_v128_bitselect(v3, v2, m23);
          const v128_t mf = wasm_f32x4_gt(w23, w01);
          const v128_t best = wasm_v128_bitselect(w23, w01, mf);
          const v128_t sum = wasm_f32x4_add(wasm_f32x4_add(v0, v1), wasm_f32x4_add(v2, v3));
          if (wasm_v128_any_true(wasm_v128_or(wasm_f32x4_ne(sum, sum), wasm_f32x4_eq(best, ninf)))) {
            for (int j = 0; j < 4; j++) {
              const int q[4] = {a + j, a + j + c, a + j + row, a + j + row + c};
              float top = -__builtin_inff();
              int at = 255;
              for (int t = 0; t < 4; t++)
                if (x[q[t]] > top) top = x[q[t]], at = t;
              y[o0 + ch + j] = top;
              idx[o0 + ch + j] = (unsigned char)at;
            }
            continue;
          }
          wasm_v128_store(y + o0 + ch, best);
          /* position: 2·(second row won) + (right column won within the winning row) */
          const v128_t col = wasm_v128_bitselect(wasm_v128_and(m23, one), wasm_v128_and(m01, one), mf);
          const v128_t pos = wasm_i32x4_add(wasm_v128_and(mf, two), col);
          const v128_t bytes = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(pos, pos), wasm_i16x8_narrow_i32x4(pos, pos));
          wasm_v128_store32_lane(idx + o0 + ch, bytes, 0);
        }
        for (; ch < c; ch++) {
          const int a = p0 + ch;
          const int q[4] = {a, a + c, a + row, a + row + c};
          float top = -__builtin_inff();
          int at = 255;
          for (int t = 0; t < 4; t++)
            if (x[q[t]] > top) top = x[q[t]], at = t;
          y[o0 + ch] = top;
          idx[o0 + ch] = (unsigned char)at;
        }
      }
    }
  }
}

/* The gradient of max_pool_2x2_argmax: dy [n, oh, ow, c] to the recorded positions of dx [n, h, w, c], 0 elsewhere. */
EXPORT(max_pool_2x2_argmax_grad)
void max_pool_2x2_argmax_grad(const float *dy, const unsigned char *idx, float *dx, int n, int h, int w, int c, int oh, int ow) {
  if (2 * oh != h || 2 * ow != w)
    for (size_t i = 0, e = (size_t)n * h * w * c; i < e; i++) dx[i] = 0;
  const int row = w * c;
  const v128_t k0 = wasm_i32x4_splat(0), k1 = wasm_i32x4_splat(1), k2 = wasm_i32x4_splat(2), k3 = wasm_i32x4_splat(3);
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        const int p0 = ((b * h + 2 * oy) * w + 2 * ox) * c, o0 = ((b * oh + oy) * ow + ox) * c;
        int ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          const v128_t g = wasm_v128_load(dy + o0 + ch);
          const v128_t k = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(idx + o0 + ch)));
          float *d = dx + p0 + ch;
          wasm_v128_store(d, wasm_v128_and(g, wasm_i32x4_eq(k, k0)));
          wasm_v128_store(d + c, wasm_v128_and(g, wasm_i32x4_eq(k, k1)));
          wasm_v128_store(d + row, wasm_v128_and(g, wasm_i32x4_eq(k, k2)));
          wasm_v128_store(d + row + c, wasm_v128_and(g, wasm_i32x4_eq(k, k3)));
        }
        for (; ch < c; ch++) {
          const int k = idx[o0 + ch];
          const float g = dy[o0 + ch];
          float *d = dx + p0 + ch;
          d[0] = k == 0 ? g : 0, d[c] = k == 1 ? g : 0, d[row] = k == 2 ? g : 0, d[row + c] = k == 3 ? g : 0;
        }
      }
    }
  }
}
