/**
 * The PyTorch export computes the same function as the tfjs model: the layer zoo (asymmetric 'same' padding,
 * dilation, depthwise/separable, transposed conv with an odd crop, broadcasting multiply, flatten order,
 * BatchNorm statistics) is compiled with tfjs, given random weights, and its predictions are compared with the
 * generated nn.Module loaded with the same weights.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../compile/compile';
import { generateCode } from './index';
import { scratchDir, zooDesign } from './test-designs';

const PYTHON = '/usr/bin/python3';
const TORCH = spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
if (!TORCH) console.log(`SKIP PyTorch numeric check: '${PYTHON} -c "import torch"' failed; install Debian's python3-torch`);

/** Loads tfjs weights into the module (converting layouts), runs predict, prints the largest difference. */
const COMPARE_PY = `
import json, sys, numpy as np, torch
from torch import nn
import model as exported
data = json.load(open("data.json"))
net = exported.build_model().eval()
t = lambda a: torch.tensor(np.array(a["values"], dtype=np.float32).reshape(a["shape"]))
for name, ws in data["weights"].items():
    mod = getattr(net, name)
    w = [t(a) for a in ws]
    with torch.no_grad():
        if isinstance(mod, nn.Sequential):  # separable: depthwise [kh,kw,c,m], pointwise [1,1,c*m,f], bias
            kh, kw, c, m = w[0].shape
            mod[0].weight.copy_(w[0].reshape(kh, kw, c * m).permute(2, 0, 1).unsqueeze(1))
            mod[1].weight.copy_(w[1].permute(3, 2, 0, 1))
            mod[1].bias.copy_(w[2])
        elif isinstance(mod, nn.ConvTranspose2d):  # [kh,kw,out,in] -> [in,out,kh,kw]
            mod.weight.copy_(w[0].permute(3, 2, 0, 1)); mod.bias.copy_(w[1])
        elif isinstance(mod, nn.Conv2d) and mod.groups > 1:  # depthwise [kh,kw,c,m] -> [c*m,1,kh,kw]
            kh, kw, c, m = w[0].shape
            mod.weight.copy_(w[0].reshape(kh, kw, c * m).permute(2, 0, 1).unsqueeze(1)); mod.bias.copy_(w[1])
        elif isinstance(mod, nn.Conv2d):  # [kh,kw,in,out] -> [out,in,kh,kw]
            mod.weight.copy_(w[0].permute(3, 2, 0, 1)); mod.bias.copy_(w[1])
        elif isinstance(mod, nn.Linear):
            mod.weight.copy_(w[0].t()); mod.bias.copy_(w[1])
        elif isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            mod.weight.copy_(w[0]); mod.bias.copy_(w[1]); mod.running_mean.copy_(w[2]); mod.running_var.copy_(w[3])
        else:
            raise SystemExit(f"unexpected weights for {name}: {type(mod).__name__}")
x = t(data["x"]).permute(0, 3, 1, 2)
with torch.no_grad():
    y = net.predict(x).numpy()
want = np.array(data["y"]["values"], dtype=np.float32).reshape(data["y"]["shape"])
print("MAXDIFF", float(np.abs(y - want).max()), "SCALE", float(np.abs(want).max()), flush=True)
`;

describe.skipIf(!TORCH)('PyTorch export numerics', () => {
  it('the generated module with tfjs weights reproduces the tfjs predictions of the layer zoo', async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const doc = zooDesign();
    const model = compileModel(doc, tf);
    const arr = (t: import('@tensorflow/tfjs').Tensor) => ({ shape: t.shape, values: Array.from(t.dataSync()) });
    const weights: Record<string, ReturnType<typeof arr>[]> = {};
    for (const layer of model.layers) {
      const ws = layer.weights;
      if (ws.length === 0) continue;
      const fresh = ws.map((w) =>
        w.name.includes('moving_variance') ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 7) : tf.randomNormal(w.shape as number[], 0, 0.2, 'float32', 11),
      );
      layer.setWeights(fresh);
      weights[layer.name] = fresh.map(arr);
    }
    const x = tf.randomNormal([2, 15, 16, 3], 0, 1, 'float32', 3);
    const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
    const dir = scratchDir('pytorch-numeric');
    for (const f of generateCode(doc, 'pytorch')) writeFileSync(path.join(dir, f.path), f.contents);
    writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ weights, x: arr(x), y: arr(y) }));
    model.dispose();

    const r = spawnSync(PYTHON, ['-c', COMPARE_PY], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const m = /MAXDIFF (\S+) SCALE (\S+)/.exec(r.stdout);
    expect(m, `${r.stdout}\n${r.stderr}`).not.toBeNull();
    // Probabilities away from 0 and 1, so a wrong layer cannot hide behind a saturated softmax.
    expect(Number(m![2])).toBeGreaterThan(0.25);
    expect(Number(m![2])).toBeLessThan(0.95);
    expect(Number(m![1])).toBeLessThan(1e-4);
  });
});
