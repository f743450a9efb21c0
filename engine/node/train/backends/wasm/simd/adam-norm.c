/* Adam's update, BatchNormalization, the bias Sum and ReLU's gradient: one or two streaming passes each. */
#include "common.h"

/*
 * Adam's update of one weight tensor (n elements), tfjs's formula with the bias corrections folded in:
 *   m' = b1·m + a1·g,  v' = b2·v + a2·g²,  x' = x − k1·m' / (k2·√v' + eps)
 * where a1 = 1 − b1, a2 = 1 − b2, k1 = lr / (1 − b1ᵗ), k2 = 1 / √(1 − b2ᵗ). om and ov may be m and v
 * themselves (each element is read before it is written).
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
