/* Max pooling's gradients, and 2×2 max pooling that records its winners. */
#include "common.h"

/* The first maximum of x[q[0..3]] in that order, NaN skipped; -1 when nothing beats -Infinity. */
static int first_max(const float *x, const int *q) {
  float best = -__builtin_inff();
  int at = -1;
  for (int j = 0; j < 4; j++)
    if (x[q[j]] > best) best = x[q[j]], at = q[j];
  return at;
}

/*
 * Four channels of one 2×2 window at p (rows `row` floats apart, columns `c`): m01 / m23 where the right element of
 * the top / bottom row beats the left, mf where the bottom row's winner beats the top's, best the winning values;
 * odd when a lane holds NaN or only -Infinity (those windows take the scalar rule).
 */
typedef struct { v128_t m01, m23, mf, best; int odd; } Window2x2;

static inline __attribute__((always_inline)) Window2x2 window_2x2(const float *p, int c, int row) {
  const v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + c);
  const v128_t v2 = wasm_v128_load(p + row), v3 = wasm_v128_load(p + row + c);
  Window2x2 r;
  r.m01 = wasm_f32x4_gt(v1, v0);
  r.m23 = wasm_f32x4_gt(v3, v2);
  const v128_t w01 = wasm_v128_bitselect(v1, v0, r.m01), w23 = wasm_v128_bitselect(v3, v2, r.m23);
  r.mf = wasm_f32x4_gt(w23, w01);
  r.best = wasm_v128_bitselect(w23, w01, r.mf);
  const v128_t sum = wasm_f32x4_add(wasm_f32x4_add(v0, v1), wasm_f32x4_add(v2, v3));
  const v128_t ninf = wasm_f32x4_splat(-__builtin_inff());
  r.odd = wasm_v128_any_true(wasm_v128_or(wasm_f32x4_ne(sum, sum), wasm_f32x4_eq(r.best, ninf)));
  return r;
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
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        const int p0 = ((b * h + 2 * oy) * w + 2 * ox) * c;
        const float *d = dy + ((b * oh + oy) * ow + ox) * c;
        int ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          const int a = p0 + ch;
          const Window2x2 win = window_2x2(x + a, c, row);
          const v128_t m01 = win.m01, m23 = win.m23, mf = win.mf;
          if (win.odd) {
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
 * MaxPool 2×2 / stride 2 over x [n, h, w, c] (windows inside x: oh = ⌊h/2⌋, ow = ⌊w/2⌋) that also records
 * which element of each window won, so the gradient needs neither x nor y: y is the window's first maximum in
 * scan order (NaN never wins, as tfjs's cpu backend), idx its position 0…3 (255 where nothing beats -Infinity:
 * y = -Infinity and no gradient).
 */
EXPORT(max_pool_2x2_argmax)
void max_pool_2x2_argmax(const float *x, float *y, unsigned char *idx, int n, int h, int w, int c, int oh, int ow) {
  const int row = w * c;
  const v128_t one = wasm_i32x4_splat(1), two = wasm_i32x4_splat(2);
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        const int p0 = ((b * h + 2 * oy) * w + 2 * ox) * c, o0 = ((b * oh + oy) * ow + ox) * c;
        int ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          const int a = p0 + ch;
          const Window2x2 win = window_2x2(x + a, c, row);
          const v128_t m01 = win.m01, m23 = win.m23, mf = win.mf;
          if (win.odd) {
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
          wasm_v128_store(y + o0 + ch, win.best);
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
