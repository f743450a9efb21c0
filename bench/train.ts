/**
 * `npm run bench:train [-- --json] [-- --rounds 5 --seconds 2 --threads 2 --networks cnn,resnet18,mobilenetv2 --backends pytorch-loop,torch,wasm,webgpu] [--swiftshader] [--batch N]`
 *
 * Trains each network — the reference CNN (conv32-pool-conv64-pool-fc128-fc10, batch 128, Fashion-MNIST) and
 * ResNet-18 at 32×32×3 (the resnet18 template retargeted, batch 64, random pixels; MobileNetV2 the same way with
 * `--networks …,mobilenetv2`) — with a hand-written PyTorch
 * loop of the same network (the peer: /usr/bin/python3, `bench/torch_ref.py`), LayerLoom's torch backend (the
 * generated module in `trainer.py`, as `--backend torch` runs it) and the tfjs backends that load here, all with
 * Adam and the same thread count. The contenders are interleaved: each of ≥ 5 rounds times one window of ≥ 2 s
 * per contender (`train-rounds.ts`), and each row reports the median examples/s, the median of the per-round
 * ratios to the peer with their spread (min–max), and the achieved GFLOP/s (6 × the analysis' MACs per
 * example: forward, and the two products of the backward pass). With wasm among the contenders it also measures
 * the wasm ceiling in the same run (XNNPACK's forward convolution on one 3×3×128→128 layer) and prints each
 * network's wasm GFLOP/s as a share of it.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { analyzeDesign } from '../engine/analysis/analyze';
import { loadDataset } from '../engine/node/train/data/dataset';
import type { Dataset } from '../engine/node/train/data/types';
import { registerWasmTraining, wasmThreads } from '../engine/node/train/backends/wasm/index';
import { describeTorch, torchInfo } from '../engine/node/train/torch/python';
import type { DesignDocument } from '../engine/schema/document';
import { requireTemplate } from '../templates/index';
import { FASHION_DIR, loadFashion, median, referenceDesign, type Batches } from './train-lib';
import { initWebGpu } from '../engine/node/train/backends/webgpu';
import { compileModel } from '../engine/compile/compile';
import { webGpuContenders } from './gpu-webgpu';
import { torchBackendContender, torchRefContender, tfjsContender } from './train-contenders';
import { runRounds, summarize, type Contender, type Summary } from './train-rounds';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const json = process.argv.includes('--json');
const rounds = Math.max(1, Number(arg('rounds', '5')));
const seconds = Number(arg('seconds', '2'));
const threads = Number(arg('threads', '2'));
const networks = arg('networks', 'cnn,resnet18').split(',');
const wanted = arg('backends', 'pytorch-loop,torch,wasm').split(',');
const log = (s: string) => {
  if (!json) console.log(s);
};


/** Seeded random pixels as a dataset (labelled so): the PyTorch peer trains on random pixels too. */
function randomDataset(count: number, shape: [number, number, number]): Dataset {
  let s = 7;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  const images = Uint8Array.from({ length: count * shape[0] * shape[1] * shape[2] }, rnd);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const set = { images, labels, count, shape };
  return { name: 'random pixels', train: set, test: set, classNames: Array.from({ length: 10 }, (_, i) => `class ${i}`) };
}

/** The same random pixels as normalized tfjs batches. */
function batchesOf(d: Dataset, count: number): Batches {
  const n = Math.min(count, d.train.count);
  const size = d.train.shape[0] * d.train.shape[1] * d.train.shape[2];
  const x = Float32Array.from(d.train.images.subarray(0, n * size), (v) => v / 255);
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) y[i * 10 + d.train.labels[i]] = 1;
  return { x, y, count: n, shape: d.train.shape, classes: 10, source: d.name };
}

interface NetworkPlan {
  key: 'cnn' | 'resnet18' | 'mobilenetv2';
  title: string;
  doc: DesignDocument;
  batch: number;
  torchData: () => Dataset;
  tfjsData: () => Batches;
}

