/*
 * Convolutions with many channels as register-tiled implicit GEMMs in WASM SIMD (NHWC, float32): the
 * forward pass, the input gradient and the filter gradient. No im2col and no packed copies: XNNPACK,
 * driven as a convolution, re-packs its whole filter operand on every call (for the filter gradient that
 * operand is all of dy) and multiplies the zeros of the padded full convolution in the input gradient;
 * these loops read x, dy and the filter where they lie, tap by tap, and skip the positions where a tap
 * meets padding. Measured here (one thread, 13×13×32 → 64, batch 128): ~57 GFLOP/s against XNNPACK's ~28.
 *
 * Work is split by filter tap: for tap (kh, kw) the outputs (oh, ow) that read real input form a
 * rectangle, and over that rectangle the tap is one matrix product
 *   forward   y[out]  += x[in] · W[tap]          (K = Ci, N = Co)
 *   input     dx[in]  += dy[out] · W[tap]ᵀ       (K = Co, N = Ci; W[tap]ᵀ passed pre-transposed)
 *   filter    dW[tap] += Σ x[in]ᵀ · dy[out]       (K = positions)
 * with in = (oh·sh + kh·dh − pt, ow·sw + kw·dw − pl). Tiles are 4 positions (or 4 input channels) × 8
 * channels in eight SIMD accumulators. Positions are flattened over a chunk of images so that small maps
 * still fill whole tiles; a chunk's data is sized to stay in the L2 cache.
 *
 * No libc, no globals: the JS caller (conv-simd/index.ts) passes every buffer as an offset into tfjs's heap.
 */
#include "common.h"

#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))

/* Bytes of x + dy a chunk of images may span. */
#define CHUNK_BYTES (192 * 1024)

/* Half-open range [lo, hi) of outputs o in [0, out_len) whose input o·stride + off lies in [0, in_len). */
static void valid_range(int off, int stride, int in_len, int out_len, int *lo, int *hi) {
  int l = off >= 0 ? 0 : (-off + stride - 1) / stride;
  int last = in_len - 1 - off; /* o·stride ≤ last */
  int h = last < 0 ? 0 : last / stride + 1;
  if (h > out_len) h = out_len;
  *lo = l;
  *hi = h < l ? l : h;
}

typedef struct {
  int n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl;
} Conv;

static int images_per_chunk(const Conv *c) {
  long per = 4L * ((long)c->h * c->w * c->ci + (long)c->oh * c->ow * c->co);
  long k = CHUNK_BYTES / (per > 0 ? per : 1);
  return k < 1 ? 1 : k > c->n ? c->n : (int)k;
}

#define ACC_DECL v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00
#define ACC_STEP(v0, v1, v2, v3, b0, b1) \
  a00 = MADD(v0, b0, a00); a01 = MADD(v0, b1, a01); a10 = MADD(v1, b0, a10); a11 = MADD(v1, b1, a11); \
  a20 = MADD(v2, b0, a20); a21 = MADD(v2, b1, a21); a30 = MADD(v3, b0, a30); a31 = MADD(v3, b1, a31)
#define ACC_ADD(p, lo, hi) \
  wasm_v128_store((p), wasm_f32x4_add(wasm_v128_load(p), lo)); \
  wasm_v128_store((p) + 4, wasm_f32x4_add(wasm_v128_load((p) + 4), hi))
/* The 4×8 tile at p (rows `stride` floats apart) += the accumulators. */
#define ACC_ADD_TILE(p, stride) \
  ACC_ADD((p), a00, a01); ACC_ADD((p) + (stride), a10, a11); \
  ACC_ADD((p) + 2 * (stride), a20, a21); ACC_ADD((p) + 3 * (stride), a30, a31)
