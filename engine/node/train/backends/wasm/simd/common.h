/*
 * Shared by LayerLoom's WASM SIMD kernels (adam-norm.c, pooling.c, layout.c, conv-grads.c), which
 * scripts/build-simd.js links into one module (clang --target=wasm32 -msimd128, no libc) that imports tfjs-backend-wasm's own
 * memory: every pointer is a byte offset into tfjs's heap and the kernels read and write tensors where they
 * lie. The module must own nothing in that memory: no data segments and no shadow stack (every function keeps
 * its locals in wasm locals, its code never reads the stack-pointer global; the build script checks both).
 * Scratch space, where a kernel needs some, is passed in by the caller.
 *
 * Arithmetic is float32 (the tensors' type) except for long reductions, which add float32 partial sums over
 * blocks of rows into float64 totals.
 */
#ifndef LAYERLOOM_SIMD_COMMON_H
#define LAYERLOOM_SIMD_COMMON_H
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
typedef __SIZE_TYPE__ size_t;

/* Rows per float32 partial sum in the reductions before it joins the float64 total. */
#define SUM_BLOCK 64

#endif
