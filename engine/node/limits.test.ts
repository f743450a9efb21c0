/**
 * Resource budgets: the memory budget (environment or machine), designs refused before allocation with the
 * estimate and the budget named (in-process, the training worker and the CLI as real processes), and images
 * whose headers declare too many pixels refused before decoding.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { DesignBuilder } from '../build/design-builder';
import { serializeDocument } from '../schema/load';
import { DesignError } from '../errors';
import { requireTemplate } from '../../templates/index';
import { TrainingWorkerHost } from '../../electron/training/worker-host';
import { createHostServices, dispatchInvoke } from '../../electron/host-services';
import type { TrainingEvent } from '../../contract/training-protocol';
import { tinyCnn } from './train/test-fixtures';
import { decodeImage } from './train/data/folder';
import { assertWithinMemoryBudget, imageHeaderSize, memoryBudget, MEMORY_BUDGET_ENV } from './limits';

const dir = mkdtempSync(join(tmpdir(), 'layerloom-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = resolve(__dirname, '..', '..');

describe('memory budget', () => {
  it.each([
    ['8GB', 8 * 1024 ** 3], ['512mb', 512 * 1024 ** 2], ['1.5G', 1.5 * 1024 ** 3], ['123456', 123456],
  ])('reads %s from the environment', (raw, bytes) => {
    expect(memoryBudget({ [MEMORY_BUDGET_ENV]: raw })).toEqual({ bytes, source: { setting: raw } });
  });

  it('defaults to half the machine and refuses a bad value naming the variable', () => {
    expect(memoryBudget({})).toEqual({ bytes: Math.floor(totalmem() / 2), source: { machineBytes: totalmem() } });
    for (const raw of ['lots', '-1GB', '0', '8 parsecs']) expect(() => memoryBudget({ [MEMORY_BUDGET_ENV]: raw })).toThrow(new RegExp(`${MEMORY_BUDGET_ENV}=`));
  });

  it('refuses a design over the budget with the estimate and the budget, and passes one under it', () => {
    const vgg = requireTemplate('vgg16').build({});
    const analysis = analyzeDesign(vgg, { batchSize: 256 });
    const budget = { bytes: 2 * 1024 ** 3, source: { setting: '2GB' } };
    let error: unknown;
    try {
      assertWithinMemoryBudget(analysis, { use: 'train', batch: 256 }, budget);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DesignError);
    const message = (error as DesignError).message;
    expect(message).toMatch(/^design: the design needs about \d+\.\d GB to train at batch 256 \(138,357,544 parameters with their gradients/);
    expect(message).toContain(`about ${(analysis.totals.memory.trainingBytes / 1024 ** 3).toFixed(1)} GB`);
    expect(message).toContain('more than the memory budget of 2.0 GB (LAYERLOOM_MEMORY_BUDGET=2GB)');
    expect((error as DesignError).detail).toEqual({ code: 'memory-train', values: { need: expect.stringMatching(/^\d+\.\d GB$/), batch: 256, params: 138_357_544, budget: '2.0 GB', setting: '2GB' } });
    expect((error as DesignError).path).toBe('design');
    expect(() => assertWithinMemoryBudget(analyzeDesign(tinyCnn()), { use: 'train', batch: 32 }, budget)).not.toThrow();
  });
});

describe('the worker and the CLI refuse an over-budget design before building it', () => {
  it('training worker: an error event with the budget, and before choosing a backend or loading data', async () => {
    const previous = process.env[MEMORY_BUDGET_ENV];
    process.env[MEMORY_BUDGET_ENV] = '200KB'; // inherited by the forked worker
    const events: TrainingEvent[] = [];
    let wake = () => {};
    const host = new TrainingWorkerHost({ onEvent: (e) => { events.push(e); wake(); } });
    const until = async (n: number) => { for (let i = 0; i < 600 && events.filter((e) => e.type === 'error' || e.type === 'finished').length < n; i++) await new Promise<void>((r) => { wake = r; setTimeout(r, 100); }); };
    try {
      host.start({ document: tinyCnn() as unknown as Record<string, unknown>, dataset: { kind: 'default' }, backend: 'cpu', outDir: join(dir, 'run'), overrides: { limitTrain: 64, limitTest: 16, epochs: 1 } });
      await until(1);
      const error = events.find((e) => e.type === 'error');
      expect(error).toMatchObject({ type: 'error', code: 'design-error', path: 'design', message: expect.stringMatching(/more than the memory budget of 200\.0 KB \(LAYERLOOM_MEMORY_BUDGET=200KB\)/), detail: { code: 'memory-train', values: expect.objectContaining({ budget: '200.0 KB', setting: '200KB' }) } });
      // Refused before the backend was chosen or the data loaded: no backend or started event.
      expect(events.filter((e) => e.type !== 'log').map((e) => e.type)).toEqual(['error']);
    } finally {
      if (previous === undefined) delete process.env[MEMORY_BUDGET_ENV];
      else process.env[MEMORY_BUDGET_ENV] = previous;
      await host.dispose();
    }
  }, 60_000);

  const cli = (args: string[], budget: string) => spawnSync(process.execPath, [join(root, 'bin', 'layerloom.js'), ...args], {
    cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, [MEMORY_BUDGET_ENV]: budget },
  });

  it('layerloom train: exit 2, the estimate and the budget, no stack trace, nothing written', () => {
    const out = join(dir, 'train-out');
    // 28×28×1 → Flatten → Dense(100,000) → Dense(10): 79.5 million weights, over 1 GB to train.
    const b = new DesignBuilder('wide');
    b.output(b.add('Dense', { units: 10, activation: 'softmax' }, b.add('Dense', { units: 100_000 }, b.add('Flatten', {}, b.input([28, 28, 1])))));
    writeFileSync(join(dir, 'wide.json'), serializeDocument(b.build()));
    const r = cli(['train', join(dir, 'wide.json'), '--dataset', 'default', '--max-batches', '1', '--out', out], '1GB');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the design needs about [\d.]+ GB to train at batch \d+ \(79,500,010 parameters .*more than the memory budget of 1\.0 GB \(LAYERLOOM_MEMORY_BUDGET=1GB\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('layerloom export: tfjs and onnx refused over the budget (no folder written); code formats still written', () => {
    for (const format of ['tfjs', 'onnx']) {
      const out = join(dir, `export-${format}`);
      const r = cli(['export', 'vgg16', '--format', format, '-o', format === 'onnx' ? `${out}.onnx` : out], '100MB');
      expect(r.status, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`needs about [\\d.]+ [MG]B to export as ${format} \\(138,357,544 parameters.*memory budget of 100\\.0 MB`));
      expect(existsSync(out) || existsSync(`${out}.onnx`)).toBe(false);
    }
    const keras = cli(['export', 'vgg16', '--format', 'keras', '-o', join(dir, 'vgg.py')], '100MB');
    expect(keras.status, keras.stderr).toBe(0);
  }, 120_000);
});

describe('the app (host services) refuses a weight export over the budget', () => {
  it('answers too-large with the estimate and the budget, and writes nothing', async () => {
    const previous = process.env[MEMORY_BUDGET_ENV];
    process.env[MEMORY_BUDGET_ENV] = '100MB';
    try {
      const docs = join(dir, 'host-docs');
      mkdirSync(docs, { recursive: true });
      const host = createHostServices({ mode: 'browser', version: 't', userDataDir: join(dir, 'host-user'), documentsDir: docs });
      const document = requireTemplate('vgg16').build({}) as unknown as Record<string, unknown>;
      const result = await dispatchInvoke(host, 'modelExport', { document, format: 'tfjs', path: 'vgg-tfjs' });
      expect(result).toMatchObject({ ok: false, error: { code: 'too-large', path: 'document', message: expect.stringMatching(/to export as tfjs \(138,357,544 parameters.*memory budget of 100\.0 MB/), detail: { code: 'memory-export', values: expect.objectContaining({ format: 'tfjs', params: 138_357_544 }) } } });
      expect(existsSync(join(docs, 'vgg-tfjs'))).toBe(false);
      await host.dispose();
    } finally {
      if (previous === undefined) delete process.env[MEMORY_BUDGET_ENV];
      else process.env[MEMORY_BUDGET_ENV] = previous;
    }
  });
});

describe('image headers are checked before decoding', () => {
  const png = (w: number, h: number) => { const p = new PNG({ width: w, height: h }); p.data.fill(128); return PNG.sync.write(p); };
  const jpg = (w: number, h: number) => Buffer.from(jpeg.encode({ width: w, height: h, data: Buffer.alloc(w * h * 4, 100) }, 80).data);

  it('reads PNG and JPEG dimensions from the header', () => {
    expect(imageHeaderSize(png(7, 5))).toEqual({ width: 7, height: 5 });
    expect(imageHeaderSize(jpg(9, 4))).toEqual({ width: 9, height: 4 });
    expect(imageHeaderSize(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(imageHeaderSize(jpg(9, 4).subarray(0, 30))).toBeNull();
  });

  it('refuses a small file declaring a huge image without decoding it; normal images still decode', () => {
    mkdirSync(join(dir, 'img'), { recursive: true });
    const bombPng = png(4, 4);
    bombPng.writeUInt32BE(100_000, 16);
    bombPng.writeUInt32BE(100_000, 20);
    writeFileSync(join(dir, 'img', 'bomb.png'), bombPng);
    const bombJpg = jpg(8, 8);
    const sof = bombJpg.indexOf(Buffer.from([0xff, 0xc0]));
    bombJpg.writeUInt16BE(60_000, sof + 5);
    bombJpg.writeUInt16BE(60_000, sof + 7);
    writeFileSync(join(dir, 'img', 'bomb.jpg'), bombJpg);
    expect(() => decodeImage(join(dir, 'img', 'bomb.png'))).toThrow(/bomb\.png declares 100000×100000 pixels \(10000\.0 MP\), more than the 64 MP .* it was not decoded/);
    expect(() => decodeImage(join(dir, 'img', 'bomb.jpg'))).toThrow(/bomb\.jpg declares 60000×60000 pixels/);
    writeFileSync(join(dir, 'img', 'ok.png'), png(6, 3));
    expect(decodeImage(join(dir, 'img', 'ok.png'))).toMatchObject({ width: 6, height: 3 });
  });
});
