/**
 * The torch backend end to end through the real training worker process (`worker.ts` forked under tsx, as the app
 * and the browser-mode server run it), on the fashion-cnn template and Fashion-MNIST (the embedded subset when the
 * full dataset is not installed): the protocol's events in order, a run folder whose model loads in tfjs and gives
 * the same predictions as the trained PyTorch module (< 1e-4), `export --format tfjs` from that folder, resume from
 * its checkpoint with PyTorch's optimizer state, and pause / resume / stop.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { StartCommand, TrainingEvent } from '../../../../contract/training-protocol';
import { designOfRun, exportModel } from '../../export-model';
import { loadModelFiles } from '../../model-files';
import { loadDataset, makeBatch } from '../data/dataset';
import { findTorch } from './python';

const torch = await findTorch();
if (!torch.ok) console.log(`SKIP torch backend through the worker: ${torch.reason}`);

const WORKER = fileURLToPath(new URL('../worker.ts', import.meta.url));
const FASHION = '/usr/share/datasets/fashion-mnist';
const DATASET = existsSync(path.join(FASHION, 'train-images-idx3-ubyte.gz')) ? { kind: 'idx' as const, dir: FASHION } : { kind: 'default' as const };
const DOC = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../templates/fashion-cnn.json', import.meta.url)), 'utf8')) as Record<string, unknown>;

/** A forked worker whose events can be awaited. */
function worker() {
  const events: TrainingEvent[] = [];
  const waiters: Array<{ pred: (e: TrainingEvent) => boolean; resolve: (e: TrainingEvent) => void }> = [];
  const child: ChildProcess = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.on('message', (raw) => {
    const e = raw as TrainingEvent;
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.pred(e)) w.resolve(e);
      else waiters.push(w);
    }
  });
  const next = (pred: (e: TrainingEvent) => boolean) => {
    const seen = events.find(pred);
    return seen ? Promise.resolve(seen) : new Promise<TrainingEvent>((resolve) => waiters.push({ pred, resolve }));
  };
  const end = () => next((e) => e.type === 'finished' || e.type === 'error');
  return { child, events, next, end, send: (c: object) => child.send(c) };
}

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

function start(outDir: string, overrides: StartCommand['overrides'], resumeFrom?: string) {
  return { type: 'start', document: DOC, dataset: DATASET, backend: 'torch', outDir, overrides, ...(resumeFrom ? { resumeFrom } : {}) };
}

