import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerloom.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });

describe('layerloom search', () => {
  it('searches fashion-cnn\'s widths on the embedded data, refusing what breaks a constraint, and prints the front', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-search-cli-'));
    const space = path.join(dir, 'space.json');
    writeFileSync(space, JSON.stringify({ params: [{ node: 'conv1', param: 'filters', values: [8, 16, 512] }], constraints: { maxParams: 400_000 } }));
    const out = path.join(dir, 'out');
    const r = cli('search', 'fashion-cnn', '--space', space, '--budget', '3', '--batches', '2', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\{"conv1\.filters":512\}: refused before training: [\d,]+ parameters > 400,000/);
    expect(r.stdout).toMatch(/Pareto front \(accuracy vs MACs\), cheapest first:\n {2}c\d/);
    const result = JSON.parse(readFileSync(path.join(out, 'search.json'), 'utf8'));
    expect(result.candidates).toHaveLength(3);
    expect(result.candidates.filter((c: { accuracy: number | null }) => c.accuracy !== null)).toHaveLength(2);
  }, 240_000);

  it('searches the space saved in the design when --space and --budget are absent', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-search-cli-'));
    const doc = JSON.parse(readFileSync(path.join(repoRoot, 'templates/fashion-cnn.json'), 'utf8'));
    doc.search = { params: [{ node: 'conv1', param: 'filters', values: [4, 1024] }], constraints: { maxParams: 400_000 }, method: 'random', budget: 2, batches: 1 };
    const file = path.join(dir, 'design.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = path.join(dir, 'out');
    const r = cli('search', file, '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.space.params).toEqual(doc.search.params);
    expect(result.candidates.map((c: { choice: Record<string, number>; rejected: string | null; batches: number | null }) => [c.choice['conv1.filters'], c.rejected === null, c.batches]))
      .toEqual(expect.arrayContaining([[4, true, 1], [1024, false, null]]));
  }, 240_000);

  it('names what is wrong in a bad space file, exit 2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-search-cli-'));
    const space = path.join(dir, 'space.json');
    writeFileSync(space, JSON.stringify({ params: [{ node: 'conv1', param: 'filters', values: [] }] }));
    const r = cli('search', 'fashion-cnn', '--space', space, '--budget', '2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/space\.json: params\.0\.values: expected at least one value/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = cli('search', 'fashion-cnn', '--budget', '2');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--space is required: fashion-cnn marks no param as searchable');
  });
});