/* `count` steps of a filter-gradient tile: 4 consecutive floats of x (splat) times 8 of dy, then xp += xinc, dp += dinc. */
#define ACC_RUN(xp, dp, count, xinc, dinc) \
  for (int s_ = 0; s_ < (count); s_++) { \
    v128_t d0 = wasm_v128_load(dp), d1 = wasm_v128_load((dp) + 4); \
    v128_t x0 = wasm_v128_load32_splat(xp), x1 = wasm_v128_load32_splat((xp) + 1); \
    v128_t x2 = wasm_v128_load32_splat((xp) + 2), x3 = wasm_v128_load32_splat((xp) + 3); \
    ACC_STEP(x0, x1, x2, x3, d0, d1); \
    xp += (xinc); \
    dp += (dinc); \
  }

/*
 * One tap of the forward pass (a_in = 1: A indexed by input position, C by output position) or of the
 * input gradient (a_in = 0: the other way round), over images [b0, b1). A rows have K floats, C rows N
 * floats (N % 8 == 0); b is the tap's [K, N] matrix.
 */
/* Always inlined: called through a pointer to the caller's Conv, it would keep that struct on a shadow stack in
 * tfjs's memory (at the same address in every thread). */
static inline __attribute__((always_inline)) void tap_product(const Conv *cv, int a_in, const float *a, const float *bm, float *cm, int k_len,
                               int n_len, int b0, int b1, int th, int tw) {
  int offh = th * cv->dh - cv->pt, offw = tw * cv->dw - cv->pl, r0, r1, c0, c1;
  valid_range(offh, cv->sh, cv->h, cv->oh, &r0, &r1);
  valid_range(offw, cv->sw, cv->w, cv->ow, &c0, &c1);
  if (r0 >= r1 || c0 >= c1) return;
  const int total = (b1 - b0) * (r1 - r0) * (c1 - c0);
  const long in_image = (long)cv->h * cv->w, out_image = (long)cv->oh * cv->ow;
  /* The next position (image, row, column) of the rectangle, advanced one by one: no divisions per tile. */
  int img = b0, r = r0, c = c0;
  for (int q = 0; q < total; q += 4) {
    const float *ap[4];
    float *cp[4];
    int m = total - q < 4 ? total - q : 4;
    for (int i = 0; i < 4; i++) {
      if (i < m) {
        long outp = img * out_image + (long)r * cv->ow + c;
        long inp = img * in_image + (long)(r * cv->sh + offh) * cv->w + c * cv->sw + offw;
        ap[i] = a + (a_in ? inp : outp) * k_len;
        cp[i] = cm + (a_in ? outp : inp) * n_len;
        if (++c == c1) {
          c = c0;
          if (++r == r1) { r = r0; img++; }
        }
      } else { /* a short tile repeats its last position; its stores are skipped */
        ap[i] = ap[i - 1];
        cp[i] = cp[i - 1];
      }
    }
    const float *p0 = ap[0], *p1 = ap[1], *p2 = ap[2], *p3 = ap[3];
    for (int j0 = 0; j0 < n_len; j0 += 8) {
      ACC_DECL;
      const float *bp = bm + j0;
      for (int k = 0; k < k_len; k++) {
        v128_t w0 = wasm_v128_load(bp), w1 = wasm_v128_load(bp + 4);
        v128_t y0 = wasm_v128_load32_splat(p0 + k), y1 = wasm_v128_load32_splat(p1 + k);
        v128_t y2 = wasm_v128_load32_splat(p2 + k), y3 = wasm_v128_load32_splat(p3 + k);
        ACC_STEP(y0, y1, y2, y3, w0, w1);
        bp += n_len;
      }
      ACC_ADD(cp[0] + j0, a00, a01);
      if (m > 1) { ACC_ADD(cp[1] + j0, a10, a11); }
      if (m > 2) { ACC_ADD(cp[2] + j0, a20, a21); }
      if (m > 3) { ACC_ADD(cp[3] + j0, a30, a31); }
    }
  }
}

