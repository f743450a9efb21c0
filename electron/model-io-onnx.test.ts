/** ONNX through the host's model-file channels (File ▸ Export… / Import model… in both app modes). */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, IMPORT_FORMATS, WEIGHTS_FORMATS } from '../contract/model-io';
import { analyzeDesign } from '../engine/analysis/analyze';
import { DesignBuilder } from '../engine/build/design-builder';
import { decodeModel } from '../engine/onnx/proto';
import { parseDocument } from '../engine/schema/load';
import { requireTemplate } from '../templates';
import { createHostServices, dispatchInvoke, type HostHandlers } from './host-services';

let dir: string;
let docs: string;
let host: HostHandlers;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-onnx-io-'));
  docs = join(dir, 'docs');
  await mkdir(docs);
  host = createHostServices({ mode: 'browser', version: 't', userDataDir: join(dir, 'user'), documentsDir: docs });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('ONNX model files through the host', () => {
  it('is listed for export (with trained weights) and import', () => {
    expect(EXPORT_FORMATS.find((f) => f.id === 'onnx')).toMatchObject({ output: 'file', defaultName: 'model.onnx' });
    expect(WEIGHTS_FORMATS.has('onnx')).toBe(true);
    expect(IMPORT_FORMATS.some((f) => f.id === 'onnx')).toBe(true);
  });

  it('exports a design to .onnx and imports it back as a laid-out design with the same parameter count', async () => {
    const doc = requireTemplate('mobilenetv2').build({ inputShape: [32, 32, 3] });
    const res = await dispatchInvoke(host, 'modelExport', { document: doc, format: 'onnx', path: 'mobile.onnx' });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect((res as { value: { files: string[] } }).value.files).toEqual([join(docs, 'mobile.onnx')]);
    const model = decodeModel(new Uint8Array(await readFile(join(docs, 'mobile.onnx'))));
    expect(model.opsetImport?.[0]?.version).toBe(17);
    const back = await dispatchInvoke(host, 'modelImport', { path: 'mobile.onnx' });
    expect(back.ok, JSON.stringify(back)).toBe(true);
    const value = (back as { value: { document: unknown; layers: number } }).value;
    const imported = parseDocument(value.document);
    expect(analyzeDesign(imported).totals.params).toBe(analyzeDesign(doc).totals.params);
    expect(new Set(imported.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(imported.nodes.length);
  });

  it('refuses a broken .onnx file naming it, and a design ONNX cannot express without writing a file', async () => {
    await writeFile(join(docs, 'broken.onnx'), Buffer.from([0x08, 0x07, 0x3a, 0xff, 0xff, 0x01]));
    const bad = await dispatchInvoke(host, 'modelImport', { path: 'broken.onnx' });
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.error.code).toBe('bad-model');
    expect(bad.ok === false && bad.error.message).toMatch(/broken\.onnx.*not an ONNX model/);
    const missing = await dispatchInvoke(host, 'modelImport', { path: 'nope.onnx' });
    expect(missing.ok === false && missing.error.code).toBe('not-found');

    const doc = requireTemplate('lenet5').build();
    const wrongRun = await dispatchInvoke(host, 'modelExport', { document: doc, format: 'onnx', path: 'x.onnx', runDir: 'no-such-run' });
    expect(wrongRun.ok === false && wrongRun.error.message).toMatch(/no such run folder/);
    expect(wrongRun.ok === false && wrongRun.error.detail).toEqual({ code: 'run-missing', values: { dir: join(docs, 'no-such-run') } });
    await expect(stat(join(docs, 'x.onnx'))).rejects.toThrow();

    // What ONNX cannot express: the message names the file and the node; the detail says the same by code, layer by layer.
    const b = new DesignBuilder('dcn');
    b.output(b.add('Dense', { units: 2 }, b.add('Flatten', {}, b.add('DeformableConv2D', { filters: 2 }, b.input([8, 8, 1]), 'dcn1'))));
    const refused = await dispatchInvoke(host, 'modelExport', { document: b.build(), format: 'onnx', path: 'dcn.onnx' });
    if (refused.ok) throw new Error('the export was not refused');
    const file = join(docs, 'dcn.onnx');
    expect(refused.error.message).toMatch(new RegExp(`^${file}: .*cannot export to ONNX: dcn1: DeformableConv2D layers cannot be exported to ONNX`));
    expect(refused.error.detail).toMatchObject({ code: 'at-file', values: { file }, cause: { code: 'export-onnx-refused', cause: { code: 'export-feature', values: { node: 'dcn1' }, cause: { code: 'export-layer-class', values: { className: 'DeformableConv2D', target: 'ONNX' } } } } });
    await expect(stat(file)).rejects.toThrow();
  });

  it('a path outside the documents folder is refused by code + values', async () => {
    const res = await dispatchInvoke(host, 'modelExport', { document: requireTemplate('lenet5').build(), format: 'ts', path: '/etc/x.ts' });
    expect(res.ok === false && res.error).toMatchObject({ code: 'permission-denied', detail: { code: 'path-outside', values: { path: '/etc/x.ts' } } });
  });
});
