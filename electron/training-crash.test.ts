/**
 * The training worker killed (SIGKILL) in the middle of an epoch, through the browser-mode server as the app
 * uses it: the crash arrives as a `worker-crashed` event, the run record says failed and why, the last
 * checkpoint on disk is complete (its weight files hold every byte their manifests declare), and a new run
 * resumed from that checkpoint starts at the next epoch and finishes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tinyCnn } from '../engine/node/train/test-fixtures';
import type { TrainingEventPayload } from '../contract/host-contract';
import { useTestServer } from './test-server';

const host = useTestServer('layerloom-train-crash-');
const api = host.api;

/** Every event the page would see, with a way to wait for one. */
async function listen() {
  const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/events?token=${host.server.token}`, { origin: host.server.origin });
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  const events: TrainingEventPayload[] = [];
  let wake = () => {};
  ws.on('message', (data) => {
    const { channel, payload } = JSON.parse(String(data)) as { channel: string; payload: TrainingEventPayload };
    if (channel === 'trainingEvent') { events.push(payload); wake(); }
  });
  const until = async (pred: (e: TrainingEventPayload) => boolean, from = 0): Promise<TrainingEventPayload> => {
    for (let i = 0; i < 600; i++) { // bounded: 600 wake-ups or 100 ms ticks
      const hit = events.slice(from).find(pred);
      if (hit) return hit;
      await new Promise<void>((r) => { wake = r; setTimeout(r, 100); });
    }
    throw new Error(`no matching event; last: ${JSON.stringify(events.at(-1))}`);
  };
  return { ws, events, until };
}

/** A tfjs model folder is complete when every weight file exists with the bytes its manifest declares. */
function expectCompleteModel(folder: string): void {
  const model = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: { shape: number[]; dtype: string }[] }[] };
  for (const group of model.weightsManifest) {
    const declared = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    const actual = group.paths.reduce((n, p) => n + statSync(join(folder, p)).size, 0);
    expect(actual).toBe(declared);
  }
}

describe('the training worker killed mid-epoch', () => {
  it('keeps the run record and the last checkpoint, and a resumed run starts from it', async () => {
    const { ws, events, until } = await listen();
    const started = await api('trainingStart', {
      document: tinyCnn(), backend: 'cpu',
      overrides: { epochs: 30, limitTrain: 320, limitTest: 32, batchSize: 16 },
    });
    expect(started.ok).toBe(true);
    const runId = String(started.value?.runId);
    const outDir = String(started.value?.outDir);
    // Wait for the first checkpoint, then for a batch of the next epoch: the kill lands mid-epoch.
    const checkpoint = await until((e) => e.type === 'checkpoint' && e.kind === 'epoch');
    const epochAfter = (checkpoint as { epoch: number }).epoch + 1;
    await until((e) => e.type === 'batch' && e.epoch >= epochAfter && e.batch >= 1);
    const pid = Number((await api('trainingStatus', {})).value?.workerPid);
    expect(pid).toBeGreaterThan(0);
    const killedAt = events.length;
    process.kill(pid, 'SIGKILL');
    const crash = await until((e) => e.type === 'error', killedAt);
    expect(crash).toMatchObject({ type: 'error', code: 'worker-crashed', message: expect.stringMatching(/SIGKILL/) });

    // The run record: listed as failed with the reason, every event up to the crash kept, resumable.
    const got = (await api('trainingRunGet', { runId })).value as { summary: Record<string, unknown>; events: TrainingEventPayload[] };
    expect(got.summary).toMatchObject({ runId, status: 'failed', canResume: true, error: expect.stringMatching(/SIGKILL/) });
    expect(got.events.filter((e) => e.type === 'batch').length).toBe(events.slice(0, killedAt + 1).filter((e) => e.type === 'batch').length);
    // The last checkpoint: complete, and no half-written sibling left in its place.
    const last = join(outDir, 'checkpoints', 'last');
    const state = JSON.parse(readFileSync(join(last, 'state.json'), 'utf8')) as { epochsDone: number };
    expect(state.epochsDone).toBeGreaterThanOrEqual(1);
    expectCompleteModel(last);
    expect(existsSync(join(last, 'optimizer.bin'))).toBe(true);

    // A new run resumed from that checkpoint starts after the saved epochs and finishes.
    const from = events.length;
    const resumed = await api('trainingStart', {
      document: tinyCnn(), backend: 'cpu', resumeFrom: `${runId}/checkpoints/last`,
      overrides: { epochs: state.epochsDone + 1, limitTrain: 320, limitTest: 32, batchSize: 16 },
    });
    expect(resumed.ok, JSON.stringify(resumed.error)).toBe(true);
    const begun = await until((e) => e.type === 'started', from);
    expect((begun as { startEpoch: number }).startEpoch).toBe(state.epochsDone);
    expect(await until((e) => e.type === 'finished' || e.type === 'error', from)).toMatchObject({ type: 'finished' });
    ws.close();
  }, 180_000);
});