describe.skipIf(!torch.ok)('torch backend through the training worker', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-torch-run-'));
  const base = { epochs: 1, maxBatchesPerEpoch: 4, batchSize: 32, limitTrain: 1000, limitTest: 200, validationSplit: 0.1 };

  it('trains fashion-cnn for a few batches: events, run folder, same predictions in tfjs and torch', async () => {
    const w = worker();
    children.push(w.child);
    w.send(start(outDir, base));
    const done = await w.end();
    expect(done, JSON.stringify(w.events.filter((e) => e.type === 'error' || e.type === 'log'))).toMatchObject({ type: 'finished', status: 'completed', epochs: 1 });
    const types = w.events.map((e) => e.type);
    expect(types.indexOf('backend')).toBeLessThan(types.indexOf('started'));
    expect(w.events.find((e) => e.type === 'backend')).toMatchObject({ name: 'torch', reason: expect.stringMatching(/PyTorch \S+ on (CPU|CUDA|Apple MPS)/) });
    for (const t of ['epoch-start', 'batch', 'throughput', 'memory', 'epoch-end', 'checkpoint'] as const) expect(types, t).toContain(t);
    const batches = w.events.flatMap((e) => (e.type === 'batch' ? e.loss : []));
    expect(batches).toHaveLength(4);
    expect(batches.every((l) => typeof l === 'number' && l > 0)).toBe(true);
    const fin = done as Extract<TrainingEvent, { type: 'finished' }>;
    const matrix = fin.confusionMatrix!;
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(fin.testAccuracy).toBeCloseTo(matrix.reduce((s, row, i) => s + row[i], 0) / 200, 10);
    const record = JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ status: 'completed', backend: { name: 'torch' }, history: [expect.objectContaining({ epoch: 0 })] });
    expect(JSON.parse(readFileSync(path.join(outDir, 'predictions.json'), 'utf8')).predicted).toHaveLength(200);

    // The same test images through the tfjs model of the run folder and through the trained torch module.
    await tf.setBackend('cpu');
    const data = loadDataset(DATASET);
    const batch = makeBatch(data.test, [0, 1, 2, 3, 4, 5, 6, 7], 10);
    const model = await loadModelFiles(tf, path.join(outDir, 'model', 'model.json'));
    const want = (model.predict(tf.tensor4d(batch.x, [8, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array;
    model.dispose();
    writeFileSync(path.join(outDir, 'x.bin'), new Uint8Array(batch.x.buffer));
    const py = `
import sys, numpy as np, torch
sys.path.insert(0, sys.argv[1])
import model as exported
net = exported.build_model(); net.load_state_dict(torch.load(sys.argv[2])); net.eval()
x = torch.from_numpy(np.fromfile(sys.argv[3], dtype="<f4").reshape(8, 28, 28, 1)).permute(0, 3, 1, 2)
with torch.no_grad(): print(" ".join(repr(float(v)) for v in net.predict(x).reshape(-1)))
`;
    const r = spawnSync(torch.ok ? torch.python : 'python3', ['-c', py, path.join(outDir, 'torch'), path.join(outDir, 'torch', 'model.pt'), path.join(outDir, 'x.bin')], { encoding: 'utf8', timeout: 60_000 });
    const got = r.stdout.trim().split(' ').map(Number);
    expect(got, r.stderr).toHaveLength(80);
    const diff = Math.max(...got.map((v, i) => Math.abs(v - want[i])));
    expect(diff).toBeLessThan(1e-4);
    expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.02); // varied class probabilities, not a constant output

    // export --format tfjs from the run folder (the trained weights, checked layer by layer).
    const exported = path.join(outDir, 'exported');
    const res = await exportModel(await designOfRun(outDir), 'tfjs', exported, { runDir: outDir });
    expect(res.trainedFrom).toBe(path.join(outDir, 'model', 'model.json'));

    // Resume from the checkpoint: epoch 2 only, with PyTorch's optimizer state restored.
    w.events.length = 0;
    w.send(start(outDir, { ...base, epochs: 2 }, path.join(outDir, 'checkpoints', 'last')));
    const resumed = await w.end();
    expect(resumed).toMatchObject({ type: 'finished', status: 'completed', epochs: 2 });
    expect(w.events.find((e) => e.type === 'started')).toMatchObject({ startEpoch: 1 });
    expect(w.events.filter((e) => e.type === 'epoch-start').map((e) => (e as { epoch: number }).epoch)).toEqual([1]);
    expect(w.events.some((e) => e.type === 'log' && /optimizer moments start fresh/.test(e.message))).toBe(false);
  }, 240_000);

  it('pauses, resumes and stops a torch run', async () => {
    const w = worker();
    children.push(w.child);
    const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-torch-stop-'));
    w.send(start(dir, { ...base, epochs: 20, maxBatchesPerEpoch: 200, limitTrain: 4000, batchSize: 16 }));
    await w.next((e) => e.type === 'batch');
    w.send({ type: 'pause' });
    await w.next((e) => e.type === 'state' && e.state === 'paused');
    const batchesAtPause = w.events.filter((e) => e.type === 'batch').length;
    await new Promise((r) => setTimeout(r, 600));
    expect(w.events.filter((e) => e.type === 'batch').length).toBeLessThanOrEqual(batchesAtPause + 1); // at most the step in flight
    w.send({ type: 'resume' });
    await w.next((e) => e.type === 'state' && e.state === 'running');
    w.send({ type: 'stop' });
    const done = await w.end();
    expect(done).toMatchObject({ type: 'finished', status: 'stopped', testAccuracy: null });
    expect(existsSync(path.join(dir, 'model', 'model.json'))).toBe(true);
  }, 120_000);
});
