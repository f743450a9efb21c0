import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTemplate } from '../../templates/index';
import { analyzeDesign } from '../analysis/analyze';
import { importModelText } from '../import/import-model';
import type { DesignDocument } from '../schema/document';
import { compileModel } from '../compile/compile';
import { exportTfjs } from './export-tfjs';
import { loadModelFiles, saveModelFiles } from './model-files';

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'layerloom-model-files-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveModelFiles / loadModelFiles', () => {
  it('writes model.json + weights.bin that tfjs loads back with the same weights and predictions', async () => {
    const model = compileModel(requireTemplate('fashion-cnn').build(), tf);
    const out = path.join(dir, 'fashion');
    const saved = await saveModelFiles(model, out);
    expect(saved.weightBytes).toBe(model.countParams() * 4);
    const json = JSON.parse(await readFile(saved.modelJson, 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.modelTopology.class_name).toBe('Model');

    const loaded = await loadModelFiles(tf, saved.modelJson);
    expect(loaded.countParams()).toBe(model.countParams());
    const x = tf.randomUniform([2, 28, 28, 1]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('exportTfjs compiles a document and writes its files', async () => {
    const doc = requireTemplate('lenet5').build();
    const out = path.join(dir, 'lenet');
    const result = await exportTfjs(doc, out);
    expect(result.params).toBe(61_706);
    expect(result.weightBytes).toBe(61_706 * 4);
    const loaded = await loadModelFiles(tf, path.join(out, 'model.json'));
    expect(loaded.getLayer('c1').outputShape).toEqual([null, 28, 28, 6]);
    loaded.dispose();
  });
});

/** document -> compiled model -> model.json -> imported document. */
async function roundTrip(doc: DesignDocument, name: string): Promise<DesignDocument> {
  const model = compileModel(doc, tf);
  const saved = await saveModelFiles(model, path.join(dir, name));
  model.dispose();
  return importModelText(await readFile(saved.modelJson, 'utf8'), { fileName: 'model.json' });
}

describe('round trip document -> model.json -> document', () => {
  it.each([
    ['fashion-cnn', undefined],
    ['googlenet', { inputShape: [32, 32, 3], classes: 10 }],
    ['se-resnet50', { inputShape: [32, 32, 3], classes: 5 }],
    ['mobilenetv2', { inputShape: [32, 32, 3], classes: 10 }],
    ['resnet18', { inputShape: [28, 28, 1], classes: 10 }],
  ] as const)('%s keeps structure and parameter count', async (name, options) => {
    const doc = requireTemplate(name).build(options ? { inputShape: [...options.inputShape], classes: options.classes } : undefined);
    const before = analyzeDesign(doc);
    const imported = await roundTrip(doc, `rt-${name}`);
    const after = analyzeDesign(imported);
    expect(after.valid).toBe(true);
    expect(after.totals.params).toBe(before.totals.params);
    expect(after.totals.trainableParams).toBe(before.totals.trainableParams);
    // Same layers (composites come back expanded), same types, params, inputs and shapes, by layer name.
    const summarize = (a: typeof before) =>
      a.flat
        .filter((n) => n.type !== 'Output')
        .map((n) => ({
          layer: n.layerName,
          type: n.type,
          layerConfig: n.layer,
          inputs: n.inputs.map((i) => a.flat.find((m) => m.id === i)!.layerName),
          shape: n.outputShape,
        }))
        // tfjs writes layers in its own (also topological) order.
        .sort((x, y) => x.layer.localeCompare(y.layer));
    expect(summarize(after)).toEqual(summarize(before));
    const losses = (a: typeof before) => a.flat.filter((n) => n.type === 'Output').map((n) => n.params.loss);
    expect(losses(after)).toEqual(losses(before));
  });
});
