/**
 * The torch backend's weight bridge in both directions, on designs that use every weighted layer kind (the codegen
 * layer zoo: depthwise, separable, transposed conv, BatchNorm, Dense), ResNet-18 (BatchNorm without bias convs,
 * projections) and the hostile-names design (module attributes renamed by the writer): tfjs weights go through
 * `writeWeights` → `tfjs_weights.load_tfjs` into the generated module, which must reproduce tfjs' predictions
 * (< 1e-4), and `dump_tfjs` must give back exactly the values it was given.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { prepareExport } from '../../../codegen/index';
import { generatePyTorchMapped } from '../../../codegen/pytorch';
import { hostileDesign, scratchDir, smallTemplate, zooDesign } from '../../../codegen/test-designs';
import { compileModel } from '../../../compile/compile';
import type { DesignDocument } from '../../../schema/document';
import { findTorch } from './python';
import { moduleAttributes, weightManifest, writeWeights } from './weights';

const torch = await findTorch();
if (!torch.ok) console.log(`SKIP torch weight bridge: ${torch.reason}`);

const CHECK_PY = `
import json, sys, numpy as np, torch
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
from tfjs_weights import load_tfjs, dump_tfjs
import model as exported
spec = json.load(open("spec.json"))
values = np.fromfile("weights.bin", dtype="<f4")
net = exported.build_model().eval()
load_tfjs(net, spec["layers"], values)
x = torch.from_numpy(np.fromfile("x.bin", dtype="<f4").reshape(spec["x"])).permute(0, 3, 1, 2)
with torch.no_grad():
    y = net.predict(x).numpy().reshape(-1)
want = np.fromfile("y.bin", dtype="<f4")
back = dump_tfjs(net, spec["layers"])
print(json.dumps({"maxdiff": float(np.abs(y - want).max()), "scale": float(np.abs(want).max()),
  "roundtrip": float(np.abs(back - values).max()) if back.shape == values.shape else None, "n": int(values.size)}))
`;

const designs: Array<[string, () => DesignDocument, number[]]> = [
  ['layer zoo', zooDesign, [2, 15, 16, 3]],
  ['resnet18 32x32', () => smallTemplate('resnet18', [32, 32, 3]).doc, [2, 32, 32, 3]],
  ['hostile names', hostileDesign, [2, 8, 8, 1]],
];

describe.skipIf(!torch.ok)('torch weight bridge (tfjs ↔ generated PyTorch module)', () => {
  it.each(designs)('%s: same predictions after load, exact values after dump', async (key, make, xShape) => {
    await tf.setBackend('cpu');
    const doc = make();
    const { analysis, model: cg } = prepareExport(doc, 'pytorch');
    const code = generatePyTorchMapped(cg);
    const model = compileModel(doc, tf, { compile: false });
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      const fresh = layer.weights.map((w, i) =>
        w.name.includes('moving_variance') ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 7 + i) : tf.randomNormal(w.shape as number[], 0, 0.2, 'float32', 11 + i),
      );
      layer.setWeights(fresh);
      tf.dispose(fresh);
    }
    const manifest = weightManifest(model, moduleAttributes(code, analysis.flat));
    const dir = scratchDir(`torch-weights-${key.replace(/\W+/g, '-')}`);
    writeFileSync(path.join(dir, 'model.py'), code.text);
    await writeWeights(model, manifest, path.join(dir, 'weights.bin'));
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 3);
    const y = model.predict(x) as tf.Tensor;
    writeFileSync(path.join(dir, 'x.bin'), new Uint8Array((x.dataSync() as Float32Array).buffer));
    writeFileSync(path.join(dir, 'y.bin'), new Uint8Array((y.dataSync() as Float32Array).buffer));
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify({ layers: manifest, x: xShape }));
    tf.dispose([x, y]);
    model.dispose();
    const r = spawnSync(torch.ok ? torch.python : 'python3', ['-c', CHECK_PY, dir, import.meta.dirname], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const out = JSON.parse(r.stdout.trim().split('\n').pop() || 'null') as { maxdiff: number; scale: number; roundtrip: number | null; n: number } | null;
    expect(out, `${r.stdout}\n${r.stderr}`).not.toBeNull();
    expect(out!.n).toBe(manifest.reduce((n, l) => n + l.shapes.reduce((m, s) => m + s.reduce((a, b) => a * b, 1), 0), 0));
    expect(out!.scale).toBeGreaterThan(0.05); // a live output, not all zeros
    expect(out!.maxdiff).toBeLessThan(1e-4);
    expect(out!.roundtrip).toBe(0);
  });

  it('finds the module attribute of every weighted layer, also where the writer renamed it', () => {
    const doc = hostileDesign();
    const { analysis, model: cg } = prepareExport(doc, 'pytorch');
    const attrs = moduleAttributes(generatePyTorchMapped(cg), analysis.flat);
    const weighted = analysis.flat.filter((n) => n.layer && ['Conv2D', 'Dense'].includes(n.layer.className));
    expect(weighted.length).toBeGreaterThan(3);
    for (const n of weighted) expect(attrs.get(n.layerName), n.layerName).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(new Set(weighted.map((n) => attrs.get(n.layerName))).size).toBe(weighted.length);
  });
});
