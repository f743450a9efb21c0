/**
 * Code export of designs with several inputs and outputs: the model's inputs and outputs in document order, each
 * output's loss and weight in the generated training code, and (with PyTorch installed) a forward() that returns
 * the same tuple of predictions as tfjs and a train.py that trains on the weighted sum of the losses.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../compile/compile';
import { twoHeadCnn } from '../node/train/test-fixtures';
import { generateCode } from './index';
import { scratchDir } from './test-designs';

const PYTHON = '/usr/bin/python3';
const TORCH = spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
if (!TORCH) console.log(`SKIP PyTorch multi-output checks: '${PYTHON} -c "import torch"' failed; install Debian's python3-torch`);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two inputs (concatenated), two heads: `output` (weight 1) and `aux_output` (weight 0.3). */
const design = () => twoHeadCnn({ twoInputs: [28, 28, 1], auxWeight: 0.3 });

describe('code export with two inputs and two outputs', () => {
  it('TypeScript and Keras list the inputs and outputs in document order, with each output\'s loss weight', () => {
    const ts = generateCode(design(), 'ts')[0].contents;
    expect(ts).toContain('inputs: [input, input_b],');
    expect(ts).toMatch(/outputs: \[\n\s+logits, \/\/ output: categoricalCrossentropy, loss weight 1\n\s+aux_logits, \/\/ aux_output: categoricalCrossentropy, loss weight 0.3\n\s+\]/);
    expect(ts).toContain('export const LOSS_WEIGHTS: number[] = [1, 0.3];');
    const keras = generateCode(design(), 'keras')[0].contents;
    expect(keras).toContain('inputs=[input, input_b],');
    expect(keras).toMatch(/outputs=\[\n\s+logits, {2}# output.*\n\s+aux_logits, {2}# aux_output/);
    expect(keras).toContain('LOSSES = ["categorical_crossentropy", "categorical_crossentropy"]');
    expect(keras).toContain('LOSS_WEIGHTS = [1, 0.3]');
  });

  it('the PyTorch module takes two arguments, returns a tuple and lists the outputs for train.py', () => {
    const py = generateCode(design(), 'pytorch')[0].contents;
    expect(py).toContain('    def forward(self, input, input_b):');
    expect(py).toContain('        return (logits, aux_logits,)');
    expect(py).toContain('        return (F.softmax(outs[0], dim=1), F.softmax(outs[1], dim=1),)');
    expect(py).toMatch(/OUTPUTS = \[\n {4}\{"name": "output", "shape": \(10,\), "loss": "categoricalCrossentropy", "weight": 1, "final_activation": "softmax"\},\n {4}\{"name": "aux_output", .*"weight": 0.3, .*\},\n\]/);
    expect(py).toContain('INPUT_SHAPES = ((1, 28, 28), (1, 28, 28))');
  });

  it.skipIf(!TORCH)('PyTorch forward() with the tfjs weights gives both tfjs predictions', () => {
    const doc = design();
    const model = compileModel(doc, tf, { compile: false });
    const arr = (t: tf.Tensor) => ({ shape: t.shape, values: Array.from(t.dataSync()) });
    const weights: Record<string, ReturnType<typeof arr>[]> = {};
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      const fresh = layer.weights.map((w, i) => tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', 5 + i));
      layer.setWeights(fresh);
      weights[layer.name] = fresh.map(arr);
    }
    const a = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 1);
    const b = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 2);
    const ys = model.predict([a, b]) as tf.Tensor[];
    const dir = scratchDir('pytorch-multi-io');
    for (const f of generateCode(doc, 'pytorch')) writeFileSync(path.join(dir, f.path), f.contents);
    writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ weights, a: arr(a), b: arr(b), ys: ys.map(arr) }));
    model.dispose();
    const script = `
import json, numpy as np, torch
from torch import nn
import model as exported
d = json.load(open("data.json"))
t = lambda a: torch.tensor(np.array(a["values"], dtype=np.float32).reshape(a["shape"]))
net = exported.build_model().eval()
for name, ws in d["weights"].items():
    mod = getattr(net, name)
    with torch.no_grad():
        if isinstance(mod, nn.Conv2d): mod.weight.copy_(t(ws[0]).permute(3, 2, 0, 1)); mod.bias.copy_(t(ws[1]))
        else: mod.weight.copy_(t(ws[0]).t()); mod.bias.copy_(t(ws[1]))
with torch.no_grad():
    ps = net.predict(t(d["a"]).permute(0, 3, 1, 2), t(d["b"]).permute(0, 3, 1, 2))
print("N", len(ps), "MAXDIFF", max(float(np.abs(p.numpy() - t(y).numpy()).max()) for p, y in zip(ps, d["ys"])))
`;
    const r = spawnSync(PYTHON, ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const m = /N (\d+) MAXDIFF (\S+)/.exec(r.stdout);
    expect(m, `${r.stdout}\n${r.stderr}`).not.toBeNull();
    expect(Number(m![1])).toBe(2);
    expect(Number(m![2])).toBeLessThan(1e-4);
  });

  it.skipIf(!TORCH)('train.py trains both outputs on the shared label, and refuses inputs of different shapes', () => {
    const run = (key: string, doc: ReturnType<typeof design>) => {
      const dir = scratchDir(`pytorch-multi-io-train-${key}`);
      for (const f of generateCode(doc, 'pytorch')) writeFileSync(path.join(dir, f.path), f.contents);
      return spawnSync(PYTHON, ['train.py', '--random', '32', '--epochs', '1', '--max-steps', '2', '--batch-size', '8', '--out', 'trained.pt'], {
        cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
    };
    const ok = run('same', design());
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/epoch 1\/1 loss \d+\.\d+ accuracy \d\.\d+ \(16 examples/);
    const bad = run('different', twoHeadCnn({ twoInputs: [28, 28, 2] }));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/inputs of different shapes .* one image per example/);
  });
});
