/**
 * `npx tsx bench/profile-train.ts [--network resnet18|cnn|<template>] [--batch 64] [--steps 3] [--threads 2]`
 *
 * Profiles training steps of a network on the wasm backend with `tf.profile`: kernel time summed by kernel name
 * over the last `--steps` steps (after two warm-up steps), largest first. Kernel times are wall time between a
 * kernel's start and end (the wasm kernels are synchronous), so they add up to the step's kernel time.
 */
import * as tf from '@tensorflow/tfjs';
import { compileModel } from '../engine/compile/compile';
import { registerWasmTraining, wasmThreads } from '../engine/node/train/backends/wasm/index';
import { requireTemplate } from '../templates/index';
import { referenceDesign } from './train-lib';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const network = arg('network', 'resnet18');
const batch = Number(arg('batch', network === 'cnn' ? '128' : '64'));
const steps = Number(arg('steps', '3'));
/** Kernel names (comma-separated) whose time is broken down by input shapes. */
const detail = arg('detail', '');

async function main(): Promise<void> {
  await registerWasmTraining(tf, { threads: Number(arg('threads', '2')) });
  const doc = network === 'cnn' ? referenceDesign() : requireTemplate(network).build({ inputShape: [32, 32, 3], classes: 10 });
  const shape: [number, number, number] = network === 'cnn' ? [28, 28, 1] : [32, 32, 3];
  const model = compileModel(doc, tf, { compile: false });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const xs = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1);
  const ys = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10).toFloat();
  for (let i = 0; i < 2; i++) await model.trainOnBatch(xs, ys);
  const byName = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const info = await tf.profile(async () => {
      await model.trainOnBatch(xs, ys);
    });
    for (const k of info.kernels) {
      const ms = Number(await k.kernelTimeMs);
      const key = detail && detail.split(',').includes(k.name) ? `${k.name} ${k.inputShapes.map((sh) => sh?.join('x')).join(' ')}` : k.name;
      const e = byName.get(key) ?? { ms: 0, calls: 0 };
      e.ms += ms;
      e.calls++;
      byName.set(key, e);
      total += ms;
    }
  }
  const wall = (performance.now() - t0) / steps;
  console.log(`${network}, batch ${batch}, ${wasmThreads()} thread(s): ${(total / steps).toFixed(0)} ms of kernels per step (${wall.toFixed(0)} ms wall with profiling)`);
  for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) {
    console.log(`  ${name.padEnd(detail ? 60 : 28)} ${(e.ms / steps).toFixed(1).padStart(8)} ms  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${(e.calls / steps).toFixed(0)} calls`);
  }
  process.exit(0);
}
void main();
