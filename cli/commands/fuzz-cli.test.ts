/**
 * Hostile inputs through the real processes and the real host API (deliverable 1's sample; the bulk runs in
 * process in engine/node/fuzz/fuzz.test.ts): seeded mutated design documents through `layerloom analyze` and
 * `layerloom export`, mutated model.json files through `layerloom import`, corrupt IDX files and image folders
 * through `layerloom train --max-batches 1`, and the same kinds through the browser-mode server's API. Each
 * must exit 0 or 2 (or answer `ok: false` with a message), within a time limit, print no stack trace and leave
 * no partial file. Counts per kind and the seed are printed; `LAYERLOOM_FUZZ_SEED` replays.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTemplate } from '../../templates/index';
import { serializeDocument } from '../../engine/schema/load';
import { encodeIdx } from '../../engine/node/train/data/idx';
import { brokenText, jpegBytes, mutateBytes, mutateJson, pngBytes, pngClaiming, Rand } from '../../engine/node/fuzz/test-hostile-inputs';
import { startBrowserServer, TOKEN_HEADER } from '../../electron/browser-server';

const SEED = Number(process.env.LAYERLOOM_FUZZ_SEED ?? 20261127) + 1;
const PER_KIND = Number(process.env.LAYERLOOM_FUZZ_CLI_SAMPLE ?? 8);
const root = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const r = new Rand(SEED);
console.log(`fuzz-cli: seed ${SEED}, ${PER_KIND} inputs per kind (LAYERLOOM_FUZZ_SEED, LAYERLOOM_FUZZ_CLI_SAMPLE)`);

const STACK = /\n\s+at .+[:(].*\d+:\d+/;
const counts: Record<string, { accepted: number; refused: number }> = {};

/** Runs the CLI on one input; checks exit code, time limit, no stack trace; records accepted/refused. */
function cli(kind: string, args: string[]): number {
  const res = spawnSync(process.execPath, [path.join(root, 'bin', 'layerloom.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  const where = `${kind}: layerloom ${args.join(' ')}\n${res.stderr.slice(0, 800)}`;
  expect(res.signal, `${where}\n(killed: over the time limit)`).toBeNull();
  expect([0, 2], where).toContain(res.status);
  expect(res.stderr + res.stdout, where).not.toMatch(STACK);
  if (res.status === 2) expect(res.stderr.trim().length, where).toBeGreaterThan(10);
  const c = (counts[kind] ??= { accepted: 0, refused: 0 });
  if (res.status === 0) c.accepted++;
  else c.refused++;
  return res.status ?? -1;
}

const noTemp = (folder: string) => expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);

const designs = (n: number) => {
  const bases = ['lenet5', 'fashion-cnn'].map((t) => JSON.parse(serializeDocument(requireTemplate(t).build())));
  return Array.from({ length: n }, (_, i) => (i % 3 === 2 ? brokenText(JSON.stringify(bases[i % 2]), r) : JSON.stringify(mutateJson(bases[i % 2], r))));
};
const models = (n: number) => {
  const base = JSON.parse(readFileSync(path.join(root, 'engine', 'import', 'fixtures', 'mobilenet_0.25_224.tfjs-layers-model.json'), 'utf8'));
  return Array.from({ length: n }, (_, i) => (i % 3 === 2 ? brokenText(JSON.stringify(base), r) : JSON.stringify(mutateJson(base, r))));
};

describe('hostile inputs through the CLI, as real processes', () => {
  it('analyze and export: mutated design documents', () => {
    const work = path.join(dir, 'designs');
    mkdirSync(work);
    designs(PER_KIND).forEach((text, i) => {
      const file = path.join(work, `d${i}.json`);
      writeFileSync(file, text);
      cli('analyze', ['analyze', file]);
      const out = path.join(work, `d${i}.py`);
      if (cli('export', ['export', file, '--format', 'keras', '-o', out]) !== 0) expect(existsSync(out)).toBe(false);
    });
    noTemp(work);
  }, 600_000);

  it('import: mutated model.json files', () => {
    const work = path.join(dir, 'models');
    mkdirSync(work);
    models(PER_KIND).forEach((text, i) => {
      const file = path.join(work, `m${i}.model.json`);
      writeFileSync(file, text);
      const out = path.join(work, `m${i}.design.json`);
      if (cli('import', ['import', file, '-o', out]) !== 0) expect(existsSync(out)).toBe(false);
    });
    noTemp(work);
  }, 600_000);

  it('train --max-batches 1: corrupt IDX files and image folders', () => {
    const images = new Uint8Array(40 * 28 * 28).map((_, i) => i % 251);
    const labels = new Uint8Array(40).map((_, i) => i % 2);
    for (let i = 0; i < PER_KIND; i++) {
      const idx = path.join(dir, `idx${i}`);
      mkdirSync(idx);
      for (const prefix of ['train', 't10k']) {
        const img = encodeIdx([40, 28, 28], images, false);
        const lab = encodeIdx([40], labels, false);
        // One of the four files damaged per dataset; the rest valid, so the loader gets past the first.
        const bad = r.int(4);
        writeFileSync(path.join(idx, `${prefix}-images-idx3-ubyte`), bad === (prefix === 'train' ? 0 : 2) ? mutateBytes(img, r) : img);
        writeFileSync(path.join(idx, `${prefix}-labels-idx1-ubyte`), bad === (prefix === 'train' ? 1 : 3) ? mutateBytes(lab, r) : lab);
      }
      cli('train (IDX)', ['train', 'lenet5', '--dataset', `idx:${idx}`, '--max-batches', '1', '--epochs', '1', '--backend', 'cpu', '--out', path.join(idx, 'run')]);

      const folder = path.join(dir, `images${i}`);
      for (const cls of ['a', 'b']) {
        mkdirSync(path.join(folder, cls), { recursive: true });
        for (let k = 0; k < 3; k++) writeFileSync(path.join(folder, cls, `ok${k}.png`), pngBytes(28, 28, r));
      }
      const hostile = [mutateBytes(pngBytes(28, 28, r), r), mutateBytes(jpegBytes(28, 28, r), r), pngClaiming(100_000, 100_000, r), new Uint8Array(0)][i % 4];
      writeFileSync(path.join(folder, 'a', i % 4 === 1 ? 'bad.jpg' : 'bad.png'), hostile);
      cli('train (image folder)', ['train', 'lenet5', '--dataset', `folder:${folder}`, '--max-batches', '1', '--epochs', '1', '--backend', 'cpu', '--out', path.join(folder, 'run')]);
    }
  }, 600_000);
});

describe('hostile inputs through the host API (browser-mode server, real HTTP)', () => {
  it('modelImport, modelExport and readDocument answer ok or a named error, and write no partial file', async () => {
    const docs = path.join(dir, 'api-docs');
    mkdirSync(docs);
    mkdirSync(path.join(dir, 'api-renderer'));
    const server = await startBrowserServer({ rendererDir: path.join(dir, 'api-renderer'), userDataDir: path.join(dir, 'api-user'), documentsDir: docs, version: 'fuzz' });
    const call = async (channel: string, body: unknown) => {
      const started = performance.now();
      const res = await fetch(`${server.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token }, body: JSON.stringify(body) });
      const json = (await res.json()) as { ok: boolean; error?: { message: string } };
      expect(performance.now() - started, `${channel} took too long`).toBeLessThan(60_000);
      const c = (counts[`API ${channel}`] ??= { accepted: 0, refused: 0 });
      if (json.ok) c.accepted++;
      else {
        c.refused++;
        expect(json.error?.message.length).toBeGreaterThan(10);
        expect(json.error?.message).not.toMatch(STACK);
      }
      return json.ok;
    };
    try {
      const texts = models(PER_KIND * 2);
      for (const [i, text] of texts.entries()) {
        writeFileSync(path.join(docs, `m${i}.model.json`), text);
        await call('modelImport', { path: `m${i}.model.json` });
      }
      for (const [i, text] of designs(PER_KIND * 2).entries()) {
        let document: unknown = null;
        try { document = JSON.parse(text); } catch { document = { text }; }
        if (typeof document !== 'object' || document === null || Array.isArray(document)) document = { value: document };
        if (!(await call('modelExport', { document, format: i % 2 ? 'pytorch' : 'tfjs', path: `e${i}` }))) expect(existsSync(path.join(docs, `e${i}`))).toBe(false);
        writeFileSync(path.join(docs, `d${i}.json`), text);
        await call('readDocument', { path: `d${i}.json` });
      }
      noTemp(docs);
    } finally {
      await server.close();
    }
    for (const [kind, c] of Object.entries(counts)) console.log(`fuzz-cli: ${kind}: ${c.accepted + c.refused} inputs, ${c.accepted} accepted, ${c.refused} refused with a message`);
  }, 600_000);
});
