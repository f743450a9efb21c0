/**
 * The contenders of `bench:train`'s interleaved rounds: the hand-written PyTorch loop (`torch_ref.py --serve`), the
 * torch backend as the app runs it (`runTorchTraining`: the generated module in trainer.py, events through Node,
 * timed by pausing and resuming the run between windows) and a tfjs backend (`trainOnBatch`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type * as TF from '@tensorflow/tfjs';
import { compileModel } from '../engine/compile/compile';
import { TrainingControl } from '../engine/node/train/control';
import type { Dataset } from '../engine/node/train/data/types';
import { runTorchTraining } from '../engine/node/train/torch/run';
import type { DesignDocument } from '../engine/schema/document';
import type { TrainingEvent } from '../contract/training-protocol';
import type { Batches } from './train-lib';
import type { Contender, Window } from './train-rounds';

/** The hand-written PyTorch loop, kept running between windows (it waits on stdin). */
export async function torchRefContender(o: { python: string; network: 'cnn' | 'resnet18' | 'mobilenetv2'; batch: number; threads: number; count: number; device?: string }): Promise<Contender> {
  const script = fileURLToPath(new URL('./torch_ref.py', import.meta.url));
  const args = [script, '--serve', '--network', o.network, '--batch', `${o.batch}`, '--threads', `${o.threads}`, '--count', `${o.count}`, '--warmup', '2', ...(o.device ? ['--device', o.device] : [])];
  const child = spawn(o.python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next();
    if (r.done) throw new Error(`torch_ref.py ended: ${stderr.trim().split('\n').pop()}`);
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  const ready = await next();
  return {
    name: 'pytorch-loop',
    note: `hand-written PyTorch ${ready.torch} loop, ${ready.threads} thread(s), ${o.device ?? 'cpu'}`,
    async window(seconds): Promise<Window> {
      child.stdin.write(JSON.stringify({ window: seconds }) + '\n');
      const r = await next();
      return { examples: Number(r.examples), seconds: Number(r.seconds) };
    },
    async close() {
      child.stdin.end();
      child.kill();
    },
  };
}

/**
 * The torch backend: one long `runTorchTraining` run, paused between windows. A window's rate comes from the
 * `batch` events (steps completed between the first and the last event of the window), so the pause/resume
 * latency is not counted against it, and everything a real run pays (events through Node) is.
 */
export async function torchBackendContender(o: { tf: typeof TF; document: DesignDocument; dataset: Dataset; batch: number; threads: number; note: string }): Promise<Contender> {
  const control = new TrainingControl();
  control.pause(); // trainer.py reads the pause before its first step
  const events: Array<{ t: number; e: TrainingEvent }> = [];
  let wake: (() => void) | null = null;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'layerloom-bench-torch-'));
  const run = runTorchTraining(
    {
      tf: o.tf,
      document: o.document,
      dataset: o.dataset,
      overrides: { epochs: 1000, batchSize: o.batch, optimizer: 'adam', learningRate: 1e-3, schedule: 'constant', warmupEpochs: 0, validationSplit: 0, weightDecay: 0, augmentFlip: false, augmentShift: 0, limitTest: o.batch },
      outDir,
      backend: { name: 'torch', reason: 'bench', skipped: [] },
      emit: (e) => {
        events.push({ t: performance.now(), e });
        wake?.();
      },
      control,
    },
    { threads: o.threads },
  );
  let failed: unknown = null;
  run.catch((err) => {
    failed = err;
    wake?.();
  });
  const until = async (pred: () => boolean) => {
    while (!pred()) {
      if (failed) throw failed;
      await new Promise<void>((r) => (wake = r));
    }
  };
  const stateIs = (from: number, s: string) => () => events.slice(from).some(({ e }) => e.type === 'state' && e.state === s);
  const batchesSince = (from: number) => events.slice(from).filter(({ e }) => e.type === 'batch') as Array<{ t: number; e: Extract<TrainingEvent, { type: 'batch' }> }>;
  const measure = async (seconds: number, minEvents: number): Promise<Window> => {
    const from = events.length;
    control.resume();
    await until(() => {
      const b = batchesSince(from);
      return b.length >= minEvents && (b.at(-1)!.t - b[0].t) / 1000 >= seconds;
    });
    control.pause();
    await until(stateIs(from, 'paused'));
    const b = batchesSince(from);
    // Steps reported after the first event were all done between the first and the last event.
    const steps = b.slice(1).reduce((n, x) => n + x.e.loss.length, 0);
    return { examples: steps * o.batch, seconds: (b.at(-1)!.t - b[0].t) / 1000 };
  };
  await until(() => events.some(({ e }) => e.type === 'log' && /trainer ready/.test(e.message)));
  await measure(0, 3); // warm-up: a few steps
  return {
    name: 'torch-backend',
    note: o.note,
    window: (seconds) => measure(seconds, 2),
    async close() {
      control.stop();
      await run.catch(() => undefined);
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** A tfjs backend (already active on `tf`) training the design with `trainOnBatch`, Adam, categorical cross-entropy. */
export async function tfjsContender(o: { tf: typeof TF; name: string; note: string; document: DesignDocument; data: Batches; batch: number }): Promise<Contender> {
  const { tf, data, batch } = o;
  const model = compileModel(o.document, tf, { compile: false });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const [h, w, c] = data.shape;
  const n = Math.max(1, Math.floor(data.count / batch));
  let cursor = 0;
  const step = async () => {
    const i = cursor++ % n;
    const xs = tf.tensor4d(data.x.subarray(i * batch * h * w * c, (i + 1) * batch * h * w * c), [batch, h, w, c]);
    const ys = tf.tensor2d(data.y.subarray(i * batch * data.classes, (i + 1) * batch * data.classes), [batch, data.classes]);
    await model.trainOnBatch(xs, ys);
    tf.dispose([xs, ys]);
  };
  await step();
  await step();
  return {
    name: o.name,
    note: o.note,
    async window(seconds): Promise<Window> {
      const t0 = performance.now();
      let steps = 0;
      while (steps === 0 || performance.now() - t0 < seconds * 1000) {
        await step();
        steps++;
      }
      return { examples: steps * batch, seconds: (performance.now() - t0) / 1000 };
    },
    async close() {
      model.dispose();
    },
  };
}
