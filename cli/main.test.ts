import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/layerloom.js', ...args], { encoding: 'utf8' });

describe('layerloom dispatcher', () => {
  it('lists the commands and exits 2 without a command', () => {
    const r = cli();
    expect(r.status).toBe(2);
    for (const c of ['analyze', 'templates', 'export', 'import', 'train']) expect(r.stdout).toContain(`layerloom ${c}`);
  });

  it('names an unknown command, exit 2, no stack trace', () => {
    const r = cli('anaylze', 'vgg16');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'anaylze'");
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('prints a command usage for --help, exit 0', () => {
    const r = cli('train', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: layerloom train .*--dataset/);
  });
});
