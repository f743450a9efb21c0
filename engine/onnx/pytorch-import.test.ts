/**
 * Models written by PyTorch's own exporter (Debian python3-torch 1.13, torch.onnx.export) import back: the
 * PyTorch module LayerLoom generates for a template is given random BatchNorm statistics, exported to ONNX
 * with a dynamic batch, imported into a design whose parameter count equals the template's, and the imported
 * design (compiled with tfjs) reproduces PyTorch's logits within 1e-4 (relative beyond magnitude 1).
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { generateCode } from '../codegen';
import { scratchDir } from '../codegen/test-designs';
import { requireTemplate } from '../../templates/index';
import { importOnnx } from './import';
import { decodeModel } from './proto';
import { maxAbsDiff, pythonModuleMissing, SYSTEM_PYTHON } from './test-onnx';
import { runImported } from './test-run';

const missing = pythonModuleMissing('torch', 'python3-torch') ?? pythonModuleMissing('onnx', 'python3-onnx');

/** Templates, retargeted to small inputs, whose PyTorch export is exported to ONNX by PyTorch. */
const CASES: { key: string; template: string; input: number[]; fresh?: boolean }[] = [
  // Untouched BatchNorm layers share equal initializers: PyTorch writes one and aliases the others through Identity.
  { key: 'resnet18-fresh', template: 'resnet18', input: [32, 32, 3], fresh: true },
  { key: 'fashion-cnn', template: 'fashion-cnn', input: [28, 28, 1] },
  { key: 'resnet18', template: 'resnet18', input: [32, 32, 3] },
  { key: 'mobilenetv2', template: 'mobilenetv2', input: [32, 32, 3] },
  { key: 'se-resnet50', template: 'se-resnet50', input: [32, 32, 3] },
  { key: 'googlenet', template: 'googlenet', input: [64, 64, 3] },
  { key: 'vgg11', template: 'vgg11', input: [32, 32, 3] },
];

/** Loads each generated module, randomizes BatchNorm statistics, exports `predict` to ONNX, saves x and y. */
const EXPORT_PY = `
import importlib.util, json, sys, numpy as np, torch
from torch import nn
torch.manual_seed(0)
torch.set_num_threads(1)
out = {}
for folder in sys.argv[1:]:
    meta = json.load(open(folder + "/meta.json"))
    spec = importlib.util.spec_from_file_location("m_" + meta["key"].replace("-", "_"), folder + "/model.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    net = mod.build_model().eval()
    with torch.no_grad():
        for m in ([] if meta["fresh"] else net.modules()):
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.2, 0.2); m.running_var.uniform_(0.5, 1.5)
                if m.affine: m.weight.uniform_(0.7, 1.3); m.bias.uniform_(-0.2, 0.2)
    class Predict(nn.Module):
        def __init__(self, net):
            super().__init__(); self.net = net
        def forward(self, x):
            # The logits (the module's forward leaves the final softmax to predict): wider than probabilities,
            # so a wrong layer cannot hide inside the tolerance.
            return self.net(x)
    wrapper = Predict(net).eval()
    x = torch.randn(2, *meta["nchw"])
    with torch.no_grad():
        y = wrapper(x)
    torch.onnx.export(wrapper, x, folder + "/model.onnx", opset_version=13, training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
    x.numpy().astype("<f4").tofile(folder + "/x.bin"); y.numpy().astype("<f4").tofile(folder + "/y.bin")
    buffers = sum(b.numel() for n, b in net.named_buffers() if "running" in n)
    out[meta["key"]] = {"params": sum(p.numel() for p in net.parameters()) + buffers, "y": list(y.shape)}
print("EXPORTED " + json.dumps(out))
`;

const floats = (file: string) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** x.view(x.size(0), -1) under a dynamic batch: PyTorch writes Shape -> Gather -> Unsqueeze -> Concat -> Reshape. */
const VIEW_PY = `
import sys, numpy as np, torch
from torch import nn
torch.manual_seed(1)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1); self.bn = nn.BatchNorm2d(4); self.fc = nn.Linear(4 * 8 * 8, 5)
    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        return torch.softmax(self.fc(y.view(y.size(0), -1)), dim=1)
net = Net().eval()
with torch.no_grad():
    net.bn.running_mean.uniform_(-0.2, 0.2); net.bn.running_var.uniform_(0.5, 1.5)
x = torch.randn(3, 3, 8, 8)
with torch.no_grad():
    y = net(x)
torch.onnx.export(net, x, sys.argv[1] + "/view.onnx", opset_version=13, training=torch.onnx.TrainingMode.PRESERVE,
                  input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
x.numpy().astype("<f4").tofile(sys.argv[1] + "/view-x.bin"); y.numpy().astype("<f4").tofile(sys.argv[1] + "/view-y.bin")
print("EXPORTED")
`;

/** A torchvision-style stem, exported the default way (eval mode: BatchNorm folded into the conv). */
const STEM_PY = `
import sys, torch
from torch import nn
torch.manual_seed(2)
net = nn.Sequential(nn.Conv2d(3, 8, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                    nn.MaxPool2d(3, stride=2, padding=1), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
                    nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.2), nn.Linear(8, 4)).eval()
with torch.no_grad():
    net[1].running_mean.uniform_(-0.2, 0.2); net[1].running_var.uniform_(0.5, 1.5)
x = torch.randn(2, 3, 32, 32)
with torch.no_grad():
    y = net(x)
torch.onnx.export(net, x, sys.argv[1] + "/stem.onnx", opset_version=11, input_names=["x"], output_names=["y"])
x.numpy().astype("<f4").tofile(sys.argv[1] + "/stem-x.bin"); y.numpy().astype("<f4").tofile(sys.argv[1] + "/stem-y.bin")
print("EXPORTED")
`;

