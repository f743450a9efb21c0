import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listBlocks } from '../../engine/blocks/registry';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerloom.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });

describe('layerloom blocks', () => {
  it('--json lists every registered block with its category, params, defaults and explanation', () => {
    const r = cli('blocks', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ type: string; category: string; description: string; params: { name: string; default: unknown; required: boolean }[]; layerClasses: string[] }>;
    expect(rows.map((x) => x.type)).toEqual(listBlocks().map((b) => b.type));
    const conv = rows.find((x) => x.type === 'Conv2D')!;
    expect(conv.category).toBe('convolution');
    expect(conv.params).toContainEqual({ name: 'filters', default: 32, required: false });
    expect(conv.layerClasses).toEqual(['Conv2D']);
    expect(rows.find((x) => x.type === 'Activation')!.layerClasses).toEqual(['Activation', 'LeakyReLU']);
    expect(rows.find((x) => x.type === 'Composite')!.params).toContainEqual({ name: 'definition', default: undefined, required: true });
    for (const row of rows) expect(row.description.length).toBeGreaterThan(20);
  });

  it('prints a table by default and refuses arguments with the usage', () => {
    const r = cli('blocks');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^TYPE\s+CATEGORY\s+PARAMS/);
    expect(r.stdout).toMatch(/MaxPool2D\s+pooling\s+poolSize=\[2,2\], strides \(optional\)/);
    const bad = cli('blocks', 'extra');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Usage: layerloom blocks [--json]');
  });
});
