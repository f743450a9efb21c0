/**
 * Test support: runs a design's PyTorch export with the weights of its compiled tfjs model and returns the
 * largest difference between the two predictions (for the custom-layer blocks' numeric tests).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { generateCode } from '../codegen';
import { scratchDir } from '../codegen/test-designs';
import type { DesignDocument } from '../schema/document';

/** Debian's Python (the one with python3-torch and python3-torchvision). */
export const PYTHON = '/usr/bin/python3';

/** Whether `import <module>` works in that Python. */
export const pythonHas = (module: string): boolean => spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;

/** Loads tfjs weights ([kh,kw,in,out] kernels, [in,out] dense) into the generated module and compares predictions. */
const COMPARE_PY = `
import json, numpy as np, torch
from torch import nn
import model as exported
data = json.load(open("data.json"))
net = exported.build_model().eval()
t = lambda a: torch.tensor(np.array(a["values"], dtype=np.float32).reshape(a["shape"]))
conv_w = lambda w: w.permute(3, 2, 0, 1)
def load_conv(mod, w, b):
    mod.weight.copy_(conv_w(w))
    if b is not None: mod.bias.copy_(b)
with torch.no_grad():
    for name, ws in data["weights"].items():
        mod = getattr(net, name)
        w = [t(a) for a in ws]
        if isinstance(mod, nn.ModuleDict) and "offset" in mod:  # deformable: kernel, bias, offset k/b, [mask k/b]
            load_conv(mod["conv"], w[0], w[1]); load_conv(mod["offset"], w[2], w[3])
            if "mask" in mod: load_conv(mod["mask"], w[4], w[5])
        elif isinstance(mod, nn.ModuleDict) and "kernels" in mod:  # dynamic: kernel, bias, attention 1 k/b, 2 k/b
            load_conv(mod["kernels"], w[0], w[1])
            mod["attention"][0].weight.copy_(w[2].t()); mod["attention"][0].bias.copy_(w[3])
            mod["attention"][2].weight.copy_(w[4].t()); mod["attention"][2].bias.copy_(w[5])
        elif isinstance(mod, nn.Conv2d):
            load_conv(mod, w[0], w[1])
        elif isinstance(mod, nn.Linear):
            mod.weight.copy_(w[0].t()); mod.bias.copy_(w[1])
        else:
            raise SystemExit(f"unexpected weights for {name}: {type(mod).__name__}")
    y = net.predict(t(data["x"]).permute(0, 3, 1, 2)).numpy()
want = np.array(data["y"]["values"], dtype=np.float32).reshape(data["y"]["shape"])
print("MAXDIFF", float(np.abs(y - want).max()), flush=True)
`;

/** The largest |torch − tfjs| over the predictions of `x` (NHWC); throws with Python's output when it fails. */
export function torchMaxDiff(tf: typeof tfjs, doc: DesignDocument, model: tfjs.LayersModel, x: tfjs.Tensor, key: string): number {
  const y = model.predict(x) as tfjs.Tensor;
  const dir = scratchDir(key);
  for (const f of generateCode(doc, 'pytorch')) writeFileSync(path.join(dir, f.path), f.contents);
  const weights = Object.fromEntries(
    model.layers.filter((l) => l.getWeights().length).map((l) => [l.name, l.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) }))]),
  );
  writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ weights, x: { shape: x.shape, values: Array.from(x.dataSync()) }, y: { shape: y.shape, values: Array.from(y.dataSync()) } }));
  writeFileSync(path.join(dir, 'compare.py'), COMPARE_PY);
  const r = spawnSync(PYTHON, ['compare.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const m = /MAXDIFF (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`compare.py failed:\n${r.stdout}\n${r.stderr}`);
  tf.dispose(y);
  return Number(m[1]);
}

/** Random weights everywhere (deterministic), so offsets, attention and kernels all matter. */
export function randomizeWeights(tf: typeof tfjs, model: tfjs.LayersModel, seed: number, scale = 0.8): void {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rnd() * scale), w.shape)));
}
