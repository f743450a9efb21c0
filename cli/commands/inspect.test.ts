import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFiles } from '../../engine/node/model-files';
import { TrainingControl } from '../../engine/node/train/control';
import { loadDataset } from '../../engine/node/train/data/dataset';
import { runTraining } from '../../engine/node/train/loop';
import { tinyCnn } from '../../engine/node/train/test-fixtures';
import { serializeDocument } from '../../engine/schema/load';

const dir = path.resolve('test-results', 'inspect-tmp', `cli-inspect-${process.pid}`);
const runDir = path.join(dir, 'run');
const at = (name: string) => path.join(dir, name);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/layerloom.js', 'inspect', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await tf.setBackend('cpu');
  // A real run folder, as `layerloom train --out DIR` writes it (tiny model, a few batches).
  const doc = tinyCnn();
  await runTraining({
    tf,
    document: doc,
    dataset: loadDataset({ kind: 'default' }),
    datasetSpec: { kind: 'default' },
    overrides: { limitTrain: 320, limitTest: 20, batchSize: 32, epochs: 1, validationSplit: 0 },
    outDir: runDir,
    backend: { name: 'cpu', reason: 'test', skipped: [] },
    emit: () => undefined,
    control: new TrainingControl(),
  });
  // The app's run history adds the design snapshot; the canvas names then work too.
  writeFileSync(path.join(runDir, 'design.json'), serializeDocument(doc));
  mkdirSync(at('empty'));
  const png = new PNG({ width: 32, height: 32 });
  png.data.fill(128);
  writeFileSync(at('wrong-size.png'), PNG.sync.write(png));
  const ok = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 28 * 28; i++) ok.data.set([(i % 28) * 9, 0, 0, 255], i * 4);
  writeFileSync(at('ok.png'), PNG.sync.write(ok));
}, 120_000);

describe('layerloom inspect --json', () => {
  it('cam: the predicted class, probabilities and a heat map at the input resolution in [0, 1]', () => {
    const r = cli(runDir, '--what', 'cam', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.node).toBe('conv');
    expect(j.probabilities).toHaveLength(10);
    expect(j.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    expect(j.predicted).toBe(j.probabilities.indexOf(Math.max(...j.probabilities)));
    expect(j.class).toBe(j.predicted);
    expect(j.heatmap).toHaveLength(28);
    expect(j.heatmap.every((row: number[]) => row.length === 28 && row.every((v) => v >= 0 && v <= 1))).toBe(true);
    const chosen = JSON.parse(cli(runDir, '--what', 'cam', '--class', '3', '--sample', '5', '--json').stdout);
    expect(chosen.class).toBe(3);
    expect(chosen.sample).toMatch(/test #5$/);
  });

  it("kernels: the trained model's own weights with their [kh, kw, in, out] shape", async () => {
    const r = cli(runDir, '--what', 'kernels', '--node', 'conv', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.shape).toEqual([3, 3, 1, 4]);
    const model = await loadModelFiles(tf, path.join(runDir, 'model', 'model.json'));
    const ref = model.getLayer('conv').getWeights()[0].dataSync();
    expect(j.weights).toHaveLength(36);
    j.weights.forEach((w: number, i: number) => expect(w).toBeCloseTo(ref[i], 5));
  });

  it('features: top channels by mean, highest first, for a sample image file', () => {
    const r = cli(runDir, '--what', 'features', '--sample', at('ok.png'), '--top', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.channels).toHaveLength(3);
    const means = j.channels.map((c: { mean: number }) => c.mean);
    expect([...means].sort((a, b) => b - a)).toEqual(means);
    const c0 = j.channels[0];
    const mean = c0.map.flat().reduce((a: number, b: number) => a + b, 0) / c0.map.flat().length;
    expect(mean).toBeCloseTo(c0.mean, 4);
    expect(c0.map).toHaveLength(13);
  });
});

describe('layerloom inspect -o', () => {
  it('writes a PNG of each view', () => {
    for (const what of ['kernels', 'features', 'cam']) {
      const out = at(`${what}.png`);
      const r = cli(runDir, '--what', what, '-o', out);
      expect(r.code, r.stderr).toBe(0);
      const png = PNG.sync.read(readFileSync(out));
      expect(png.width).toBeGreaterThan(20);
      expect(r.stdout).toContain(out);
    }
  });
});

describe('layerloom inspect refuses bad arguments with exit 2 and no file', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown node', ['--what', 'cam', '--node', 'nope'], /no node or layer named 'nope'.*conv/],
    ['a node that is not a convolution', ['--what', 'kernels', '--node', 'logits'], /'logits' is not a convolution \(it is a Dense\)/],
    ['an image of the wrong size', ['--what', 'cam', '--sample', at('wrong-size.png')], /is 32×32 but the model takes 28×28/],
    ['a sample index out of range', ['--what', 'features', '--sample', '99999'], /sample 99999 is out of range/],
    ['a class out of range', ['--what', 'cam', '--class', '10'], /class 10 is out of range: the model has 10 classes/],
    ['an unknown view', ['--what', 'weights'], /--what must be one of kernels, features, cam, got 'weights'/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const out = at(`refused-${what.replace(/\W+/g, '-')}.png`);
      const r = cli(runDir, ...args, '-o', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('a folder with no trained model', () => {
    const r = cli(at('empty'), '--what', 'cam', '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds no trained model/);
  });

  it('both -o and --json', () => {
    const r = cli(runDir, '--what', 'cam', '--json', '-o', at('x.png'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exactly one of -o out.png and --json/);
  });
});
