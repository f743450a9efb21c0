/**
 * Browser mode: dataset folders are confined like document folders. Previews, training and a run's samples
 * or Inspect view read a dataset only from the documents folder, the runs folder, a folder named at launch
 * (`datasetDirs`, i.e. `LAYERLOOM_DATASET_DIRS`) or the embedded subset; `..`, absolute paths elsewhere,
 * symlinks that lead out, NUL bytes and Windows drive/UNC paths are refused with a message naming the path,
 * before anything is read. Real server, real files, a real IDX dataset (copies of the embedded subset).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performCommands } from '../engine/commands/perform';
import { tinyCnn } from '../engine/node/train/test-fixtures';
import { startBrowserServer, TOKEN_HEADER, type BrowserServer } from './browser-server';

const EMBEDDED = resolve(__dirname, '..', 'data', 'fashion-mnist-subset');
const t = mkdtempSync(join(tmpdir(), 'layerloom-datasets-'));
const docs = join(t, 'docs');
const outside = join(t, 'outside');
const extra = join(t, 'extra');
const runsDir = join(docs, 'LayerLoom runs');
let server: BrowserServer;

beforeAll(async () => {
  for (const dir of [join(docs, 'datasets', 'fm'), outside, extra]) cpSync(EMBEDDED, dir, { recursive: true });
  symlinkSync(outside, join(docs, 'link-out'));
  symlinkSync(extra, join(docs, 'link-to-extra'));
  mkdirSync(join(t, 'renderer'));
  server = await startBrowserServer({ rendererDir: join(t, 'renderer'), userDataDir: join(t, 'user'), documentsDir: docs, version: 't', datasetDirs: [extra] });
});
afterAll(async () => {
  await server.close();
  rmSync(t, { recursive: true, force: true });
});

async function api(channel: string, body: unknown): Promise<{ ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string; path?: string } }> {
  const res = await fetch(`${server.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token }, body: JSON.stringify(body) });
  return (await res.json()) as never;
}

/** Refused paths: the raw text, the error code, and a piece of the message. */
const REFUSED: [dir: string, code: string, says: RegExp][] = [
  ['../outside', 'permission-denied', /outside the folder LayerLoom works in .*LAYERLOOM_DATASET_DIRS/],
  ['datasets/../../outside', 'permission-denied', /outside the folder/],
  [outside, 'permission-denied', /outside the folder/],
  ['/etc', 'permission-denied', /outside the folder/],
  ['~', 'permission-denied', /outside the folder/],
  ['link-out', 'permission-denied', /leads through a symbolic link to .*outside/],
  ['link-out/../link-out', 'permission-denied', /symbolic link/],
  ['datasets/fm\0/../../../outside', 'bad-path', /NUL byte/],
  ['C:\\datasets\\mnist', 'bad-path', /Windows drive or network path/],
  ['c:/datasets', 'bad-path', /Windows drive/],
  ['\\\\server\\share\\mnist', 'bad-path', /Windows drive or network path/],
];

describe('dataset folders stay in the folders the user chose (browser mode)', () => {
  it.each(REFUSED)('preview refuses idx:%j', async (dir, code, says) => {
    const r = await api('trainingDatasetPreview', { dataset: { kind: 'idx', dir }, perClass: 1 });
    expect(r).toMatchObject({ ok: false, error: { code, path: 'dataset' } });
    expect(r.error!.message).toMatch(says);
    expect(r.error!.message).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reads datasets in the documents folder, a folder named at launch, through links that stay inside, and the embedded one', async () => {
    for (const dataset of [
      { kind: 'idx', dir: 'datasets/fm' },
      { kind: 'idx', dir: join(docs, 'datasets', 'fm') },
      { kind: 'idx', dir: ' datasets/fm/ ' },
      { kind: 'idx', dir: extra },
      { kind: 'idx', dir: 'link-to-extra' },
      { kind: 'default' },
    ]) {
      const r = await api('trainingDatasetPreview', { dataset, perClass: 1 });
      expect(r.ok, `${JSON.stringify(dataset)}: ${r.error?.message}`).toBe(true);
      expect(r.value?.trainCounts).toEqual(new Array(10).fill(1000));
    }
  });

  it('training, search and cifar/folder kinds are refused the same way, before a run folder is made', async () => {
    for (const kind of ['idx', 'cifar', 'folder']) {
      const r = await api('trainingStart', { document: tinyCnn(), dataset: { kind, dir: '../outside' }, backend: 'cpu' });
      expect(r, kind).toMatchObject({ ok: false, error: { code: 'permission-denied', path: 'dataset' } });
    }
    const searchable = performCommands(tinyCnn(), [
      { kind: 'setSearchParam', nodeId: 'conv', param: 'filters', values: [2, 4] },
      { kind: 'setSearch', search: { budget: 2, batches: 1, method: 'random' } },
    ]);
    const search = await api('searchStart', { document: searchable, dataset: { kind: 'idx', dir: 'link-out' }, backend: 'cpu' });
    expect(search).toMatchObject({ ok: false, error: { code: 'permission-denied', path: 'dataset' } });
    expect(readdirSync(docs).includes('LayerLoom runs') ? readdirSync(runsDir).filter((f) => f !== 'searches') : []).toEqual([]);
  });

  it('a run folder written by the page cannot point Inspect or the run samples at another dataset', async () => {
    // The page can write .json files into the runs folder (writeDocument), so a run record is untrusted input.
    const runDir = join(runsDir, 'planted');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'run.json'), JSON.stringify({ status: 'completed', dataset: { spec: `idx:${outside}` } }));
    writeFileSync(join(runDir, 'predictions.json'), JSON.stringify({ predicted: [0, 1], confidence: [0.9, 0.8] }));
    const inspect = await api('inspectCompute', { runId: 'planted', view: 'kernels' });
    expect(inspect).toMatchObject({ ok: false, error: { code: 'permission-denied', path: 'dataset' } });
    expect(inspect.error!.message).toContain(outside);
    const samples = await api('trainingRunSamples', { runId: 'planted', select: { kind: 'worst' }, count: 2 });
    expect(samples).toMatchObject({ ok: false, error: { code: 'permission-denied', path: 'dataset' } });
    // And a run id may not name the runs folder's parent.
    expect(await api('inspectCompute', { runId: '..', view: 'kernels' })).toMatchObject({ ok: false, error: { code: 'bad-path', path: 'runId' } });
  });
});
