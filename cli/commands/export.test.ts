import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../engine/build/design-builder';
import { serializeDocument } from '../../engine/schema/load';
import { zooDesign } from '../../engine/codegen/test-designs';

const dir = path.resolve('test-results', 'codegen-tmp', `cli-export-${process.pid}`);
const at = (name: string) => path.join(dir, name);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/layerloom.js', 'export', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(at('zoo.json'), serializeDocument(zooDesign()));
  writeFileSync(at('broken.json'), '{ "format": "layerloom.design", ');
  writeFileSync(at('invalid.json'), JSON.stringify({ format: 'layerloom.design', version: 1, nodes: [{ id: 'a', type: 'Input', name: 'a', params: {} }], edges: 'none' }));
  const b = new DesignBuilder('half BN');
  const x = b.add('BatchNormalization', { center: true, scale: false }, b.add('Dense', { units: 4 }, b.input([8])), 'half_bn');
  b.output(x);
  writeFileSync(at('half-bn.json'), serializeDocument(b.build()));
});

describe('layerloom export', () => {
  it('writes TypeScript from a template name', () => {
    const r = cli('fashion-cnn', '--format', 'ts', '-o', at('fashion.ts'));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(at('fashion.ts'), 'utf8')).toContain('export function buildModel(): tf.LayersModel');
    expect(r.stdout).toContain('fashion.ts');
  });

  it('writes Keras for a retargeted template into an existing folder', () => {
    mkdirSync(at('keras'));
    const r = cli('resnet18', '--input', '32x32x3', '--classes', '7', '--format', 'keras', '-o', at('keras'));
    expect(r.code, r.stderr).toBe(0);
    const py = readFileSync(at('keras/model.py'), 'utf8');
    expect(py).toContain('keras.Input(shape=(32, 32, 3)');
    expect(py).toMatch(/layers\.Dense\(units=7,/);
  });

  it('writes model.py and train.py from a document file for PyTorch, leaving no temp files', () => {
    const r = cli(at('zoo.json'), '--format', 'pytorch', '-o', at('torch'));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(at('torch/model.py'), 'utf8')).toContain('class LayerZoo(nn.Module):');
    expect(readFileSync(at('torch/train.py'), 'utf8')).toContain('DistributedDataParallel');
    expect(spawnSync('ls', ['-A', at('torch')], { encoding: 'utf8' }).stdout.trim().split('\n').sort()).toEqual(['model.py', 'train.py']);
  });

  it('writes tfjs model.json + weights through the compiler', () => {
    const r = cli('lenet5', '--format', 'tfjs', '-o', at('tfjs'));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(at('tfjs/model.json'))).toBe(true);
    expect(existsSync(at('tfjs/weights.bin'))).toBe(true);
  });

  it.each([
    ['no source', ['--format', 'ts', '-o', 'x.ts'], /expected one document, template name or run folder/],
    ['missing --format', ['fashion-cnn', '-o', 'x.ts'], /missing --format/],
    ['unknown format', ['fashion-cnn', '--format', 'caffe', '-o', 'x'], /unknown format 'caffe'; expected one of ts, keras, pytorch, tfjs, onnx/],
    ['missing -o', ['fashion-cnn', '--format', 'ts'], /missing -o <path>/],
    ['unknown option', ['fashion-cnn', '--format', 'ts', '-o', 'x.ts', '--fast'], /Unknown option '--fast'/],
    ['unknown template', ['resnet-9000', '--format', 'ts', '-o', 'x.ts'], /unknown template 'resnet-9000'; templates: lenet5/],
    ['unreadable document', ['no/such/file.json', '--format', 'ts', '-o', 'x.ts'], /cannot read 'no\/such\/file.json': no such file/],
    ['document that is not JSON', ['@broken', '--format', 'keras', '-o', 'x.py'], /broken.json is not valid JSON/],
    ['invalid document', ['@invalid', '--format', 'keras', '-o', 'x.py'], /edges/],
    ['bad --input', ['fashion-cnn', '--input', '28x28', '--format', 'ts', '-o', 'x.ts'], /--input must look like HxWxC/],
    ['unsupported features', ['@half-bn', '--format', 'pytorch', '-o', 'out'], /cannot export to pytorch: 1 feature[\s\S]*half_bn: BatchNormalization with only one of center\/scale/],
  ])('%s: a clear message and exit 2', (_label, args, message) => {
    const r = cli(...args.map((a) => (a.startsWith('@') ? at(`${a.slice(1)}.json`) : a)));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^layerloom export: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync('x.ts') || existsSync('x.py') || existsSync('out')).toBe(false);
  });
});

/** A real (tiny) training run folder, written by `layerloom train --out`, exported with its trained weights. */
describe('layerloom export from a training run folder', () => {
  const runDir = at('run');
  beforeAll(() => {
    const r = spawnSync(process.execPath, ['bin/layerloom.js', 'train', 'lenet5', '--epochs', '1', '--limit-train', '64', '--limit-test', '32', '--batch', '32', '--out', runDir], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
  }, 130_000);

  it('--format tfjs writes the trained weights byte for byte', () => {
    const r = cli(runDir, '--format', 'tfjs', '-o', at('run-tfjs'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('trained weights from');
    expect(readFileSync(at('run-tfjs/weights.bin')).equals(readFileSync(path.join(runDir, 'model', 'weights.bin')))).toBe(true);
  });

  it('code formats write the design the run trained', () => {
    const r = cli(runDir, '--format', 'ts', '-o', at('run.ts'));
    expect(r.code, r.stderr).toBe(0);
    const ts = readFileSync(at('run.ts'), 'utf8');
    expect(ts).toContain('tf.input({ shape: [28, 28, 1]');
    expect(ts).toContain('name: "c5"');
  });

  it('a design with --run gets the run weights when they fit, and a message naming the layer when not', () => {
    const ok = cli('lenet5', '--input', '28x28x1', '--run', runDir, '--format', 'tfjs', '-o', at('run-tfjs2'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(at('run-tfjs2/weights.bin')).equals(readFileSync(path.join(runDir, 'model', 'weights.bin')))).toBe(true);
    const bad = cli('lenet5', '--run', runDir, '--format', 'tfjs', '-o', at('run-tfjs3'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/layer 'c5' has weights \[256x120, 120\] but the design's layer 'c5' needs \[400x120, 120\]/);
    expect(existsSync(at('run-tfjs3'))).toBe(false);
  });

  it('--run with a code format is refused (source code has no weights)', () => {
    const r = cli('lenet5', '--run', runDir, '--format', 'keras', '-o', at('x.py'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only --format tfjs carries/);
  });
});
