import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTemplates } from '../../templates/index';
import { generateCode } from './index';
import { nodeRole } from './layers';
import { scratchDir, validAnalysis } from './test-designs';

const TSC = path.resolve('node_modules/typescript/bin/tsc');

/** Every template, at its default input and class count, exports to every code target. */
describe('every template exports to TypeScript, Keras and PyTorch', () => {
  const templates = listTemplates();

  it.each(templates.map((t) => [t.name, t] as const))('%s: each target names every layer', (_name, t) => {
    const doc = t.build();
    const layers = validAnalysis(doc).flat.filter((n) => nodeRole(n) !== 'output' && n.type !== 'Input').map((n) => n.layerName);
    for (const target of ['ts', 'keras', 'pytorch'] as const) {
      const files = generateCode(doc, target);
      expect(files.length).toBeGreaterThan(0);
      const main = files[0].contents;
      if (target === 'pytorch') {
        // The module defines one attribute or functional call per layer; every layer name appears in it.
        for (const layer of layers) expect(main, `${t.name} ${target} ${layer}`).toContain(layer);
      } else {
        for (const layer of layers) expect(main, `${t.name} ${target} ${layer}`).toMatch(new RegExp(`name\\s*[:=]\\s*['"]${layer}['"]`));
      }
    }
  });

  it('all generated TypeScript type-checks under tsc --strict in one run', () => {
    const dir = scratchDir('all-templates-ts');
    const files: string[] = [];
    for (const t of templates) {
      const [file] = generateCode(t.build(), 'ts');
      mkdirSync(path.join(dir, t.name));
      writeFileSync(path.join(dir, t.name, file.path), file.contents);
      files.push(path.join(t.name, file.path));
    }
    const r = spawnSync(
      process.execPath,
      [TSC, '--ignoreConfig', '--strict', '--noEmit', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--skipLibCheck', ...files],
      { cwd: dir, encoding: 'utf8', timeout: 180_000 },
    );
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});
