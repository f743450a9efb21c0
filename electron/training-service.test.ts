import { existsSync } from 'node:fs';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tinyCnn } from '../engine/node/train/test-fixtures';
import { startBrowserServer, TOKEN_HEADER, type BrowserServer } from './browser-server';
import type { TrainingEventPayload } from '../contract/host-contract';

let dir: string;
let server: BrowserServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-train-'));
  await mkdir(join(dir, 'renderer'));
  server = await startBrowserServer({ rendererDir: join(dir, 'renderer'), userDataDir: join(dir, 'user'), version: 't' });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const api = async (channel: string, body: unknown) => {
  const res = await fetch(`${server.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token }, body: JSON.stringify(body) });
  return (await res.json()) as { ok: boolean; value?: Record<string, unknown>; error?: { code: string; path?: string } };
};

describe('training over the browser-mode transport', () => {
  it('starts a run in the worker and streams its events to the WebSocket until it finishes', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`, { origin: server.origin });
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
    expect(outDir.startsWith(join(dir, 'user', 'runs'))).toBe(true);
    const last = await done;
    ws.close();
    expect(last).toMatchObject({ type: 'finished', status: 'completed' });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['backend', 'started', 'epoch-end', 'finished']));
    expect(existsSync(outDir)).toBe(true);
  });

  it('refuses to resume from outside the runs folder, and stop with no run says not running', async () => {
    expect(await api('trainingStart', { document: tinyCnn(), resumeFrom: '/etc' })).toMatchObject({ ok: false, error: { code: 'bad-path', path: 'resumeFrom' } });
    expect(await api('trainingStop', {})).toEqual({ ok: true, value: { running: false } });
    expect(await api('trainingStart', { document: 'not an object' })).toMatchObject({ ok: false, error: { code: 'invalid-request', path: 'document' } });
  });
});
