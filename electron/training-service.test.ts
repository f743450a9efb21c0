import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tinyCnn } from '../engine/node/train/test-fixtures';
import { useTestServer } from './test-server';
import type { TrainingEventPayload } from '../contract/host-contract';

const host = useTestServer('layerloom-train-');
const api = host.api;

describe('training over the browser-mode transport', () => {
  it('starts a run in the worker and streams its events to the WebSocket until it finishes', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/events?token=${host.server.token}`, { origin: host.server.origin });
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    const events: TrainingEventPayload[] = [];
    const done = new Promise<TrainingEventPayload>((resolve) => ws.on('message', (data) => {
      const { channel, payload } = JSON.parse(String(data)) as { channel: string; payload: TrainingEventPayload };
      if (channel !== 'trainingEvent') return;
      events.push(payload);
      if (payload.type === 'finished' || payload.type === 'error') resolve(payload);
    }));
    const started = await api('trainingStart', {
      document: tinyCnn(),
      backend: 'cpu',
      overrides: { epochs: 1, limitTrain: 64, limitTest: 32, batchSize: 16, maxBatchesPerEpoch: 2 },
    });
    expect(started.ok).toBe(true);
    const outDir = String(started.value?.outDir);
    // Browser mode keeps runs beside the documents.
    expect(outDir.startsWith(join(host.dir, 'docs', 'LayerLoom runs'))).toBe(true);
    const runId = String(started.value?.runId);
    // While it runs, a (reloaded) page can re-attach: the status names the run and replays its events.
    const live = await api('trainingStatus', {});
    expect(live.value).toMatchObject({ runId, design: { name: 'tiny-cnn' } });
    const last = await done;
    ws.close();
    expect(last).toMatchObject({ type: 'finished', status: 'completed' });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['backend', 'started', 'epoch-end', 'finished']));
    expect(existsSync(outDir)).toBe(true);
    expect((await api('trainingStatus', {})).value).toMatchObject({ running: false, runId: null, events: [] });

    // The run history: listed with its result, readable with every event, its test samples and its model.
    const list = (await api('trainingRuns', {})).value as { runs: Array<Record<string, unknown>> };
    expect(list.runs[0]).toMatchObject({ runId, design: 'tiny-cnn', dataset: 'default', status: 'completed', epochs: 1, backend: 'cpu', canResume: true, hasModel: true });
    expect(list.runs[0].testAccuracy).toBe((last as { testAccuracy: number }).testAccuracy);
    const got = (await api('trainingRunGet', { runId })).value as { events: TrainingEventPayload[]; design: { name: string }; request: { overrides: { epochs: number } } };
    expect(got.events.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(got.design.name).toBe('tiny-cnn');
    expect(got.request.overrides.epochs).toBe(1);
    const worst = (await api('trainingRunSamples', { runId, select: { kind: 'worst' }, count: 5 })).value as { total: number; samples: Array<{ label: number; predicted: number; confidence: number; image: { width: number; pixels: string } }> };
    const cm = (last as { confusionMatrix: number[][] }).confusionMatrix;
    const wrong = cm.flat().reduce((a, b) => a + b, 0) - cm.reduce((a, row, i) => a + row[i], 0);
    expect(worst.total).toBe(wrong);
    for (const s of worst.samples) expect(s.label).not.toBe(s.predicted);
    expect(worst.samples.map((s) => s.confidence)).toEqual([...worst.samples.map((s) => s.confidence)].sort((a, b) => b - a));
    if (worst.samples[0]) expect(Buffer.from(worst.samples[0].image.pixels, 'base64').length).toBe(28 * 28);
    const cell = (await api('trainingRunSamples', { runId, select: { kind: 'cell', actual: 0, predicted: 0 } })).value as { total: number };
    expect(cell.total).toBe(cm[0][0]);
    const exported = await api('trainingRunExport', { runId, dir: 'exported-model' });
    expect(exported.ok).toBe(true);
    expect(existsSync(join(host.dir, 'docs', 'exported-model', 'model.json'))).toBe(true);
    expect(await api('trainingRunGet', { runId: '../../etc' })).toMatchObject({ ok: false, error: { code: 'invalid-request', path: 'runId' } });
  });

  it('previews a dataset: samples per class and the class balance; a missing folder is named', async () => {
    const preview = (await api('trainingDatasetPreview', { dataset: { kind: 'default' }, perClass: 3 })).value as { classNames: string[]; shape: number[]; trainCounts: number[]; testCounts: number[]; samples: Array<{ label: number }> };
    expect(preview.classNames).toHaveLength(10);
    expect(preview.shape).toEqual([28, 28, 1]);
    expect(preview.trainCounts).toEqual(new Array(10).fill(1000));
    expect(preview.testCounts).toEqual(new Array(10).fill(200));
    expect(preview.samples.map((s) => s.label)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9]);
    const missing = await api('trainingDatasetPreview', { dataset: { kind: 'idx', dir: 'no-such-folder' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found', path: 'dataset' } });
    expect(missing.error && (missing.error as unknown as { message: string }).message).toContain(join(host.dir, 'docs', 'no-such-folder'));
  });

  it('refuses to resume from outside the runs folder, and stop with no run says not running', async () => {
    expect(await api('trainingStart', { document: tinyCnn(), resumeFrom: '/etc' })).toMatchObject({ ok: false, error: { code: 'bad-path', path: 'resumeFrom' } });
    expect(await api('trainingStop', {})).toEqual({ ok: true, value: { running: false } });
    expect(await api('trainingStart', { document: 'not an object' })).toMatchObject({ ok: false, error: { code: 'invalid-request', path: 'document' } });
  });
});
