import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCode } from './index';
import { nodeRole } from './layers';
import { testDesigns, scratchDir, validAnalysis } from './test-designs';

const TSC = path.resolve('node_modules/typescript/bin/tsc');
const TSX = path.resolve('node_modules/tsx/dist/cli.mjs');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('TypeScript (tfjs) export', () => {
  it('compiles under tsc --strict and, when run, builds the analysed model (params and every layer shape)', () => {
    const dir = scratchDir('ts');
    const designs = testDesigns();
    const expected: Record<string, { params: number; layers: Record<string, number[]> }> = {};
    const files: string[] = [];
    for (const d of designs) {
      const analysis = validAnalysis(d.doc);
      const [file] = generateCode(d.doc, 'ts');
      mkdirSync(path.join(dir, d.key));
      writeFileSync(path.join(dir, d.key, file.path), file.contents);
      files.push(path.join(d.key, file.path));
      const layers: Record<string, number[]> = {};
      for (const n of analysis.flat) if (nodeRole(n) !== 'output') layers[n.layerName] = [...n.outputShape];
      expected[d.key] = { params: analysis.totals.params, layers };
    }
    const runner = [
      ...designs.map((d, i) => `import { buildModel as build${i} } from './${d.key}/model';`),
      `const builders = { ${designs.map((d, i) => `${JSON.stringify(d.key)}: build${i}`).join(', ')} };`,
      'const out: Record<string, { params: number; layers: Record<string, unknown> }> = {};',
      'for (const [key, build] of Object.entries(builders)) {',
      '  const model = build();',
      '  const layers: Record<string, unknown> = {};',
      '  for (const layer of model.layers) layers[layer.name] = (layer.outputShape as (number | null)[]).slice(1);',
      '  out[key] = { params: model.countParams(), layers };',
      '}',
      'console.log("RESULT " + JSON.stringify(out));',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'runner.ts'), runner);

    const tsc = run([TSC, '--ignoreConfig', '--strict', '--noEmit', '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2022', '--skipLibCheck', ...files, 'runner.ts'], dir);
    expect(tsc.out.trim()).toBe('');
    expect(tsc.code).toBe(0);

    const ran = run([TSX, 'runner.ts'], dir);
    const line = ran.out.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, ran.out).toBeDefined();
    const actual = JSON.parse(line!.slice('RESULT '.length));
    for (const d of designs) {
      expect(actual[d.key].params, d.key).toBe(expected[d.key].params);
      expect(actual[d.key].layers, d.key).toEqual(expected[d.key].layers);
    }
    // The hostile design's payloads would have created these files had any of them run.
    expect(readdirSync(dir).filter((f) => f.startsWith('PWNED'))).toEqual([]);
    expect(existsSync(path.resolve('PWNED_TS'))).toBe(false);
  });

  it('names layers after the nodes and prints the summary when run directly', () => {
    const dir = scratchDir('ts-main');
    const d = testDesigns()[0];
    const [file] = generateCode(d.doc, 'ts');
    for (const n of validAnalysis(d.doc).flat) {
      if (nodeRole(n) === 'layer') expect(file.contents).toContain(`name: "${n.layerName}"`);
    }
    expect(file.contents).toMatch(/export function buildModel\(\): tf\.LayersModel/);
    writeFileSync(path.join(dir, 'model.ts'), file.contents);
    const ran = run([TSX, 'model.ts'], dir);
    expect(ran.code, ran.out).toBe(0);
    expect(ran.out).toContain(`Total params: ${validAnalysis(d.doc).totals.params}`);
  });
});
