/**
 * `npm run bench:train [-- --json] [-- --batches N --windows N --threads N --backends wasm,torch,...]`
 *
 * Trains the reference CNN (conv32-pool-conv64-pool-fc128-fc10, Adam, batch 128)
 * on Fashion-MNIST with every tfjs backend that loads here and with PyTorch CPU
 * (/usr/bin/python3, same network, batch, data and thread count) in one run,
 * and prints examples/s per backend (median over timed windows after a
 * warm-up) and the ratio to PyTorch. `--json` prints one object instead.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { loadFashion, referenceCnn, timeTraining, type Batches, type TimingPlan } from './train-lib';
import { registerWasmTraining, wasmThreads } from '../engine/node/train/backends/wasm/index';
import { initWebGpu } from '../engine/node/train/backends/webgpu';

interface Row {
  backend: string;
  ok: boolean;
  examplesPerSec?: number;
  windows?: number[];
  batch?: number;
  ratioToTorch?: number;
  note?: string;
  reason?: string;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const json = process.argv.includes('--json');
const listArg = process.argv.indexOf('--backends');
const wanted = listArg >= 0 ? process.argv[listArg + 1].split(',') : ['torch', 'torch-1thread', 'wasm', 'webgpu', 'tfjs-node', 'cpu'];
const plan: TimingPlan = { batch: arg('batch', 128), warmup: arg('warmup', 2), batches: arg('batches', 5), windows: arg('windows', 3) };
const threads = arg('threads', 2);
const log = (s: string) => { if (!json) console.log(s); };

function torch(data: Batches, nThreads: number, name: string): Row {
  const py = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(py)) return { backend: name, ok: false, reason: `${py} not found (set TORCH_PYTHON)` };
  const script = fileURLToPath(new URL('./torch_ref.py', import.meta.url));
  const r = spawnSync(py, [script, '--batch', `${plan.batch}`, '--warmup', `${plan.warmup}`, '--batches', `${plan.batches}`,
    '--windows', `${plan.windows}`, '--threads', `${nThreads}`, '--count', `${data.count}`], { encoding: 'utf8', timeout: 600_000 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const o = JSON.parse(line) as { ok: boolean; reason?: string; examplesPerSec?: number; windows?: number[]; torch?: string };
    if (!o.ok) return { backend: name, ok: false, reason: o.reason };
    return { backend: name, ok: true, examplesPerSec: o.examplesPerSec, windows: o.windows, batch: plan.batch, note: `torch ${o.torch}, ${nThreads} thread(s)` };
  } catch {
    return { backend: name, ok: false, reason: `torch_ref.py failed: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}` };
  }
}

async function tfjs(name: string, data: Batches, p: TimingPlan, note?: string): Promise<Row> {
  const model = referenceCnn(tf);
  try {
    const t = await timeTraining(tf, model, data, p);
    return { backend: name, ok: true, examplesPerSec: t.examplesPerSec, windows: t.windows, batch: p.batch, note };
  } finally {
    model.dispose();
  }
}

async function main(): Promise<void> {
  const data = loadFashion(plan.batch * 10);
  log(`reference CNN, batch ${plan.batch}, Adam; warm-up ${plan.warmup} batches, ${plan.windows} windows × ${plan.batches} batches; data: ${data.source}; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  const rows: Row[] = [];
  const add = (r: Row) => {
    rows.push(r);
    log(r.ok ? `  ${r.backend.padEnd(14)} ${r.examplesPerSec!.toFixed(1).padStart(9)} ex/s  (windows ${r.windows!.map((w) => w.toFixed(0)).join(', ')})${r.note ? `  ${r.note}` : ''}`
      : `  ${r.backend.padEnd(14)}   skipped: ${r.reason}`);
  };
  if (wanted.includes('torch')) add(torch(data, threads, 'pytorch-cpu'));
  if (wanted.includes('torch-1thread') && threads !== 1) add(torch(data, 1, 'pytorch-cpu-1t'));
  if (wanted.includes('wasm')) {
    try {
      await registerWasmTraining(tf);
      add(await tfjs('wasm', data, plan, `tfjs-backend-wasm + LayerLoom training kernels, ${wasmThreads()} thread(s)`));
    } catch (e) { add({ backend: 'wasm', ok: false, reason: (e as Error).message }); }
  }
  if (wanted.includes('webgpu')) {
    const st = await initWebGpu(tf, { swiftShaderFallback: process.argv.includes('--swiftshader') });
    if (!st.ok) add({ backend: 'webgpu', ok: false, reason: `${st.reason}${process.argv.includes('--swiftshader') ? '' : ' (pass --swiftshader to time the CPU emulation)'}` });
    else {
      const p = st.software ? { ...plan, warmup: 1, batches: 1, windows: 1 } : plan;
      add(await tfjs('webgpu', data, p, `${st.adapter}${st.software ? ' (software emulation)' : ''}`));
    }
  }
  if (wanted.includes('tfjs-node')) {
    try {
      const pkg = '@tensorflow/tfjs-node'; // optional: resolved at run time only
      await import(pkg);
      await tf.setBackend('tensorflow');
      add(await tfjs('tfjs-node', data, plan, 'libtensorflow'));
    } catch (e) { add({ backend: 'tfjs-node', ok: false, reason: `@tensorflow/tfjs-node not installed (${(e as Error).message.split('\n')[0].slice(0, 80)})` }); }
  }
  if (wanted.includes('cpu')) {
    await tf.setBackend('cpu');
    // The pure-JS backend needs ~40 s per batch of 128: time one smaller batch.
    add(await tfjs('cpu', data, { batch: arg('cpu-batch', 16), warmup: 0, batches: 1, windows: 1 }, 'pure JS; one batch, no warm-up'));
  }
  const peer = rows.find((r) => r.backend === 'pytorch-cpu' && r.ok);
  const peer1 = rows.find((r) => r.backend === 'pytorch-cpu-1t' && r.ok);
  for (const r of rows) if (r.ok && peer) r.ratioToTorch = r.examplesPerSec! / peer.examplesPerSec!;
  if (json) {
    console.log(JSON.stringify({ plan, threads, data: data.source, cpus: os.cpus().length, load: os.loadavg()[0], peer: peer?.backend ?? null, results: rows }));
    return;
  }
  log(peer ? `ratio to PyTorch CPU (${threads} threads, ${peer.examplesPerSec!.toFixed(0)} ex/s)${peer1 ? `; to 1 thread (${peer1.examplesPerSec!.toFixed(0)} ex/s)` : ''}:` : 'no PyTorch peer: ratios not available');
  for (const r of rows) {
    if (!r.ok || !peer || r.backend.startsWith('pytorch')) continue;
    log(`  ${r.backend.padEnd(14)} ${r.ratioToTorch!.toFixed(3)}${peer1 ? `   (vs 1 thread ${(r.examplesPerSec! / peer1.examplesPerSec!).toFixed(3)})` : ''}`);
  }
}

// dawn.node holds no libuv handle while GPU work is pending: keep Node alive until main() settles.
const keepAlive = setInterval(() => {}, 1 << 30);
main().finally(() => clearInterval(keepAlive)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
