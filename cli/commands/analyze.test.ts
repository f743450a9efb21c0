/** `layerloom analyze` as a user runs it: `node bin/layerloom.js analyze ...` in a subprocess. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../engine/build/design-builder';

const root = join(__dirname, '..', '..');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'layerloom.js'), 'analyze', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('layerloom analyze', () => {
  it('reports Keras ResNet-50 as JSON: totals, stage shapes without the batch, receptive fields; exit 0', () => {
    const r = cli('resnet50', '--json', '--batch', '8');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.totals).toMatchObject({ params: 25_636_712, trainableParams: 25_583_592, nonTrainableParams: 53_120 });
    const byId = Object.fromEntries(report.nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId.conv2_block3).toMatchObject({ name: 'conv2_block3', type: 'Residual', outputShape: [56, 56, 256] });
    expect(byId.conv5_block3.receptiveField).toEqual({ size: [483, 483], stride: [32, 32], padding: [241, 241] });
    expect(report.diagnostics).toEqual([]);
  });

  it('prints a Keras-like table for a document file, retargeted with --input', () => {
    const b = new DesignBuilder('Tiny');
    let x = b.input([28, 28, 1]);
    x = b.add('Conv2D', { filters: 8, kernelSize: [3, 3] }, x, 'conv');
    x = b.add('Flatten', {}, x, 'flat');
    b.output(b.add('Dense', { units: 10, activation: 'softmax' }, x, 'fc'));
    const file = join(mkdtempSync(join(tmpdir(), 'll-')), 'tiny.json');
    writeFileSync(file, JSON.stringify(b.build()));
    const r = cli(file, '--input', '10x10x1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Model: "Tiny"');
    expect(r.out).toMatch(/conv \(Conv2D\)\s+\(None, 8, 8, 8\)\s+80\s+4,608\s+3x3 \/1x1/);
    expect(r.out).toContain(`Total params: ${(80 + 8 * 8 * 8 * 10 + 10).toLocaleString('en-US')}`);
  });

  it('an invalid design still prints its report, with the diagnostic and fix; exit 2', () => {
    const b = new DesignBuilder('Broken');
    b.output(b.add('Dense', { units: 10 }, b.input([8, 8, 3]), 'fc'));
    const file = join(mkdtempSync(join(tmpdir(), 'll-')), 'broken.json');
    writeFileSync(file, JSON.stringify(b.build()));
    const r = cli(file, '--json');
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out);
    expect(report.valid).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ severity: 'error', nodeId: 'fc', fix: { commands: [{ kind: 'insertOnEdge', type: 'Flatten' }] } });
  });

  it.each([
    [['no-such-file.json'], "cannot read 'no-such-file.json': no such file"],
    [['nonet'], "'nonet' is neither a document file nor a template"],
    [['vgg16', '--input', '224x224'], '--input must look like HxWxC'],
    [[join('templates', 'builders', 'classic.ts')], 'is not valid JSON'],
  ])('bad input %j: one clear message, exit 2, no stack trace', (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
