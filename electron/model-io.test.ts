import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesignBuilder } from '../engine/build/design-builder';
import { analyzeDesign } from '../engine/analysis/analyze';
import { errorDetailEnglish, type ErrorDetail } from '../engine/messages';
import { parseDocument } from '../engine/schema/load';
import { requireTemplate } from '../templates';
import { createHostServices, dispatchInvoke, type HostHandlers } from './host-services';

const FIXTURES = join('engine', 'import', 'fixtures');
let dir: string;
let docs: string;
let host: HostHandlers;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-model-io-'));
  docs = join(dir, 'docs');
  await mkdir(docs);
  host = createHostServices({ mode: 'browser', version: 't', userDataDir: join(dir, 'user'), documentsDir: docs, allowedRoots: null }); // fixtures and runs live outside docs; confinement is server-security.test.ts
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Weight count of a tfjs model.json, from its manifest (what the file's writer says, not our engine). */
async function manifestParams(file: string): Promise<number> {
  const json = JSON.parse(await readFile(file, 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
  return json.weightsManifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}

describe('model files through the host', () => {
  it('imports a real tfjs Layers model.json as a design with the parameter count its weights manifest declares', async () => {
    const file = join(FIXTURES, 'vgg16-finetuned-8-classes.tfjs-layers-model.json');
    const res = await dispatchInvoke(host, 'modelImport', { path: join(process.cwd(), file) });
    expect(res.ok).toBe(true);
    const value = (res as { value: { document: unknown; layers: number } }).value;
    const doc = parseDocument(value.document);
    expect(analyzeDesign(doc).totals.params).toBe(await manifestParams(file));
    expect(value.layers).toBeGreaterThan(20);
    // Laid out: nodes are not piled at the origin.
    expect(new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(doc.nodes.length);
  });

  it.each([
    ['an unknown layer class', (l: Record<string, unknown>) => (l.class_name = 'FancyConv'), /layer 'block2_conv1' has class FancyConv/, { code: 'import-layer-class', values: { layer: 'block2_conv1', className: 'FancyConv' } }],
    ['a bad field', (l: Record<string, unknown>) => ((l.config as Record<string, unknown>).filters = 'many'), /block2_conv1.*filters.*expected a number/, { code: 'import-refused', diagnostics: [{ code: 'invalid-params', subject: { name: 'block2_conv1' } }] }],
    ['a setting no block expresses', (l: Record<string, unknown>) => ((l.config as Record<string, unknown>).data_format = 'channels_first'), /block2_conv1.*data_format 'channels_first' \(only channels_last\)/, { code: 'import-layer-setting-channels-last', values: { layer: 'block2_conv1', className: 'Conv2D', setting: "data_format 'channels_first'" } }],
  ])('refuses a model file with %s, naming the layer and field, by code + values too', async (_what, breakIt, message, cause) => {
    const json = JSON.parse(await readFile(join(FIXTURES, 'vgg16-finetuned-8-classes.tfjs-layers-model.json'), 'utf8'));
    const layer = json.modelTopology.model_config.config.layers.find((l: { name: string }) => l.name === 'block2_conv1');
    breakIt(layer);
    await writeFile(join(docs, 'broken.json'), JSON.stringify(json));
    const res = await dispatchInvoke(host, 'modelImport', { path: 'broken.json' });
    expect(res.ok).toBe(false);
    const error = (res as { error: { code: string; message: string; detail?: unknown } }).error;
    expect(error.code).toBe('bad-model');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('broken.json');
    // The same by code + values (the app writes it in its language): the file, then what is wrong in it.
    expect(error).toMatchObject({ detail: { code: 'at-file', values: { file: join(docs, 'broken.json') }, cause } });
    expect(errorDetailEnglish(error.detail as ErrorDetail)).toBe(error.message);
  });

  it('imports a real Keras model.to_json() file (MobileNet 1.0) with Keras\' parameter count', async () => {
    const res = await host.modelImport({ path: join(process.cwd(), FIXTURES, 'mobilenet_1.00_224.keras-2.2.0.json') });
    const analysis = analyzeDesign(parseDocument(res.document));
    // keras.applications.MobileNet(alpha=1.0) summary: 4,253,864 total, 4,231,976 trainable.
    expect(analysis.totals.params).toBe(4_253_864);
    expect(analysis.totals.trainableParams).toBe(4_231_976);
  });

  it('refuses text that is not JSON, and a missing file', async () => {
    await writeFile(join(docs, 'notjson.json'), '{ "modelTopology": ');
    const bad = await dispatchInvoke(host, 'modelImport', { path: 'notjson.json' });
    expect(bad.ok === false && bad.error.message).toMatch(/not valid JSON/);
    expect(bad.ok === false && bad.error.detail).toMatchObject({ code: 'at-file', cause: { code: 'json-syntax', values: { file: 'notjson.json' } } });
    const missing = await dispatchInvoke(host, 'modelImport', { path: 'nope.json' });
    expect(missing.ok === false && missing.error.code).toBe('not-found');
  });

  it('exports every format, relative paths in the documents folder', async () => {
    const doc = requireTemplate('lenet5').build();
    const files: Record<string, string[]> = {};
    for (const format of ['ts', 'keras', 'pytorch', 'tfjs'] as const) {
      const res = await dispatchInvoke(host, 'modelExport', { document: doc, format, path: `out-${format}${format === 'ts' ? '.ts' : format === 'keras' ? '.py' : ''}` });
      expect(res.ok, JSON.stringify(res)).toBe(true);
      files[format] = (res as { value: { files: string[] } }).value.files;
    }
    expect(files.ts).toEqual([join(docs, 'out-ts.ts')]);
    expect(await readFile(files.ts[0], 'utf8')).toContain('export function buildModel()');
    expect(files.pytorch.map((f) => f.slice(docs.length + 1)).sort()).toEqual(['out-pytorch/model.py', 'out-pytorch/train.py']);
    expect(await manifestParams(join(docs, 'out-tfjs', 'model.json'))).toBe(analyzeDesign(doc).totals.params);
  });

  it('refuses a design the target cannot express, writing nothing', async () => {
    const b = new DesignBuilder('half BN');
    b.output(b.add('BatchNormalization', { center: true, scale: false }, b.add('Dense', { units: 4 }, b.input([8])), 'half_bn'));
    const res = await dispatchInvoke(host, 'modelExport', { document: b.build(), format: 'pytorch', path: 'torch' });
    expect(res.ok === false && res.error.message).toMatch(/cannot export to pytorch[\s\S]*half_bn/);
    expect(await readdir(docs)).toEqual([]);
  });

  it('writes the code panel’s file atomically', async () => {
    const res = await host.codeFileWrite({ path: 'm.py', text: 'print(1)\n' });
    expect(res).toEqual({ path: join(docs, 'm.py'), bytes: 9 });
    expect(await readdir(docs)).toEqual(['m.py']);
  });

  it('exports tfjs with the trained weights of a real run folder, and refuses a run of another design', async () => {
    const run = join(dir, 'run');
    const r = spawnSync(process.execPath, ['bin/layerloom.js', 'train', 'lenet5', '--epochs', '1', '--limit-train', '64', '--limit-test', '32', '--batch', '32', '--out', run], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const doc = requireTemplate('lenet5').build({ inputShape: [28, 28, 1] });
    const ok = await host.modelExport({ document: doc, format: 'tfjs', path: 'trained', runDir: run });
    expect(ok.trainedFrom).toBe(join(run, 'model', 'model.json'));
    expect((await readFile(join(docs, 'trained', 'weights.bin'))).equals(await readFile(join(run, 'model', 'weights.bin')))).toBe(true);

    const other = await dispatchInvoke(host, 'modelExport', { document: requireTemplate('lenet5').build(), format: 'tfjs', path: 'other', runDir: run });
    expect(other.ok === false && other.error.message).toMatch(/layer 'c5' has weights \[256x120, 120\] but the design's layer 'c5' needs \[400x120, 120\]/);
    const code = await dispatchInvoke(host, 'modelExport', { document: doc, format: 'keras', path: 'k.py', runDir: run });
    expect(code.ok === false && code.error.message).toMatch(/trained weights go only into the tfjs format/);
    expect((await readdir(docs)).sort()).toEqual(['trained']);
  }, 130_000);
});