/* y[N, OH, OW, Co] += conv(x, w[KH, KW, Ci, Co]); y holds its initial value (zeros or the bias). Co % 8 == 0. */
EXPORT(conv_forward)
void conv_forward(const float *x, const float *w, float *y, int n, int h, int wd, int ci, int oh, int ow, int co,
                  int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl) {
  Conv cv = {n, h, wd, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl};
  int chunk = images_per_chunk(&cv);
  for (int b0 = 0; b0 < n; b0 += chunk) {
    int b1 = b0 + chunk < n ? b0 + chunk : n;
    for (int th = 0; th < kh; th++)
      for (int tw = 0; tw < kw; tw++)
        tap_product(&cv, 1, x, w + (long)(th * kw + tw) * ci * co, y, ci, co, b0, b1, th, tw);
  }
}

/* dx[N, H, W, Ci] += the input gradient of dy through wt[KH, KW, Co, Ci] (each tap transposed). Ci % 8 == 0. */
EXPORT(conv_input_grad)
void conv_input_grad(const float *dy, const float *wt, float *dx, int n, int h, int w, int ci, int oh, int ow,
                     int co, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl) {
  Conv cv = {n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl};
  int chunk = images_per_chunk(&cv);
  for (int b0 = 0; b0 < n; b0 += chunk) {
    int b1 = b0 + chunk < n ? b0 + chunk : n;
    for (int th = 0; th < kh; th++)
      for (int tw = 0; tw < kw; tw++)
        tap_product(&cv, 0, dy, wt + (long)(th * kw + tw) * co * ci, dx, co, ci, b0, b1, th, tw);
  }
}

/*
 * dw[KH, KW, Ci, Co] += Σ_{n, oh, ow} x[n, in(oh, ow), ci] · dy[n, oh, ow, co]. Ci % 4 == 0, Co % 8 == 0.
 * Tiles of 4 input channels × 8 output channels stay in registers over a chunk's positions.
 */
static inline void filter_grad(const float *x, const float *dy, float *dwt, int n, int h, int w, int ci, int oh,
                               int ow, int co, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl,
                               int i_lo, int i_hi) {
  Conv cv = {n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl};
  int chunk = images_per_chunk(&cv);
  const long in_image = (long)h * w * ci, out_image = (long)oh * ow * co;
  const int xstep = sw * ci;
  for (int b0 = 0; b0 < n; b0 += chunk) {
    int b1 = b0 + chunk < n ? b0 + chunk : n;
    for (int th = 0; th < kh; th++) {
      int offh = th * dh - pt, r0, r1;
      valid_range(offh, sh, h, oh, &r0, &r1);
      if (r0 >= r1) continue;
      for (int tw = 0; tw < kw; tw++) {
        int offw = tw * dw - pl, c0, c1;
        valid_range(offw, sw, w, ow, &c0, &c1);
        if (c0 >= c1) continue;
        float *tap = dwt + (long)(th * kw + tw) * ci * co;
        for (int i0 = i_lo; i0 < i_hi; i0 += 4) {
          for (int o0 = 0; o0 < co; o0 += 8) {
            ACC_DECL;
            if (c1 - c0 >= b1 - b0) {
              for (int b = b0; b < b1; b++) {
                for (int r = r0; r < r1; r++) {
                  const float *xp = x + b * in_image + ((long)(r * sh + offh) * w + c0 * sw + offw) * ci + i0;
                  const float *dp = dy + b * out_image + ((long)r * ow + c0) * co + o0;
                  ACC_RUN(xp, dp, c1 - c0, xstep, co);
                }
              }
            } else {
              /* Small maps (a tap's rectangle narrower than the chunk): the images are the inner loop. */
              for (int r = r0; r < r1; r++) {
                for (int c = c0; c < c1; c++) {
                  const float *xp = x + b0 * in_image + ((long)(r * sh + offh) * w + c * sw + offw) * ci + i0;
                  const float *dp = dy + b0 * out_image + ((long)r * ow + c) * co + o0;
                  ACC_RUN(xp, dp, b1 - b0, in_image, out_image);
                }
              }
            }
            ACC_ADD_TILE(tap + (long)i0 * co + o0, co);
          }
        }
      }
    }
  }
}

EXPORT(conv_filter_grad)
void conv_filter_grad(const float *x, const float *dy, float *dwt, int n, int h, int w, int ci, int oh, int ow,
                      int co, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl) {
  filter_grad(x, dy, dwt, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, 0, ci);
}

