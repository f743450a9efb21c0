import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../engine/analysis/analyze';
import { parseDocument } from '../engine/schema/load';
import { templateFile } from './generate';
import { getTemplate, listTemplates, requireTemplate, TEMPLATE_NAMES } from './index';

const dir = path.dirname(fileURLToPath(import.meta.url));

/** Published parameter counts (Keras Applications, default input and 1000 classes). */
const PUBLISHED: Record<string, number> = {
  vgg16: 138_357_544,
  vgg19: 143_667_240,
  resnet50: 25_636_712,
  resnet101: 44_707_176,
  resnet152: 60_419_944,
  mobilenet: 4_253_864,
  mobilenetv2: 3_538_984,
};

/** Counts from the papers' reference implementations (trainable parameters, PyTorch/Caffe convention). */
const REFERENCE_TRAINABLE: Record<string, number> = {
  lenet5: 61_706,
  alexnet: 62_378_344,
  'se-resnet50': 28_088_024, // Hu et al.'s SE-ResNet-50 (e.g. Cadene's pretrainedmodels se_resnet50)
  resnet18: 11_689_512, // torchvision resnet18
  resnet34: 21_797_672, // torchvision resnet34
  ghostnet: 5_182_508, // the authors' PyTorch GhostNet 1.0x (ghostnet_pytorch/ghostnet.py; "5.2M" in the paper)
};

