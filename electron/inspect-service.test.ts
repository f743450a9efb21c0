import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeContract } from '../contract/host-contract';
import { TrainingControl } from '../engine/node/train/control';
import { loadDataset } from '../engine/node/train/data/dataset';
import { loadModelFiles, saveModelFiles } from '../engine/node/model-files';
import { runTraining } from '../engine/node/train/loop';
import { tinyCnn } from '../engine/node/train/test-fixtures';
import { serializeDocument } from '../engine/schema/load';
import { createInspectService, type InspectService } from './inspect-service';

const runsDir = path.resolve('test-results', 'inspect-tmp', `service-${process.pid}`);
let service: InspectService;

beforeAll(async () => {
  rmSync(runsDir, { recursive: true, force: true });
  mkdirSync(runsDir, { recursive: true });
  await tf.setBackend('cpu');
  const doc = tinyCnn();
  const outDir = path.join(runsDir, 'run-1');
  await runTraining({
    tf, document: doc, dataset: loadDataset({ kind: 'default' }), datasetSpec: { kind: 'default' },
    overrides: { limitTrain: 320, limitTest: 20, batchSize: 32, epochs: 1, validationSplit: 0 },
    outDir, backend: { name: 'cpu', reason: 'test', skipped: [] }, emit: () => undefined, control: new TrainingControl(),
  });
  writeFileSync(path.join(outDir, 'design.json'), serializeDocument(doc));
  service = createInspectService({ runsDir });
}, 120_000);

afterAll(async () => {
  await service?.dispose();
});

const ask = (req: Record<string, unknown>) => service.inspectCompute(invokeContract.inspectCompute.request.parse(req));

describe('inspect service (worker process)', () => {
  it('answers each view with contract-valid pictures and numbers', async () => {
    const cam = await ask({ runId: 'run-1', view: 'cam', sample: 3 });
    expect(invokeContract.inspectCompute.response.safeParse(cam).success).toBe(true);
    expect(cam.layer.layerName).toBe('conv');
    expect(cam.layer.nodeName).toBe('conv');
    expect(cam.sample?.index).toBe(3);
    expect(cam.cam?.probabilities).toHaveLength(10);
    expect(cam.modelSource).toBe('model');
    expect(cam.outputs).toHaveLength(1);
    expect(cam.cam?.output).toBe(0);
    const kernels = await ask({ runId: 'run-1', view: 'kernels' });
    expect(kernels.kernels?.shape).toEqual([3, 3, 1, 4]);
    const features = await ask({ runId: 'run-1', view: 'features', topN: 2 });
    expect(features.features?.channels).toHaveLength(2);
    expect(features.features!.channels[0].mean).toBeGreaterThanOrEqual(features.features!.channels[1].mean);
  }, 120_000);

  it('refuses an unknown node or run with a message, and keeps working', async () => {
    await expect(ask({ runId: 'run-1', view: 'kernels', node: 'logits' })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/not a convolution/) });
    await expect(ask({ runId: 'run-404', view: 'cam' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(ask({ runId: 'run-1', view: 'cam', output: 1 })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/output 1 is out of range: the model has 1 output/) });
    expect((await ask({ runId: 'run-1', view: 'kernels' })).kernels).not.toBeNull();
  }, 120_000);

  it('reads a run still training from its last checkpoint, and reloads when a new epoch overwrites it', async () => {
    const src = path.join(runsDir, 'run-1');
    const ckpt = path.join(runsDir, 'run-2', 'checkpoints', 'last');
    mkdirSync(ckpt, { recursive: true });
    for (const f of readdirSync(path.join(src, 'model'))) copyFileSync(path.join(src, 'model', f), path.join(ckpt, f));
    copyFileSync(path.join(src, 'run.json'), path.join(runsDir, 'run-2', 'run.json'));
    const first = await ask({ runId: 'run-2', view: 'kernels' });
    expect(first.modelSource).toBe('checkpoint');
    // The next epoch's checkpoint: different weights written over the same files.
    const model = await loadModelFiles(tf, path.join(ckpt, 'model.json'));
    model.setWeights(model.getWeights().map((w) => tf.neg(w)));
    await new Promise((r) => setTimeout(r, 20));
    await saveModelFiles(model, ckpt);
    const second = await ask({ runId: 'run-2', view: 'kernels' });
    expect(second.modelTime).toBeGreaterThan(first.modelTime);
    expect(second.kernels!.image).not.toBe(first.kernels!.image);
  }, 120_000);
});
