/**
 * `npm run bench:gpu [-- --json | --json-out FILE] [--swiftshader] [--quick-cpu] [--no-cpu] [--models reference,resnet18]`
 *
 * For a machine with a GPU and no network: trains the reference CNN
 * (28×28×1, batch 128) and ResNet-18 (32×32×3, 10 classes, batch 64, from
 * the template library) on every backend that loads — tfjs-node-gpu (CUDA),
 * WebGPU (Dawn), and the CPU path (wasm + LayerLoom kernels) — and prints
 * examples/s (median of timed windows after warm-up) for each. On WebGPU it
 * times LayerLoom's path (WGSL conv gradients, fused Adam, batched readback)
 * against tfjs's own in alternating windows and prints the ratio
 * (bench/gpu-webgpu.ts). On SwiftShader (--swiftshader) the figures only show
 * that the path runs: a CPU emulation says nothing about a GPU.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { loadFashion, referenceCnn, timeTraining, type Batches, type TimingPlan } from './train-lib';
import { registerWasmTraining, wasmSimdStatus, wasmThreads } from '../engine/node/train/backends/wasm/index';
import { initWebGpu } from '../engine/node/train/backends/webgpu';
import { requireTemplate } from '../templates/index';
import { compileModel } from '../engine/compile/compile';
import { compareWebGpuPaths } from './gpu-webgpu';

interface Row { model: string; backend: string; ok: boolean; examplesPerSec?: number; windows?: number[]; batch?: number; note?: string; reason?: string; peer?: { backend: string; examplesPerSec: number; ratio: number; ratios: number[] } }

const json = process.argv.includes('--json');
const log = (s: string) => { if (!json) console.log(s); };
function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const models = opt('models', 'reference,resnet18').split(',');
const plan: TimingPlan = { batch: 128, warmup: Number(opt('warmup', '2')), batches: Number(opt('batches', '5')), windows: Number(opt('windows', '3')) };

/** Random images with one-hot labels (CIFAR-sized; the timing does not depend on the pixels). */
function randomBatches(count: number, shape: [number, number, number], classes: number): Batches {
  let s = 7;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const x = Float32Array.from({ length: count * shape[0] * shape[1] * shape[2] }, rnd);
  const y = new Float32Array(count * classes);
  for (let i = 0; i < count; i++) y[i * classes + (i % classes)] = 1;
  return { x, y, count, shape, classes, source: 'random' };
}

const MODELS: Record<string, { batch: number; data: () => Batches; build: () => tf.LayersModel }> = {
  reference: { batch: 128, data: () => loadFashion(128 * 4), build: () => referenceCnn(tf) },
  resnet18: {
    batch: 64,
    data: () => randomBatches(64 * 4, [32, 32, 3], 10),
    build: () => compileModel(requireTemplate('resnet18').build({ inputShape: [32, 32, 3], classes: 10 }), tf),
  },
};

async function timeAll(backend: string, note: string, p: TimingPlan, rows: Row[]): Promise<void> {
  for (const name of models) {
    const m = MODELS[name];
    if (!m) { rows.push({ model: name, backend, ok: false, reason: `unknown model (known: ${Object.keys(MODELS).join(', ')})` }); continue; }
    const t0 = performance.now();
    let model: tf.LayersModel | undefined;
    try {
      model = m.build();
      const r = await timeTraining(tf, model, m.data(), { ...p, batch: Math.min(p.batch, m.batch) });
      rows.push({ model: name, backend, ok: true, examplesPerSec: r.examplesPerSec, windows: r.windows, batch: Math.min(p.batch, m.batch), note });
    } catch (e) {
      rows.push({ model: name, backend, ok: false, reason: (e as Error).message.split('\n')[0] });
    } finally {
      model?.dispose();
    }
    const row = rows[rows.length - 1];
    log(row.ok ? `  ${name.padEnd(10)} ${backend.padEnd(14)} ${row.examplesPerSec!.toFixed(1).padStart(9)} ex/s  batch ${row.batch}  (windows ${row.windows!.map((w) => w.toFixed(0)).join(', ')}; ${((performance.now() - t0) / 1000).toFixed(1)} s)  ${note}`
      : `  ${name.padEnd(10)} ${backend.padEnd(14)}   failed: ${row.reason}`);
  }
}

