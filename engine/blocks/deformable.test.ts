/**
 * DeformableConv2D end to end: the analysis' counts match the tfjs layer, the receptive field is reported as a
 * lower bound (and stays one downstream), and the PyTorch export (torchvision.ops.DeformConv2d) computes the same
 * function as the tfjs layer with learned, fractional offsets.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { DesignBuilder } from '../build/design-builder';
import { generateCode } from '../codegen';
import { scratchDir } from '../codegen/test-designs';
import { compileModel } from '../compile/compile';

const PYTHON = '/usr/bin/python3';
const TORCHVISION = spawnSync(PYTHON, ['-c', 'import torchvision']).status === 0;
if (!TORCHVISION) console.log(`SKIP DeformableConv2D PyTorch numerics: '${PYTHON} -c "import torchvision"' failed; install Debian's python3-torchvision (scripts/setup.sh does)`);

function design(modulation: boolean) {
  const b = new DesignBuilder('dcn');
  let x = b.input([9, 10, 3]);
  x = b.add('DeformableConv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', modulation, activation: 'relu' }, x, 'dcn');
  x = b.add('Conv2D', { filters: 2, kernelSize: [3, 3], padding: 'same' }, x, 'after');
  x = b.add('Flatten', {}, x, 'flat');
  b.output(b.add('Dense', { units: 3, activation: 'softmax' }, x, 'head'));
  return b.build();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DeformableConv2D block', () => {
  it('analysis counts equal the tfjs layer; the receptive field is a lower bound from there on', () => {
    const a = analyzeDesign(design(true));
    expect(a.valid).toBe(true);
    const model = compileModel(a, tf, { compile: false });
    expect(model.countParams()).toBe(a.totals.params);
    // 3x3x3 kernel to 4 filters + bias, offsets (18) and modulation (9) predicted by 3x3x3 convolutions with bias.
    expect(a.nodes.dcn.params.trainable).toBe(27 * 4 + 4 + 27 * 27 + 27);
    expect(a.nodes.dcn.receptiveField).toMatchObject({ size: [3, 3], lowerBound: true });
    expect(a.nodes.after.receptiveField).toMatchObject({ size: [7, 7], lowerBound: true });
    expect(a.nodes.input.receptiveField?.lowerBound).toBeUndefined();
    model.dispose();
  });

  it('trains: a few fit steps lower the loss (gradients through offsets, modulation and the sampled input)', async () => {
    const model = compileModel(analyzeDesign(design(true)), tf);
    const xs = tf.tensor(Float32Array.from({ length: 12 * 9 * 10 * 3 }, (_, i) => Math.sin(i * 0.37)), [12, 9, 10, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3);
    const h = await model.fit(xs, ys, { epochs: 8, batchSize: 12, verbose: 0, shuffle: false });
    const loss = h.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    model.dispose();
  });

  it('is refused by the Keras and TypeScript exports with the reason, exported to PyTorch', () => {
    expect(() => generateCode(design(true), 'keras')).toThrow(/DeformableConv2D cannot be exported to Keras: Keras has no deformable convolution layer/);
    expect(() => generateCode(design(true), 'ts')).toThrow(/export to PyTorch \(torchvision.ops.DeformConv2d\)/);
    expect(generateCode(design(true), 'pytorch')[0].contents).toContain('torchvision.ops.DeformConv2d(3, 4');
  });

  it.skipIf(!TORCHVISION).each([true, false])('the PyTorch module computes what the tfjs layer computes (modulation %s)', async (modulation) => {
    const doc = design(modulation);
    const model = compileModel(analyzeDesign(doc), tf, { compile: false });
    // Random weights everywhere, offsets large enough to move taps by fractions of a pixel and off the image.
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5);
    model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rnd() * 0.8), w.shape)));
    const x = tf.tensor(Float32Array.from({ length: 2 * 9 * 10 * 3 }, () => rnd() * 2), [2, 9, 10, 3]);
    const y = model.predict(x) as tf.Tensor;
    const dir = scratchDir(`dcn-${modulation}`);
    for (const f of generateCode(doc, 'pytorch')) writeFileSync(path.join(dir, f.path), f.contents);
    const weights = Object.fromEntries(model.layers.filter((l) => l.getWeights().length).map((l) => [l.name, l.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) }))]));
    writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ weights, x: { shape: x.shape, values: Array.from(x.dataSync()) }, y: { shape: y.shape, values: Array.from(y.dataSync()) } }));
    writeFileSync(path.join(dir, 'compare.py'), COMPARE_PY);
    const r = spawnSync(PYTHON, ['compare.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    const m = /MAXDIFF (\S+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1e-4);
    model.dispose();
  });
});

/** Loads the tfjs weights into the generated module (kernels [kh,kw,in,out] -> [out,in,kh,kw]) and compares. */
const COMPARE_PY = `
import json, numpy as np, torch
from torch import nn
import model as exported
data = json.load(open("data.json"))
net = exported.build_model().eval()
t = lambda a: torch.tensor(np.array(a["values"], dtype=np.float32).reshape(a["shape"]))
conv_w = lambda w: w.permute(3, 2, 0, 1)
with torch.no_grad():
    for name, ws in data["weights"].items():
        mod = getattr(net, name)
        w = [t(a) for a in ws]
        if isinstance(mod, nn.ModuleDict):  # kernel, bias, offset kernel/bias, [mask kernel/bias]
            mod["conv"].weight.copy_(conv_w(w[0])); mod["conv"].bias.copy_(w[1])
            mod["offset"].weight.copy_(conv_w(w[2])); mod["offset"].bias.copy_(w[3])
            if "mask" in mod:
                mod["mask"].weight.copy_(conv_w(w[4])); mod["mask"].bias.copy_(w[5])
        elif isinstance(mod, nn.Conv2d):
            mod.weight.copy_(conv_w(w[0])); mod.bias.copy_(w[1])
        elif isinstance(mod, nn.Linear):
            mod.weight.copy_(w[0].t()); mod.bias.copy_(w[1])
        else:
            raise SystemExit(f"unexpected weights for {name}: {type(mod).__name__}")
    y = net.predict(t(data["x"]).permute(0, 3, 1, 2)).numpy()
want = np.array(data["y"]["values"], dtype=np.float32).reshape(data["y"]["shape"])
print("MAXDIFF", float(np.abs(y - want).max()), flush=True)
`;
