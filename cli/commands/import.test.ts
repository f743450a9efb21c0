import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_MODEL_FILE_BYTES } from '../../engine/node/limits';
import { parseDocumentText } from '../../engine/schema/load';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(repoRoot, 'engine/import/fixtures');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'layerloom-import-cli-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/layerloom.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('layerloom import', () => {
  it('imports a Keras model file into a document that loads and reports its parameters', () => {
    const out = path.join(tmp, 'mobilenet.json');
    const r = cli('import', path.join(fixtures, 'mobilenet_1.00_224.keras-2.2.0.json'), '-o', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Imported 101 layers/);
    expect(r.stdout).toMatch(/Parameters: 4,253,864/);
    const doc = parseDocumentText(readFileSync(out, 'utf8'));
    expect(doc.nodes.filter((n) => n.type === 'DepthwiseConv2D')).toHaveLength(13);
  });

  it('imports a tfjs model.json', () => {
    const out = path.join(tmp, 'vgg.json');
    const r = cli('import', path.join(fixtures, 'vgg16-finetuned-8-classes.tfjs-layers-model.json'), '-o', out, '--name', 'My VGG');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Parameters: 66,623,560/);
    expect(parseDocumentText(readFileSync(out, 'utf8')).name).toBe('My VGG');
  });

  it('names the unsupported layer and exits 2', () => {
    const file = path.join(tmp, 'lstm.json');
    writeFileSync(file, JSON.stringify({
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'LSTM', config: { name: 'my_lstm', units: 4, batch_input_shape: [null, 5, 3] } }] },
    }));
    const r = cli('import', file, '-o', path.join(tmp, 'never.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/layer 'my_lstm' has class LSTM/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['import'], /expected one model file, got 0/],
    [['import', 'model.json'], /missing -o/],
    [['import', 'does-not-exist.json', '-o', 'x.json'], /cannot read 'does-not-exist.json': no such file/],
    [['import', 'engine', '-o', 'x.json'], /'engine' is not a file/],
    [['import', 'package.json', '-o', 'x.json'], /expected a Keras\/tfjs layers model/],
    [['import', 'package.json', '-o', 'engine'], /-o 'engine' is a folder/],
  ])('%j: clear message and exit 2', (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('size-checks a model file before reading it: a clear message, exit 2, nothing written', () => {
    // Sparse files: 64 MB + 1 byte, and 5 GB (which readFile could not even hold as a string).
    for (const [name, size] of [['big.json', MAX_MODEL_FILE_BYTES + 1], ['huge-model.json', 5 * 1024 ** 3], ['huge.onnx', 5 * 1024 ** 3]] as const) {
      const file = path.join(tmp, name);
      const fd = openSync(file, 'w');
      ftruncateSync(fd, size);
      closeSync(fd);
      const out = path.join(tmp, `${name}.design.json`);
      const r = cli('import', file, '-o', out);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(String(size));
      expect(r.stderr).toMatch(name.endsWith('.onnx') ? /more than the \d+ an ONNX model may have/ : /it is [\d.]+ [MG]B \(\d+ bytes\), more than the 64\.0 MB a model topology/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
      rmSync(file);
    }
  });
});