/** WebGPU: LayerLoom's path against tfjs's own, interleaved (gpu-webgpu.ts). */
async function compareWebGpu(note: string, p: TimingPlan, rows: Row[]): Promise<void> {
  for (const name of models) {
    const m = MODELS[name];
    if (!m) continue;
    const batch = Math.min(p.batch, m.batch);
    try {
      const r = await compareWebGpuPaths(m.build, m.data(), { ...p, batch });
      rows.push({ model: name, backend: 'webgpu', ok: true, examplesPerSec: r.layerloom, windows: r.windows.layerloom, batch, note: `${note}; LayerLoom kernels, fused Adam, readback every ${r.readbackEvery}`, peer: { backend: 'webgpu-tfjs', examplesPerSec: r.tfjs, ratio: r.ratio, ratios: r.ratios } });
      log(`  ${name.padEnd(10)} webgpu         ${r.layerloom.toFixed(1).padStart(9)} ex/s  batch ${batch}  LayerLoom path (conv-grad GEMMs, fused Adam, readback every ${r.readbackEvery})`);
      log(`  ${name.padEnd(10)} webgpu-tfjs    ${r.tfjs.toFixed(1).padStart(9)} ex/s  batch ${batch}  tfjs's kernels + Adam, loss read every batch`);
      log(`  ${name.padEnd(10)} ratio          ${r.ratio.toFixed(2).padStart(9)} ×     median of ${r.ratios.length} interleaved windows (${r.ratios.map((x) => x.toFixed(2)).join(', ')}); ${note}`);
    } catch (e) {
      rows.push({ model: name, backend: 'webgpu', ok: false, reason: (e as Error).message.split('\n')[0] });
      log(`  ${name.padEnd(10)} webgpu           failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}

async function main(): Promise<void> {
  // dawn.node holds no libuv handle while GPU work is pending: without this, Node can exit mid-await.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await benchAll();
  } finally {
    clearInterval(keepAlive);
  }
}

async function benchAll(): Promise<void> {
  const rows: Row[] = [];
  const skipped: { backend: string; reason: string }[] = [];
  log(`bench:gpu — ${os.cpus().length} CPUs; warm-up ${plan.warmup}, ${plan.windows} windows × ${plan.batches} batches`);
  try {
    const pkg = '@tensorflow/tfjs-node-gpu'; // optional: resolved at run time only
    await import(pkg);
    await tf.setBackend('tensorflow');
    await timeAll('tfjs-node-gpu', 'libtensorflow CUDA', plan, rows);
  } catch (e) {
    skipped.push({ backend: 'tfjs-node-gpu', reason: `not installed or no CUDA 11.2/cuDNN 8.1 (${(e as Error).message.split('\n')[0].slice(0, 100)})` });
  }
  const st = await initWebGpu(tf, { swiftShaderFallback: process.argv.includes('--swiftshader') });
  if (st.ok) {
    if (st.software) {
      // A CPU emulation: time the small network on one small batch; ResNet-18 would take minutes per batch.
      const only = models.filter((m) => m === 'reference');
      models.splice(0, models.length, ...only);
    }
    const p = st.software ? { batch: 16, warmup: 1, batches: 2, windows: 1 } : plan;
    await compareWebGpu(`${st.adapter}${st.software ? ' (software emulation: the figures only show the path runs)' : ''}`, p, rows);
    if (st.software) models.splice(0, models.length, ...opt('models', 'reference,resnet18').split(','));
  } else skipped.push({ backend: 'webgpu', reason: st.reason ?? 'unavailable' });
  if (!process.argv.includes('--no-cpu')) {
    try {
      await registerWasmTraining(tf);
      // --quick-cpu: a short plan for the single-threaded CPU path (ResNet-18 takes seconds per batch there).
      const cpuPlan = process.argv.includes('--quick-cpu') ? { ...plan, warmup: 1, batches: 2, windows: 1 } : plan;
      await timeAll('wasm', `CPU path: tfjs-backend-wasm + LayerLoom kernels, ${wasmThreads()} thread(s); SIMD kernels: ${wasmSimdStatus()}`, cpuPlan, rows);
    } catch (e) {
      skipped.push({ backend: 'wasm', reason: (e as Error).message });
    }
  }
  for (const s of skipped) log(`  skipped ${s.backend}: ${s.reason}`);
  const report = JSON.stringify({ plan, cpus: os.cpus().length, results: rows, skipped });
  if (json) console.log(report);
  const outFile = opt('json-out', '');
  if (outFile) writeFileSync(outFile, report + '\n');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
