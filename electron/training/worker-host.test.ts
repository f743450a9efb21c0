import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { errorDetailEnglish, type ErrorDetail } from '../../engine/messages';
import { tinyCnn } from '../../engine/node/train/test-fixtures';
import type { TrainingEvent } from '../../contract/training-protocol';
import { TrainingWorkerHost } from './worker-host';

const hosts: TrainingWorkerHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose()));
});

/** A host whose events can be awaited by predicate. */
function makeHost() {
  const events: TrainingEvent[] = [];
  const waiters: Array<{ pred: (e: TrainingEvent) => boolean; resolve: (e: TrainingEvent) => void }> = [];
  const host = new TrainingWorkerHost({
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) {
        if (w.pred(e)) w.resolve(e);
        else waiters.push(w);
      }
    },
  });
  hosts.push(host);
  const next = (pred: (e: TrainingEvent) => boolean) => new Promise<TrainingEvent>((resolve) => waiters.push({ pred, resolve }));
  return { host, events, next };
}

const start = (overrides: Record<string, number>) => ({
  document: tinyCnn() as unknown as Record<string, unknown>,
  dataset: { kind: 'default' as const },
  backend: 'cpu' as const,
  outDir: mkdtempSync(join(tmpdir(), 'layerloom-host-')),
  overrides: { limitTrain: 500, limitTest: 100, batchSize: 16, ...overrides },
});

describe('training worker host', () => {
  it('reports a killed worker as an error event and starts again afterwards', async () => {
    const { host, events, next } = makeHost();
    host.start(start({ epochs: 50 }));
    const firstBatch = next((e) => e.type === 'batch');
    await firstBatch;
    expect(events.find((e) => e.type === 'backend')).toMatchObject({ type: 'backend', name: 'cpu' });
    const crash = next((e) => e.type === 'error');
    process.kill(host.pid!, 'SIGKILL');
    const crashed = await crash;
    expect(crashed).toMatchObject({ type: 'error', code: 'worker-crashed', message: expect.stringMatching(/killed by SIGKILL/) });
    // By code too, with the English technical text as its reason (the app labels it as an internal error).
    expect(crashed).toMatchObject({ detail: { code: 'worker-crashed', values: { reason: expect.stringMatching(/^the training worker was killed by SIGKILL/) } } });
    expect(errorDetailEnglish((crashed as { detail: ErrorDetail }).detail)).toBe((crashed as { message: string }).message);
    expect(host.busy).toBe(false);

    const finished = next((e) => e.type === 'finished' || e.type === 'error');
    host.start(start({ epochs: 1, maxBatchesPerEpoch: 3 }));
    const done = await finished;
    expect(done.type).toBe('finished');
    expect(done.type === 'finished' && done.testAccuracy).toBeGreaterThan(0);
  });

  it('rejects an invalid start command and reports a bad document from the worker', async () => {
    const { host, next } = makeHost();
    const invalid = next((e) => e.type === 'error');
    host.start({ ...start({}), outDir: '' });
    expect(await invalid).toMatchObject({ code: 'invalid-command', message: expect.stringMatching(/outDir/) });
    const bad = next((e) => e.type === 'error');
    host.start({ ...start({}), document: { format: 'layerloom.design', version: 1, nodes: 'x', edges: [] } });
    expect(await bad).toMatchObject({ code: 'invalid-document', message: expect.stringMatching(/^nodes: /) });
  });
});
