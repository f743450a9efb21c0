/**
 * Hostile inputs at scale, in process: at least 2,000 seeded mutations of real inputs and plain garbage go
 * through the loaders and the engine (design documents → schema, analysis and code generation; Keras/tfjs
 * model.json and ONNX files → importers; IDX and CIFAR-10 files → dataset parsers; PNG and JPEG files → the
 * image decoder). Each must be accepted or refused with a `DesignError` whose message names the problem —
 * never another exception (a crash in the app) — within a per-input time limit. The seed and the counts per
 * kind are printed; `LAYERLOOM_FUZZ_SEED` replays a run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTemplate } from '../../../templates/index';
import { analyzeDesign } from '../../analysis/analyze';
import { generateCode } from '../../codegen';
import { DesignError } from '../../errors';
import { importModelText } from '../../import/import-model';
import { exportOnnx, importOnnx } from '../../onnx';
import { parseDocumentText, serializeDocument } from '../../schema/load';
import { parseCifarBatches } from '../train/data/cifar';
import { decodeImage } from '../train/data/folder';
import { encodeIdx, parseIdx } from '../train/data/idx';
import { brokenText, jpegBytes, mutateBytes, mutateJson, pngBytes, pngClaiming, Rand } from './test-hostile-inputs';

const SEED = Number(process.env.LAYERLOOM_FUZZ_SEED ?? 20261127);
/** Longest one input may take (generous: a shared 2-core machine). */
const LIMIT_MS = 5000;

interface Outcome {
  kind: string;
  accepted: number;
  refused: number;
  failures: string[];
  slowest: number;
}

/** Runs `check` on each input: acceptance or a DesignError with a message is fine; anything else is a failure. */
function run<T>(kind: string, inputs: T[], check: (input: T) => unknown, describeInput: (input: T, i: number) => string): Outcome {
  const o: Outcome = { kind, accepted: 0, refused: 0, failures: [], slowest: 0 };
  inputs.forEach((input, i) => {
    const t0 = performance.now();
    try {
      check(input);
      o.accepted++;
    } catch (err) {
      if (err instanceof DesignError && err.message.trim().length > 10 && !/\n\s+at /.test(err.message)) o.refused++;
      else o.failures.push(`${describeInput(input, i)}: ${(err as Error)?.constructor?.name} ${String((err as Error)?.message ?? err).slice(0, 200)}`);
    }
    const ms = performance.now() - t0;
    o.slowest = Math.max(o.slowest, ms);
    if (ms > LIMIT_MS) o.failures.push(`${describeInput(input, i)}: took ${ms.toFixed(0)} ms (limit ${LIMIT_MS})`);
  });
  return o;
}

const report = (o: Outcome) => `${o.kind}: ${o.accepted + o.refused} inputs, ${o.accepted} accepted, ${o.refused} refused with a message, ${o.failures.length} failures; slowest ${o.slowest.toFixed(0)} ms`;