describe('template library', () => {
  it('has exactly the documented names', () => {
    expect(TEMPLATE_NAMES).toEqual(['lenet5', 'alexnet', 'vgg11', 'vgg16', 'vgg19', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'googlenet', 'googlenet-aux', 'se-resnet50', 'mobilenet', 'mobilenetv2', 'ghostnet', 'fashion-cnn']);
    expect(listTemplates().map((t) => t.name)).toEqual(TEMPLATE_NAMES);
    expect(getTemplate('nope')).toBeUndefined();
    expect(() => requireTemplate('resnet')).toThrow(/unknown template 'resnet'.*resnet18/);
  });

  it('has one JSON file per template and no stray files', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual([...TEMPLATE_NAMES].map((n) => `${n}.json`).sort());
  });

  it.each(listTemplates().map((t) => [t.name, t] as const))('%s: JSON loads through the migrations and equals its builder', (name, t) => {
    const doc = parseDocument(JSON.parse(readFileSync(templateFile(name), 'utf8')));
    expect(doc).toEqual(t.build());
    expect(t.description.length).toBeGreaterThan(20);
    expect(t.source.length).toBeGreaterThan(10);
    expect(doc.description).toBe(t.description);
  });

  it.each(listTemplates().map((t) => [t.name, t] as const))('%s: analyzes without errors at its default input', (_name, t) => {
    const analysis = analyzeDesign(t.build());
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const input = t.build().nodes.find((n) => n.type === 'Input');
    expect(input?.params.shape).toEqual(t.defaultInputShape);
    const last = analysis.flat[analysis.flat.length - 1];
    expect(last.type).toBe('Output');
    expect(last.outputShape).toEqual([t.defaultClasses]);
  });

  it.each(Object.entries(PUBLISHED))('%s has the published parameter count %d', (name, count) => {
    expect(analyzeDesign(requireTemplate(name).build()).totals.params).toBe(count);
  });

  it.each(Object.entries(REFERENCE_TRAINABLE))('%s has the reference trainable count %d', (name, count) => {
    expect(analyzeDesign(requireTemplate(name).build()).totals.trainableParams).toBe(count);
  });

  it('GhostNet has the trainable count of a PyTorch GhostNet 1.0x written from the reference (when PyTorch is installed)', (ctx) => {
    const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
    if (torch.status !== 0) {
      console.log('skipped: /usr/bin/python3 has no torch (Debian python3-torch; scripts/setup.sh installs it)');
      ctx.skip();
      return;
    }
    const r = spawnSync('/usr/bin/python3', [path.join(dir, 'reference', 'ghostnet_torch.py')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(Number(r.stdout.trim())).toBe(analyzeDesign(requireTemplate('ghostnet').build()).totals.trainableParams);
  });

  it('googlenet-aux adds the paper\'s two auxiliary classifiers: parameters, outputs and loss weights', () => {
    // Section 5 of Szegedy et al.: 5x5/3 average pooling (14x14 -> 4x4), 1x1 conv with 128 filters, FC 1024,
    // dropout 0.7, FC to the classes; on inception 4a (512 channels) and 4d (528 channels). With biases, no BN.
    const head = (channels: number, classes: number) => channels * 128 + 128 + 4 * 4 * 128 * 1024 + 1024 + 1024 * classes + classes;
    expect(head(512, 1000) + head(528, 1000)).toBe(6_379_728);
    const plain = analyzeDesign(requireTemplate('googlenet').build()).totals.params;
    const aux = analyzeDesign(requireTemplate('googlenet-aux').build());
    expect(plain).toBe(6_998_552);
    // 13,378,280 = 6,998,552 + 6,379,728. torchvision's googlenet(aux_logits=True) has 13,004,888: it adds BN
    // to every convolution (no conv biases) and uses 3x3 kernels in the "5x5" branch, so it is not the reference.
    expect(aux.totals.params).toBe(13_378_280);
    const outputs = aux.flat.filter((n) => n.type === 'Output');
    expect(outputs.map((n) => [n.name, n.params.lossWeight, n.outputShape])).toEqual([
      ['output', 1, [1000]],
      ['aux1_output', 0.3, [1000]],
      ['aux2_output', 0.3, [1000]],
    ]);
    const doc = requireTemplate('googlenet-aux').build();
    const feeds = (name: string) => doc.edges.filter((e) => e.target.node === `${name}_avgpool_5x5_s3`).map((e) => e.source.node);
    expect([feeds('aux1'), feeds('aux2')]).toEqual([['inception_4a'], ['inception_4d']]);
  });

  it('googlenet-aux: its auxiliary heads have the parameters of torchvision\'s, less BatchNorm for conv bias (when PyTorch is installed)', (ctx) => {
    const tv = spawnSync('/usr/bin/python3', ['-c', 'import torchvision'], { encoding: 'utf8' });
    if (tv.status !== 0) {
      console.log('skipped: /usr/bin/python3 has no torchvision (Debian python3-torchvision; scripts/setup.sh installs it)');
      ctx.skip();
      return;
    }
    // torchvision's InceptionAux: 1x1 conv without bias + BatchNorm (2 x 128 weights) where the paper has a conv bias (128).
    const code = 'import torchvision\nm = torchvision.models.googlenet(aux_logits=True, init_weights=False)\nprint(sum(p.numel() for a in (m.aux1, m.aux2) for p in a.parameters()))';
    const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const ours = analyzeDesign(requireTemplate('googlenet-aux').build()).totals.params - analyzeDesign(requireTemplate('googlenet').build()).totals.params;
    expect(Number(r.stdout.trim()) - 2 * 128).toBe(ours);
  });

  it('MobileNet reproduces the architecture of the Keras 2.2.0 model file (same parameters per layer kind)', () => {
    const file = path.resolve(dir, '../engine/import/fixtures/mobilenet_1.00_224.keras-2.2.0.json');
    const keras = JSON.parse(readFileSync(file, 'utf8')) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const kerasConvs = keras.config.layers.filter((l) => l.class_name === 'Conv2D').map((l) => [l.config.filters, l.config.kernel_size, l.config.strides]);
    const flat = analyzeDesign(requireTemplate('mobilenet').build()).flat;
    const ours = flat.filter((n) => n.type === 'Conv2D').map((n) => [n.params.filters, n.params.kernelSize, n.params.strides]);
    expect(ours).toEqual(kerasConvs);
    const kerasDw = keras.config.layers.filter((l) => l.class_name === 'DepthwiseConv2D').map((l) => l.config.strides);
    expect(flat.filter((n) => n.type === 'DepthwiseConv2D').map((n) => n.params.strides)).toEqual(kerasDw);
  });

  it.each([
    ['resnet18', [28, 28, 1], 10],
    ['resnet50', [32, 32, 3], 10],
    ['vgg11', [32, 32, 3], 100],
    ['mobilenet', [96, 96, 3], 5],
    ['mobilenetv2', [64, 64, 1], 7],
    ['ghostnet', [32, 32, 3], 10],
    ['googlenet', [32, 32, 3], 10],
    ['googlenet-aux', [96, 96, 3], 10],
    ['se-resnet50', [32, 32, 3], 10],
    ['lenet5', [28, 28, 1], 10],
    ['fashion-cnn', [32, 32, 3], 4],
    ['alexnet', [128, 128, 3], 20],
  ] as const)('%s retargets to %j with %d classes', (name, inputShape, classes) => {
    const t = requireTemplate(name);
    const doc = t.build({ inputShape: [...inputShape], classes });
    const analysis = analyzeDesign(doc);
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(analysis.flat[0].outputShape).toEqual(inputShape);
    expect(analysis.flat[analysis.flat.length - 1].outputShape).toEqual([classes]);
    // Retargeting changes only the input and the classifier: fewer or more params than the default build.
    expect(analysis.totals.params).not.toBe(analyzeDesign(t.build()).totals.params);
  });
});