const PLANS: Record<string, () => NetworkPlan> = {
  cnn: () => ({
    key: 'cnn',
    title: 'reference CNN 28×28×1',
    doc: referenceDesign(),
    batch: 128,
    torchData: () => (existsSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`) ? loadDataset({ kind: 'idx', dir: FASHION_DIR }) : randomDataset(60000, [28, 28, 1])),
    tfjsData: () => loadFashion(128 * 10),
  }),
  resnet18: () => {
    const data = randomDataset(64 * 150, [32, 32, 3]);
    return { key: 'resnet18', title: 'ResNet-18 32×32×3 (resnet18 template)', doc: requireTemplate('resnet18').build({ inputShape: [32, 32, 3], classes: 10 }), batch: 64, torchData: () => data, tfjsData: () => batchesOf(data, 64 * 4) };
  },
  mobilenetv2: () => {
    const data = randomDataset(64 * 150, [32, 32, 3]);
    return { key: 'mobilenetv2', title: 'MobileNetV2 32×32×3 (mobilenetv2 template)', doc: requireTemplate('mobilenetv2').build({ inputShape: [32, 32, 3], classes: 10 }), batch: 64, torchData: () => data, tfjsData: () => batchesOf(data, 64 * 4) };
  },
};

async function contendersFor(plan: NetworkPlan, skipped: string[]): Promise<Contender[]> {
  const out: Contender[] = [];
  const info = await torchInfo();
  await tf.setBackend('cpu');
  if (wanted.includes('pytorch-loop')) {
    if (!info.ok) skipped.push(`pytorch-loop: ${info.reason}`);
    // Same device as the torch backend picks (CUDA where PyTorch sees a GPU), so the ratio compares like with like.
    else out.push(await torchRefContender({ python: info.python, network: plan.key, batch: plan.batch, threads, count: plan.batch * 10, device: info.device === 'cpu' ? undefined : info.device }));
  }
  if (wanted.includes('torch')) {
    if (!info.ok) skipped.push(`torch-backend: ${info.reason}`);
    else out.push(await torchBackendContender({ tf, document: plan.doc, dataset: plan.torchData(), batch: plan.batch, threads, note: `${describeTorch(info)}, ${threads} thread(s)` }));
  }
  if (wanted.includes('webgpu')) {
    // LayerLoom's webgpu path against tfjs's own on the same adapter (bench/gpu-webgpu.ts); --swiftshader allows the CPU emulation.
    const st = await initWebGpu(tf, { activate: false, swiftShaderFallback: process.argv.includes('--swiftshader') });
    if (!st.ok) skipped.push(`webgpu: ${st.reason}`);
    else out.push(...(await webGpuContenders(() => compileModel(plan.doc, tf, { compile: false }), plan.tfjsData(), plan.batch, `${st.adapter}${st.software ? ' (software emulation: says nothing about a GPU)' : ''}`)));
    await tf.setBackend('cpu');
  }
  if (wanted.includes('wasm')) {
    try {
      await registerWasmTraining(tf);
      out.push(await tfjsContender({ tf, name: 'wasm', note: `tfjs-backend-wasm + LayerLoom training kernels, ${wasmThreads()} thread(s)`, document: plan.doc, data: plan.tfjsData(), batch: plan.batch }));
    } catch (e) {
      skipped.push(`wasm: ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * The wasm path's ceiling, measured in the same run: XNNPACK's forward 3×3×128→128 convolution over 32×28×28
 * (the shape the issue quotes: 31 GFLOP/s on 2 threads there), median of 3 calls after a warm-up. A network
 * whose every FLOP ran at that speed would train at ceiling / (6 × MACs per example) examples/s.
 */
async function convCeilingGflops(): Promise<number> {
  const x = tf.randomUniform([32, 28, 28, 128], 0, 1, 'float32', 3) as tf.Tensor4D;
  const f = tf.randomUniform([3, 3, 128, 128], -0.1, 0.1, 'float32', 4) as tf.Tensor4D;
  const flop = 2 * 32 * 28 * 28 * 9 * 128 * 128;
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    tf.conv2d(x, f, 1, 'same').dispose();
    if (i > 0) times.push((performance.now() - t0) / 1000);
  }
  tf.dispose([x, f]);
  return flop / median(times) / 1e9;
}

function row(s: Summary): string {
  const ratio = s.ratio ? `${s.ratio.median.toFixed(3)} (${s.ratio.min.toFixed(3)}–${s.ratio.max.toFixed(3)})` : 'peer';
  return `  ${s.name.padEnd(14)} ${s.examplesPerSec.toFixed(1).padStart(9)} ex/s  ${(s.gflops ?? 0).toFixed(2).padStart(7)} GFLOP/s  ratio ${ratio.padEnd(22)} ${s.note}`;
}

async function main(): Promise<void> {
  log(`bench:train — ${rounds} interleaved rounds × ≥ ${seconds} s per contender; ${threads} thread(s); ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  const report: unknown[] = [];
  for (const key of networks) {
    const make = PLANS[key];
    if (!make) throw new Error(`unknown network '${key}' (known: ${Object.keys(PLANS).join(', ')})`);
    const plan = make();
    // --batch N: a smaller batch (a smoke run on SwiftShader, say); the default is each network's own.
    if (process.argv.includes('--batch')) plan.batch = Math.max(1, Number(arg('batch', String(plan.batch))));
    const macs = analyzeDesign(plan.doc).totals.macs;
    log(`\n${plan.title}, batch ${plan.batch}, Adam; ${(macs / 1e6).toFixed(1)} M MACs per example forward → ${((6 * macs) / 1e6).toFixed(0)} MFLOP per training example`);
    const skipped: string[] = [];
    const contenders = await contendersFor(plan, skipped);
    for (const s of skipped) log(`  skipped ${s}`);
    let ceiling: number | null = null;
    if (contenders.some((c) => c.name === 'wasm')) {
      const before = tf.getBackend();
      await tf.setBackend('wasm');
      ceiling = await convCeilingGflops();
      await tf.setBackend(before);
      log(`  ceiling: XNNPACK forward conv 3×3×128→128 over 32×28×28 here: ${ceiling.toFixed(1)} GFLOP/s → at that speed ${((ceiling * 1e9) / (6 * macs)).toFixed(0)} ex/s`);
    }
    let results: Summary[] = [];
    try {
      results = summarize(await runRounds(contenders, rounds, seconds, log), contenders.some((c) => c.name === 'pytorch-loop') ? 'pytorch-loop' : contenders.some((c) => c.name === 'webgpu-tfjs') ? 'webgpu-tfjs' : null, 6 * macs);
    } finally {
      for (const c of contenders) await c.close();
    }
    for (const s of results) log(row(s) + (ceiling && s.name === 'wasm' ? `  (${((100 * (s.gflops ?? 0)) / ceiling).toFixed(0)}% of the conv ceiling)` : ''));
    report.push({ network: plan.key, title: plan.title, batch: plan.batch, macsPerExample: macs, peer: contenders.some((c) => c.name === 'pytorch-loop') ? 'pytorch-loop' : contenders.some((c) => c.name === 'webgpu-tfjs') ? 'webgpu-tfjs' : null, skipped, results, convCeilingGflops: ceiling });
  }
  if (json) console.log(JSON.stringify({ rounds, seconds, threads, cpus: os.cpus().length, load: os.loadavg()[0], networks: report }));
}

// dawn.node / wasm threads hold no libuv handle while work is pending: keep Node alive until main() settles.
const keepAlive = setInterval(() => {}, 1 << 30);
main()
  .finally(() => clearInterval(keepAlive))
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
