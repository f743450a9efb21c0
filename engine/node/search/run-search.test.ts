/** A real (tiny) search on the embedded Fashion-MNIST subset: rejected candidates untrained, the rest trained and kept. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../build/design-builder';
import { searchSpaceSchema } from '../../search/space';
import { loadDataset } from '../train/data/dataset';
import type { Dataset } from '../train/data/types';
import { runSearch } from './run-search';

let data: Dataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadDataset({ kind: 'default' });
});

function design() {
  const b = new DesignBuilder('tiny');
  let x = b.add('Conv2D', { filters: 2, kernelSize: [3, 3], strides: [2, 2], activation: 'relu' }, b.input([28, 28, 1]), 'conv');
  x = b.add('Flatten', {}, x, 'flat');
  b.output(b.add('Dense', { units: 10, activation: 'softmax' }, x, 'head'));
  return b.build();
}

describe('runSearch', () => {
  it.each(['random', 'halving'] as const)('%s: trains the feasible candidates, keeps each run, writes the Pareto front', async (method) => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-search-'));
    const space = searchSpaceSchema.parse({
      params: [{ node: 'conv', param: 'filters', values: [2, 4, 64] }],
      constraints: { maxParams: 60_000 },
    });
    const result = await runSearch({
      tf, document: design(), space, dataset: data, budget: 3, method, batches: 3, seed: 1, outDir,
      backend: { name: 'cpu', reason: 'test', skipped: [] }, overrides: { limitTrain: 256, limitTest: 200, batchSize: 32 },
    });
    const byFilters = (f: number) => result.candidates.find((c) => c.choice['conv.filters'] === f)!;
    expect(byFilters(64).rejected).toMatch(/parameters > 60,000/);
    expect(byFilters(64).runDir).toBeNull();
    for (const f of [2, 4]) {
      const c = byFilters(f);
      expect(c.accuracy).toBeGreaterThan(0);
      expect(existsSync(path.join(c.runDir!, 'run.json'))).toBe(true);
    }
    if (method === 'halving') expect(Math.max(byFilters(2).batches!, byFilters(4).batches!)).toBe(6);
    expect(result.front.length).toBeGreaterThan(0);
    expect(result.best).not.toBeNull();
    expect(JSON.parse(readFileSync(path.join(outDir, 'search.json'), 'utf8'))).toEqual(result);
  }, 120_000);
});

describe('runSearch memory check', () => {
  it('refuses, untrained, a candidate too big for the memory budget, like the training worker would', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-search-'));
    const space = searchSpaceSchema.parse({ params: [{ node: 'conv', param: 'filters', values: [2, 512] }] });
    const result = await runSearch({
      tf, document: design(), space, dataset: data, budget: 2, method: 'random', batches: 1, seed: 1, outDir,
      backend: { name: 'cpu', reason: 'test', skipped: [] }, overrides: { limitTrain: 64, limitTest: 32, batchSize: 16 },
      memoryBudget: { bytes: 8 * 1024 * 1024, source: { setting: '8MB' } },
    });
    const big = result.candidates.find((c) => c.choice['conv.filters'] === 512)!;
    expect(big.rejected).toMatch(/^the design needs about [\d.]+ \w+ to train at batch 16 .*more than the memory budget of 8/);
    expect(big.runDir).toBeNull();
    expect(big.rejectedDetail).toMatchObject({ code: 'memory-train', values: { batch: 16, budget: '8.0 MB', setting: '8MB' } });
    expect(result.candidates.find((c) => c.choice['conv.filters'] === 2)!.accuracy).not.toBeNull();
  }, 60_000);
});

describe('runSearch with a candidate that cannot train', () => {
  it('reports its failure and goes on with the others', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'layerloom-search-'));
    // 5 classes out of the dataset's 10: the analysis cannot know, the training refuses the data.
    const space = searchSpaceSchema.parse({ params: [{ node: 'head', param: 'units', values: [5, 10] }] });
    const events: string[] = [];
    const result = await runSearch({
      tf, document: design(), space, dataset: data, budget: 2, method: 'halving', batches: 1, seed: 1, outDir,
      backend: { name: 'cpu', reason: 'test', skipped: [] }, overrides: { limitTrain: 64, limitTest: 32, batchSize: 16 },
      emit: (e) => events.push(e.type === 'failed' || e.type === 'trained' ? `${e.type}:${e.id}` : e.type),
    });
    const bad = result.candidates.find((c) => c.choice['head.units'] === 5)!;
    const good = result.candidates.find((c) => c.choice['head.units'] === 10)!;
    expect(bad.failed).toMatch(/class/i);
    expect(bad.failedDetail).toMatchObject({ code: 'output-classes', values: { units: 5, classes: 10 } });
    expect(bad.accuracy).toBeNull();
    expect(good.accuracy).not.toBeNull();
    expect(result.best).toBe(good.id);
    // Halving: the failed one drops out; the survivor trains again on twice the batches.
    expect(events).toEqual(['drawn', 'training', `failed:${bad.id}`, 'training', `trained:${good.id}`, 'training', `trained:${good.id}`, 'finished']);
    expect(good.batches).toBe(2);
  }, 60_000);
});
