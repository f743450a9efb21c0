/**
 * Designs the code-generator tests export (test support, not shipped logic): retargeted templates, a "zoo"
 * that uses every layer kind with the awkward cases (asymmetric 'same' padding, odd transposed-conv crops,
 * broadcasting merges), and a design whose every string is hostile.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { analyzeDesign } from '../analysis/analyze';
import type { DesignAnalysis } from '../analysis/types';
import type { DesignDocument } from '../schema/document';
import { DesignBuilder } from '../build/design-builder';
import { requireTemplate } from '../../templates';

/** A design to export, with a short key used for folder names. */
export interface TestDesign {
  key: string;
  doc: DesignDocument;
}

/** Payloads that would run code or break out of a literal/comment if written unescaped. */
export const HOSTILE_STRINGS = [
  `"); require('child_process').execSync('touch PWNED_TS'); //`,
  '*/ require("child_process").execSync("touch PWNED_TS"); /*',
  'line one\nimport os; os.system("touch PWNED_PY")\n#',
  '"""; __import__("os").system("touch PWNED_PY"); """',
  "'''\r\n__import__('os').system('touch PWNED_PY')",
  '`${require("child_process").execSync("touch PWNED_TS")}`',
  '\\N{x} \\x \\u12 end\\',
  '\u2028require("fs").writeFileSync("PWNED_TS", "")\u2029',
  '\u202eevil bidi\u202c \ud800 lone surrogate',
];

/** Every layer kind the engine maps, with the cases where TensorFlow and PyTorch padding differ. */
export function zooDesign(): DesignDocument {
  const b = new DesignBuilder('Layer zoo', { description: 'Every layer kind, with asymmetric padding cases.' });
  let x = b.input([15, 16, 3]);
  // Stride 2 'same' on an even size pads 0 before / 1 after; on an odd size, 1 and 1.
  x = b.add('Conv2D', { filters: 8, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu6' }, x, 'conv_s2');
  const a = b.add('DepthwiseConv2D', { kernelSize: [3, 3], padding: 'same', depthMultiplier: 2, activation: 'swish' }, x, 'dw');
  const s = b.add('SeparableConv2D', { filters: 16, kernelSize: [3, 3], padding: 'same', activation: 'gelu' }, x, 'sep');
  x = b.add('Concatenate', {}, [a, s], 'concat');
  x = b.add('BatchNormalization', { momentum: 0.9, epsilon: 0.0001 }, x, 'bn');
  x = b.add('Activation', { activation: 'leakyRelu', alpha: 0.2 }, x, 'leaky');
  x = b.add('Conv2D', { filters: 8, kernelSize: [2, 2], dilation: [2, 2], padding: 'same', activation: 'elu' }, x, 'dilated');
  x = b.add('MaxPool2D', { poolSize: [3, 3], strides: [2, 2], padding: 'same' }, x, 'maxpool_same');
  x = b.add('ZeroPadding2D', { padding: [[0, 1], [2, 0]] }, x, 'zpad');
  x = b.add('AvgPool2D', { poolSize: [2, 2], strides: [2, 2], padding: 'same' }, x, 'avgpool_same');
  x = b.add('Conv2DTranspose', { filters: 6, kernelSize: [3, 3], strides: [2, 2], padding: 'same', activation: 'selu' }, x, 'deconv');
  const g = b.add('GlobalAvgPool2D', {}, x, 'gap');
  const d = b.add('Dense', { units: 6, activation: 'hardSigmoid' }, g, 'gate');
  x = b.add('Multiply', {}, [x, b.add('Reshape', { targetShape: [1, 1, 6] }, d, 'gate_hw')], 'scale');
  const m = b.add('GlobalMaxPool2D', {}, x, 'gmp');
  x = b.add('Flatten', {}, x, 'flat');
  x = b.add('Dense', { units: 12, activation: 'mish' }, x, 'fc');
  x = b.add('Add', {}, [x, b.add('Dense', { units: 12, activation: 'softsign' }, m, 'fc_side')], 'sum');
  x = b.add('Reshape', { targetShape: [3, 4] }, x, 'reshape');
  x = b.add('Flatten', {}, x, 'flat2');
  x = b.add('Dropout', { rate: 0.25 }, x, 'drop');
  x = b.add('Dense', { units: 5, activation: 'softmax' }, x, 'probs');
  b.output(x, { loss: 'categoricalCrossentropy' });
  return b.build();
}

/** A small design whose name, description, source and node names are all hostile strings. */
export function hostileDesign(): DesignDocument {
  const b = new DesignBuilder(HOSTILE_STRINGS[0], { description: HOSTILE_STRINGS.join(' '), source: HOSTILE_STRINGS[3] });
  let x = b.input([8, 8, 1], HOSTILE_STRINGS[1]);
  HOSTILE_STRINGS.forEach((name, i) => {
    x = b.add('Conv2D', { filters: 2, kernelSize: [1, 1], activation: 'relu' }, x, name.slice(0, 200) + (i % 2 ? '' : ` ${i}`));
  });
  x = b.add('Flatten', {}, x, 'class');
  x = b.add('Dense', { units: 3, activation: 'softmax' }, x, 'forward');
  b.output(x, {}, HOSTILE_STRINGS[2]);
  return b.build();
}

/** A template retargeted to a small input (cheap to build and run). */
export function smallTemplate(name: string, inputShape: number[], classes = 10): TestDesign {
  return { key: name, doc: requireTemplate(name).build({ inputShape, classes }) };
}

/** The designs every target's test exports. */
export function testDesigns(): TestDesign[] {
  return [
    smallTemplate('fashion-cnn', [28, 28, 1]),
    smallTemplate('resnet18', [32, 32, 3]),
    smallTemplate('mobilenetv2', [32, 32, 3]),
    smallTemplate('googlenet', [32, 32, 3]),
    { key: 'zoo', doc: zooDesign() },
    { key: 'hostile', doc: hostileDesign() },
  ];
}

/** Analyses a design and fails loudly when it is not valid (a broken fixture, not a codegen bug). */
export function validAnalysis(doc: DesignDocument): DesignAnalysis {
  const analysis = analyzeDesign(doc);
  if (!analysis.valid) throw new Error(`fixture ${doc.name} is invalid: ${analysis.diagnostics.map((d) => d.message).join('; ')}`);
  return analysis;
}

/** A fresh scratch folder under `test-results/codegen-tmp/` (inside the repo, so node_modules resolves). */
export function scratchDir(name: string): string {
  const dir = path.resolve('test-results', 'codegen-tmp', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