describe(`hostile inputs (seed ${SEED}; LAYERLOOM_FUZZ_SEED=${SEED} replays)`, () => {
  const r = new Rand(SEED);
  const outcomes: Outcome[] = [];

  it('design documents: schema, analysis and code generation refuse cleanly', () => {
    const bases = ['lenet5', 'fashion-cnn', 'resnet18', 'mobilenetv2', 'ghostnet'].map((n) => JSON.parse(serializeDocument(requireTemplate(n).build())));
    const inputs: string[] = [];
    for (let i = 0; i < 900; i++) {
      const base = r.pick(bases);
      inputs.push(i % 10 === 9 ? brokenText(JSON.stringify(base), r) : JSON.stringify(mutateJson(base, r)));
    }
    const o = run('design documents', inputs, (text) => {
      const doc = parseDocumentText(text, 'fuzz.json');
      const analysis = analyzeDesign(doc);
      if (analysis.valid) for (const target of ['ts', 'keras', 'pytorch'] as const) {
        try {
          generateCode(doc, target);
        } catch (err) {
          if (!(err instanceof DesignError)) throw err;
        }
      }
    }, (_t, i) => `design #${i}`);
    outcomes.push(o);
    console.log(report(o));
    expect(o.failures.slice(0, 5)).toEqual([]);
    // No mutation may have reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 240_000);

  it('Keras and tfjs model.json files: the importer refuses cleanly', () => {
    const dir = path.resolve(__dirname, '../../import/fixtures');
    const bases = ['mobilenet_1.00_224.keras-2.2.0.json', 'mobilenet_0.25_224.tfjs-layers-model.json', 'vgg16-finetuned-8-classes.tfjs-layers-model.json'].map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    const inputs: string[] = [];
    for (let i = 0; i < 500; i++) {
      const base = r.pick(bases);
      inputs.push(i % 10 === 9 ? brokenText(JSON.stringify(base), r) : JSON.stringify(mutateJson(base, r)));
    }
    const o = run('model.json files', inputs, (text) => analyzeDesign(importModelText(text, { fileName: 'fuzz-model.json' })), (_t, i) => `model.json #${i}`);
    outcomes.push(o);
    console.log(report(o));
    expect(o.failures.slice(0, 5)).toEqual([]);
  }, 240_000);

  it('ONNX files: the importer refuses cleanly', () => {
    const bases = ['fashion-cnn', 'lenet5'].map((n) => exportOnnx(requireTemplate(n).build()).bytes);
    const inputs = Array.from({ length: 200 }, () => mutateBytes(r.pick(bases), r));
    const o = run('ONNX files', inputs, (bytes) => importOnnx(bytes, { fileName: 'fuzz.onnx' }), (b, i) => `onnx #${i} (${b.length} bytes)`);
    outcomes.push(o);
    console.log(report(o));
    expect(o.failures.slice(0, 5)).toEqual([]);
  }, 240_000);

  it('IDX and CIFAR-10 files: wrong magic numbers, counts and truncated bodies are refused cleanly', () => {
    const images = new Uint8Array(20 * 28 * 28).map((_, i) => i % 251);
    const idxBases = [encodeIdx([20, 28, 28], images, false), encodeIdx([20, 28, 28], images, true), encodeIdx([20], new Uint8Array(20).fill(3), false)];
    const idx = run('IDX files', Array.from({ length: 300 }, () => mutateBytes(r.pick(idxBases), r)), (b) => parseIdx(b, 'fuzz-idx'), (b, i) => `idx #${i} (${b.length} bytes)`);
    const record = new Uint8Array(3073).map((_, i) => (i === 0 ? 4 : i % 255));
    const cifarBase = new Uint8Array(3073 * 4);
    for (let k = 0; k < 4; k++) cifarBase.set(record, k * 3073);
    const cifar = run('CIFAR-10 files', Array.from({ length: 200 }, () => mutateBytes(cifarBase, r)), (b) => parseCifarBatches([b], 'fuzz-cifar'), (b, i) => `cifar #${i} (${b.length} bytes)`);
    outcomes.push(idx, cifar);
    console.log(report(idx));
    console.log(report(cifar));
    expect([...idx.failures, ...cifar.failures].slice(0, 5)).toEqual([]);
  });

  it('PNG and JPEG files: corrupt, empty and enormous images are refused cleanly', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-fuzz-'));
    const files: string[] = [];
    for (let i = 0; i < 200; i++) {
      const kind = i % 5;
      const ext = kind === 1 || kind === 3 ? '.jpg' : '.png';
      const bytes = kind === 0 ? mutateBytes(pngBytes(8, 6, r), r)
        : kind === 1 ? mutateBytes(jpegBytes(8, 6, r), r)
          : kind === 2 ? pngClaiming(1 + r.int(200_000), 1 + r.int(200_000), r)
            : kind === 3 ? new Uint8Array(0)
              : pngBytes(1 + r.int(4), 1 + r.int(4), r);
      const file = path.join(dir, `img${i}${ext}`);
      writeFileSync(file, bytes);
      files.push(file);
    }
    const o = run('image files', files, (file) => decodeImage(file), (f) => path.basename(f));
    outcomes.push(o);
    console.log(report(o));
    expect(o.failures.slice(0, 5)).toEqual([]);
  });

  it('covers at least 2,000 inputs in all', () => {
    const total = outcomes.reduce((n, o) => n + o.accepted + o.refused + o.failures.length, 0);
    console.log(`hostile inputs: ${total} in all (seed ${SEED})`);
    expect(total).toBeGreaterThanOrEqual(2000);
  });
});