describe("models written by PyTorch's ONNX exporter import back", () => {
  if (missing) console.log(`SKIP PyTorch-exported ONNX models: ${missing}`);
  let dir = '';
  let exported: Record<string, { params: number; y: number[] }> = {};

  beforeAll(async () => {
    await tf.setBackend('cpu');
    if (missing) return;
    dir = scratchDir('onnx-pytorch');
    const folders = CASES.map((c) => {
      const folder = path.join(dir, c.key);
      mkdirSync(folder);
      const doc = requireTemplate(c.template).build({ inputShape: c.input, classes: 10 });
      for (const f of generateCode(doc, 'pytorch')) writeFileSync(path.join(folder, f.path), f.contents);
      writeFileSync(path.join(folder, 'meta.json'), JSON.stringify({ key: c.key, fresh: !!c.fresh, nchw: [c.input[2], c.input[0], c.input[1]] }));
      return folder;
    });
    const r = spawnSync(SYSTEM_PYTHON, ['-c', EXPORT_PY, ...folders], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const line = r.stdout.split('\n').find((l) => l.startsWith('EXPORTED '));
    if (!line) throw new Error(`torch.onnx.export failed:\n${r.stdout}\n${r.stderr}`);
    exported = JSON.parse(line.slice(9));
  }, 600_000);

  it.skipIf(!!missing)('x.view(x.size(0), -1) with a dynamic batch (Shape -> Gather -> Concat -> Reshape) flattens in PyTorch\'s order', () => {
    const r = spawnSync(SYSTEM_PYTHON, ['-c', VIEW_PY, dir], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(r.stdout, r.stderr).toContain('EXPORTED');
    const bytes = new Uint8Array(readFileSync(path.join(dir, 'view.onnx')));
    expect((decodeModel(bytes).graph?.node ?? []).map((n) => n.opType)).toContain('Shape');
    const imported = importOnnx(bytes, { fileName: 'view.onnx' });
    expect(analyzeDesign(imported.doc).totals.params).toBe(3 * 3 * 3 * 4 + 4 + 4 * 4 + 4 * 8 * 8 * 5 + 5);
    const got = runImported(tf, imported, { x: { dims: [3, 3, 8, 8], data: floats(path.join(dir, 'view-x.bin')) } });
    expect(maxAbsDiff(got.y, floats(path.join(dir, 'view-y.bin')))).toBeLessThan(1e-4);
  });

  it.skipIf(!!missing)('a torchvision-style stem (symmetric pads, MaxPool pads after ReLU, BatchNorm folded, opset 11)', () => {
    const r = spawnSync(SYSTEM_PYTHON, ['-c', STEM_PY, dir], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(r.stdout, r.stderr).toContain('EXPORTED');
    const imported = importOnnx(new Uint8Array(readFileSync(path.join(dir, 'stem.onnx'))), { fileName: 'stem.onnx' });
    const types = imported.doc.nodes.map((n) => n.type);
    // torch's pads [3,3,3,3] and the max pool's [1,1,1,1] are not TensorFlow's 'same': explicit zero padding, exact
    // for the max pool because its input comes out of a ReLU.
    expect(types.filter((x) => x === 'ZeroPadding2D')).toHaveLength(2);
    expect(types).toContain('MaxPool2D');
    const got = runImported(tf, imported, { x: { dims: [2, 3, 32, 32], data: floats(path.join(dir, 'stem-x.bin')) } });
    expect(maxAbsDiff(got.y, floats(path.join(dir, 'stem-y.bin')))).toBeLessThan(1e-4);
  });

  it.skipIf(!!missing).each(CASES)('$key: parameter count and outputs of the imported design', ({ key, template, input, fresh }) => {
    const folder = path.join(dir, key);
    const bytes = new Uint8Array(readFileSync(path.join(folder, 'model.onnx')));
    const nodes = decodeModel(bytes).graph?.node ?? [];
    const ops = [...new Set(nodes.map((n) => n.opType))].sort();
    if (fresh) expect(nodes.filter((n) => n.opType === 'Identity').length, 'PyTorch aliased shared initializers').toBeGreaterThan(0);
    const imported = importOnnx(bytes, { fileName: `${key}.onnx` });
    const analysis = analyzeDesign(imported.doc);
    const original = analyzeDesign(requireTemplate(template).build({ inputShape: input, classes: 10 }));
    console.log(`${key}: PyTorch ${exported[key].params.toLocaleString('en-US')} parameters -> imported design ${analysis.totals.params.toLocaleString('en-US')} (template ${original.totals.params.toLocaleString('en-US')}); ONNX ops ${ops.join(' ')}`);
    expect(analysis.totals.params).toBe(exported[key].params);
    expect(analysis.totals.params).toBe(original.totals.params);
    expect(analysis.totals.trainableParams).toBe(original.totals.trainableParams);

    const x = floats(path.join(folder, 'x.bin'));
    const y = floats(path.join(folder, 'y.bin'));
    const got = runImported(tf, imported, { [imported.inputs[0].name]: { dims: [2, input[2], input[0], input[1]], data: x } });
    const diff = maxAbsDiff(got[imported.outputs[0].name], y) / Math.max(1, ...Array.from(y, Math.abs));
    console.log(`${key}: max |tfjs(imported) - PyTorch| / max(1, |PyTorch|) = ${diff.toExponential(2)}, logits span ${(Math.max(...y) - Math.min(...y)).toFixed(3)}`);
    expect(Math.max(...y) - Math.min(...y)).toBeGreaterThan(0.01);
    expect(diff).toBeLessThan(1e-4);
  });
});
