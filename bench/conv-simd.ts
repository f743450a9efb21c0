/**
 * `npx tsx bench/conv-simd.ts [--network cnn|resnet18|all] [--rounds 7] [--threads 1] [--only <name part>]`
 *
 * Times the convolution and matmul kernels of a training step with LayerLoom's SIMD kernels (`conv-simd/`) against
 * the XNNPACK-based paths they replace, in the same process, alternating A/B each round with fresh tensors every
 * call (XNNPACK caches packed operators per filter tensor), and prints the median ms of each and their ratio.
 * Shapes are the reference CNN's conv2/dense layers and ResNet-18's at 32×32, batch 128 and 64.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmTraining } from '../engine/node/train/backends/wasm/index';
import { setConvSimd } from '../engine/node/train/backends/wasm/conv-simd/index';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
type S4 = [number, number, number, number];
interface Case { net: string; name: string; x: S4; f: S4; stride: number; pad: 'same' | 'valid' }
const cases: Case[] = [
  { net: 'cnn', name: 'conv2 13×13×32→64', x: [128, 13, 13, 32], f: [3, 3, 32, 64], stride: 1, pad: 'valid' },
  { net: 'resnet18', name: 'stem 7×7×3→64 s2 (38×38 padded)', x: [64, 38, 38, 3], f: [7, 7, 3, 64], stride: 2, pad: 'valid' },
  { net: 'resnet18', name: '8×8×64→64', x: [64, 8, 8, 64], f: [3, 3, 64, 64], stride: 1, pad: 'same' },
  { net: 'resnet18', name: '8×8×64→128 s2', x: [64, 8, 8, 64], f: [3, 3, 64, 128], stride: 2, pad: 'same' },
  { net: 'resnet18', name: '4×4×128→128', x: [64, 4, 4, 128], f: [3, 3, 128, 128], stride: 1, pad: 'same' },
  { net: 'resnet18', name: '2×2×256→256', x: [64, 2, 2, 256], f: [3, 3, 256, 256], stride: 1, pad: 'same' },
  { net: 'resnet18', name: '1×1×512→512', x: [64, 1, 1, 512], f: [3, 3, 512, 512], stride: 1, pad: 'same' },
  { net: 'resnet18', name: '3×3 s2 4×4×256→512 (padded 2×2)', x: [64, 4, 4, 256], f: [3, 3, 256, 512], stride: 2, pad: 'valid' },
  { net: 'resnet18', name: '1×1 proj 4×4×128→256 s2', x: [64, 4, 4, 128], f: [1, 1, 128, 256], stride: 2, pad: 'valid' },
];
const mm = [
  { net: 'cnn', name: 'dense 1600→128 forward', a: [128, 1600], b: [1600, 128], ta: false, tb: false },
  { net: 'cnn', name: 'dense 1600→128 dW (aᵀ·b)', a: [128, 1600], b: [128, 128], ta: true, tb: false },
  { net: 'cnn', name: 'dense 1600→128 dx (a·bᵀ)', a: [128, 128], b: [1600, 128], ta: false, tb: true },
];

const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];

/** A kernel call: `make` creates its inputs (untimed, fresh each call), `op` runs it. */
interface Row { name: string; make: () => tf.Tensor[]; op: (t: tf.Tensor[]) => tf.Tensor }

function time(r: Row): number {
  const inputs = r.make();
  inputs.forEach((t) => t.dataSync());
  const t0 = performance.now();
  const out = r.op(inputs);
  out.dataSync();
  const ms = performance.now() - t0;
  tf.dispose([out, ...inputs]);
  return ms;
}

async function main(): Promise<void> {
  await registerWasmTraining(tf, { threads: Number(arg('threads', '1')) });
  const net = arg('network', 'all'), rounds = Number(arg('rounds', '7')), only = arg('only', '');
  const fresh = (s: number[]) => tf.randomUniform(s, -1, 1, 'float32');
  const rows: Row[] = [];
  for (const c of cases.filter((c) => net === 'all' || c.net === net)) {
    const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.stride, c.pad).shape);
    rows.push({ name: `${c.name} forward`, make: () => [fresh(c.x), fresh(c.f)],
      op: ([x, f]) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad) });
    rows.push({ name: `${c.name} input grad`, make: () => [fresh(dyShape), fresh(c.f)],
      op: ([dy, f]) => tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, c.x, c.stride, c.pad) });
    rows.push({ name: `${c.name} filter grad`, make: () => [fresh(c.x), fresh(dyShape)],
      op: ([x, dy]) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
        { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1, filterShape: c.f }) as tf.Tensor });
  }
  for (const m of mm.filter((m) => net === 'all' || m.net === net)) {
    rows.push({ name: m.name, make: () => [fresh(m.a), fresh(m.b)], op: ([a, b]) => tf.matMul(a, b, m.ta, m.tb) });
  }
  console.log(`conv-simd A/B: ${rounds} rounds, alternating, fresh tensors each call; ms median (SIMD | XNNPACK-based | ratio)`);
  for (const r of rows.filter((r) => !only || r.name.includes(only))) {
    const simd: number[] = [], base: number[] = [];
    for (let i = 0; i < rounds + 1; i++) {
      setConvSimd(true);
      const a = time(r);
      setConvSimd(false);
      const b = time(r);
      if (i > 0) { simd.push(a); base.push(b); } // the first round warms up
    }
    setConvSimd(true);
    console.log(`  ${r.name.padEnd(36)} ${median(simd).toFixed(2).padStart(7)} | ${median(base).toFixed(2).padStart(7)} | ${(median(base) / median(simd)).toFixed(2)}×`);
  }
  process.exit(0);
}
void main();
