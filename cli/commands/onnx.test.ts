/**
 * `layerloom export --format onnx` and `layerloom import model.onnx` as a user runs them: real files, a real
 * (tiny) training run whose trained weights must reach the .onnx file (checked in onnxruntime against the run's
 * own tfjs model), clear refusals that write nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../../engine/analysis/analyze';
import { DesignBuilder } from '../../engine/build/design-builder';
import { loadModelFiles } from '../../engine/node/model-files';
import { toChannelsFirstPerm, transpose } from '../../engine/onnx/layout';
import { loadOrt, maxAbsDiff, randomInput } from '../../engine/onnx/test-onnx';
import { parseDocumentText, serializeDocument } from '../../engine/schema/load';
import { requireTemplate } from '../../templates';

const dir = path.resolve('test-results', 'codegen-tmp', `cli-onnx-${process.pid}`);
const at = (name: string) => path.join(dir, name);
const { ort, skip: ortSkip } = loadOrt();

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/layerloom.js', ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (ortSkip) console.log(`SKIP onnxruntime checks: ${ortSkip}`);
});

describe('layerloom export --format onnx / import model.onnx', () => {
  it('exports a template and imports it back with the same parameter count', () => {
    const ex = cli('export', 'resnet18', '--input', '32x32x3', '--format', 'onnx', '-o', at('resnet18.onnx'));
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/wrote .*resnet18\.onnx \(ONNX opset 17, .*fresh weights; [\d,]+ parameters\)/);
    const im = cli('import', at('resnet18.onnx'), '-o', at('resnet18.json'));
    expect(im.code, im.stderr).toBe(0);
    const doc = parseDocumentText(readFileSync(at('resnet18.json'), 'utf8'), 'resnet18.json');
    const want = analyzeDesign(requireTemplate('resnet18').build({ inputShape: [32, 32, 3] })).totals.params;
    expect(analyzeDesign(doc).totals.params).toBe(want);
    expect(im.stdout).toContain(`Parameters: ${want.toLocaleString('en-US')}`);
  });

  it('writes model.onnx into an existing folder', () => {
    mkdirSync(at('folder'));
    const r = cli('export', 'lenet5', '--format', 'onnx', '-o', at('folder'));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(at('folder/model.onnx'))).toBe(true);
  });

  it('refuses a design ONNX cannot express, naming the node, and writes nothing', () => {
    const b = new DesignBuilder('deformable');
    const x = b.add('DeformableConv2D', { filters: 4 }, b.input([12, 12, 3]), 'wobbly');
    b.output(b.add('Dense', { units: 2 }, b.add('Flatten', {}, x)));
    writeFileSync(at('deformable.json'), serializeDocument(b.build()));
    const r = cli('export', at('deformable.json'), '--format', 'onnx', '-o', at('deformable.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wobbly: .* layers cannot be exported to ONNX/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(at('deformable.onnx'))).toBe(false);
  });

  it('refuses a file that is not ONNX and an operator LayerLoom has no block for, and writes no document', () => {
    writeFileSync(at('text.onnx'), 'this is not a protobuf');
    const bad = cli('import', at('text.onnx'), '-o', at('text.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/text\.onnx is not an ONNX model/);
    expect(existsSync(at('text.json'))).toBe(false);
    const lrn = '/usr/share/libonnx-testdata/data/node/test_lrn/model.onnx';
    if (!existsSync(lrn)) return console.log(`SKIP the unsupported-operator case: ${lrn} is missing (libonnx-testdata)`);
    const r = cli('import', lrn, '-o', at('lrn.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LRN node '[^']*': operator 'LRN' has no LayerLoom block/);
    expect(existsSync(at('lrn.json'))).toBe(false);
  });
});

/** A real (tiny) training run folder: its trained weights must be the ones in the ONNX file. */
describe('layerloom export --format onnx from a training run folder', () => {
  const runDir = at('run');
  beforeAll(() => {
    const r = spawnSync(process.execPath, ['bin/layerloom.js', 'train', 'lenet5', '--epochs', '1', '--limit-train', '64', '--limit-test', '32', '--batch', '32', '--out', runDir], { encoding: 'utf8', timeout: 150_000 });
    expect(r.status, r.stderr).toBe(0);
  }, 160_000);

  it.skipIf(!ort)('runs in onnxruntime like the run\'s trained tfjs model', async () => {
    const r = cli('export', runDir, '--format', 'onnx', '-o', at('trained.onnx'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('trained weights from');
    const trained = await loadModelFiles(tf, path.join(runDir, 'model', 'model.json'));
    const inShape = trained.inputs[0].shape.slice(1) as number[];
    const dims = [3, ...inShape];
    const x = randomInput(dims.reduce((a, b) => a * b, 1), 5);
    const want = (trained.predict(tf.tensor(x, dims)) as tf.Tensor).dataSync() as Float32Array;
    trained.dispose();
    const session = await ort!.InferenceSession.create(new Uint8Array(readFileSync(at('trained.onnx'))));
    const cf = transpose(x, dims, toChannelsFirstPerm(inShape.length));
    const out = await session.run({ [session.inputNames[0]]: new ort!.Tensor('float32', cf.data, cf.dims) });
    expect(maxAbsDiff(out[session.outputNames[0]].data as Float32Array, want)).toBeLessThan(1e-4);
    // Fresh weights would give other predictions: the comparison above would catch a file without the trained ones.
    const fresh = cli('export', 'lenet5', '--input', inShape.join('x'), '--format', 'onnx', '-o', at('fresh.onnx'));
    expect(fresh.code, fresh.stderr).toBe(0);
    const s2 = await ort!.InferenceSession.create(new Uint8Array(readFileSync(at('fresh.onnx'))));
    const o2 = await s2.run({ [s2.inputNames[0]]: new ort!.Tensor('float32', cf.data, cf.dims) });
    expect(maxAbsDiff(o2[s2.outputNames[0]].data as Float32Array, want)).toBeGreaterThan(1e-3);

    // Round trip with the weights: import the .onnx keeping its weights, export the design with them again.
    const im = cli('import', at('trained.onnx'), '-o', at('trained.json'), '--weights', at('trained-weights'));
    expect(im.code, im.stderr).toBe(0);
    expect(im.stdout).toContain('use it with: layerloom export');
    const again = cli('export', at('trained.json'), '--run', at('trained-weights'), '--format', 'onnx', '-o', at('again.onnx'));
    expect(again.code, again.stderr).toBe(0);
    const s3 = await ort!.InferenceSession.create(new Uint8Array(readFileSync(at('again.onnx'))));
    const o3 = await s3.run({ [s3.inputNames[0]]: new ort!.Tensor('float32', cf.data, cf.dims) });
    expect(maxAbsDiff(o3[s3.outputNames[0]].data as Float32Array, want)).toBeLessThan(1e-4);
  });
});
