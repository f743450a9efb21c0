import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_NAMES } from '../../templates/index';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerloom.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });

describe('layerloom templates', () => {
  it('--json lists every template with its description and parameter count', () => {
    const r = cli('templates', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; description: string; params: number; source: string }>;
    expect(rows.map((x) => x.name)).toEqual(TEMPLATE_NAMES);
    const byName = Object.fromEntries(rows.map((x) => [x.name, x]));
    expect(byName.vgg16.params).toBe(138_357_544);
    expect(byName.mobilenetv2.params).toBe(3_538_984);
    expect(byName['fashion-cnn'].description).toMatch(/Fashion-MNIST|28x28/);
    for (const row of rows) expect(row.source.length).toBeGreaterThan(10);
  });

  it('prints a table by default', () => {
    const r = cli('templates');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+PARAMS\s+INPUT\s+DESCRIPTION/);
    expect(r.stdout).toMatch(/resnet50\s+25,636,712\s+224x224x3\/1000/);
  });

  it.each([
    [['templates', '--bogus'], /Unknown option '--bogus'/],
    [['templates', 'vgg16'], /templates takes no arguments/],
  ])('%j: clear message and exit 2', (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