/* The same for input channels [i_lo, i_hi) only (multiples of 4): one thread's share of dW. */
EXPORT(conv_filter_grad_part)
void conv_filter_grad_part(const float *x, const float *dy, float *dwt, int n, int h, int w, int ci, int oh, int ow,
                           int co, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl, int i_lo,
                           int i_hi) {
  filter_grad(x, dy, dwt, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, i_lo, i_hi);
}

/* wt[t, Co, Ci] = w[t, Ci, Co] for each of `taps` filter taps (the input gradient's operand). */
EXPORT(transpose_taps)
void transpose_taps(const float *w, float *wt, int taps, int ci, int co) {
  for (int t = 0; t < taps; t++) {
    const float *src = w + (long)t * ci * co;
    float *dst = wt + (long)t * ci * co;
    for (int i0 = 0; i0 < ci; i0 += 16) {
      int i1 = i0 + 16 < ci ? i0 + 16 : ci;
      for (int o0 = 0; o0 < co; o0 += 16) {
        int o1 = o0 + 16 < co ? o0 + 16 : co;
        for (int i = i0; i < i1; i++)
          for (int o = o0; o < o1; o++) dst[(long)o * ci + i] = src[(long)i * co + o];
      }
    }
  }
}

/* y = max(y, 0) (act 1) or min(max(y, 0), 6) (act 2) over `len` floats, len % 4 == 0. */
EXPORT(activate)
void activate(float *y, int len, int act) {
  v128_t zero = wasm_f32x4_splat(0), six = wasm_f32x4_splat(6);
  for (int i = 0; i < len; i += 4) {
    v128_t v = wasm_f32x4_max(wasm_v128_load(y + i), zero);
    if (act == 2) v = wasm_f32x4_min(v, six);
    wasm_v128_store(y + i, v);
  }
}

/*
 * The filter gradient of a thin input (Ci not a multiple of 4: a 7×7×3 stem) by filter rows: with the horizontal
 * padding already applied to x (x is [N, H, WP, Ci], valid along the width) and dilation 1 along the width, the KW
 * taps of one filter row read KW·Ci consecutive floats of x. dwr[KH, J4, Co] += Σ x-window[j] · dy[co] with j over
 * those KW·Ci floats rounded up to J4 (a multiple of 4; the extra columns read past the window, the caller leaves
 * slack after x and drops them). Co % 8 == 0.
 */
EXPORT(conv_filter_grad_rows)
void conv_filter_grad_rows(const float *x, const float *dy, float *dwr, int n, int h, int wp, int ci, int oh, int ow,
                           int co, int kh, int j4, int sh, int sw, int dh, int pt) {
  Conv cv = {n, h, wp, ci, oh, ow, co, kh, 1, sh, sw, dh, 1, pt, 0};
  int chunk = images_per_chunk(&cv);
  const long in_image = (long)h * wp * ci, out_image = (long)oh * ow * co;
  const int xstep = sw * ci;
  for (int b0 = 0; b0 < n; b0 += chunk) {
    int b1 = b0 + chunk < n ? b0 + chunk : n;
    for (int th = 0; th < kh; th++) {
      int offh = th * dh - pt, r0, r1;
      valid_range(offh, sh, h, oh, &r0, &r1);
      if (r0 >= r1) continue;
      float *row = dwr + (long)th * j4 * co;
      for (int j0 = 0; j0 < j4; j0 += 4) {
        for (int o0 = 0; o0 < co; o0 += 8) {
          ACC_DECL;
          for (int b = b0; b < b1; b++) {
            for (int r = r0; r < r1; r++) {
              const float *xp = x + b * in_image + (long)(r * sh + offh) * wp * ci + j0;
              const float *dp = dy + b * out_image + (long)r * ow * co + o0;
              ACC_RUN(xp, dp, ow, xstep, co);
            }
          }
          ACC_ADD_TILE(row + (long)j0 * co + o0, co);
        }
      }
    }
  }
}
