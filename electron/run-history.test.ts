import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, readRunEvents, RunLog, summarizeRun } from './run-history';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-runs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const request = (startedAt: string) => ({ dataset: { kind: 'default' as const }, overrides: { epochs: 2 }, backend: 'cpu' as const, resumeFrom: null, startedAt, design: 'tiny' });

describe('run history on disk', () => {
  it('keeps a live run\'s events and reads them back, skipping a line torn by a crash', async () => {
    const log = await RunLog.create('2026-01-01T00-00-00-000Z', join(dir, '2026-01-01T00-00-00-000Z'), request('2026-01-01T00:00:00.000Z'), { name: 'tiny' });
    log.append({ type: 'backend', name: 'cpu', reason: 'r', skipped: [] });
    log.append({ type: 'error', code: 'worker-crashed', message: 'the training worker was killed by SIGKILL' });
    await log.close();
    await writeFile(join(log.dir, 'events.jsonl'), '{"type":"log","lev', { flag: 'a' });
    expect((await readRunEvents(log.dir)).map((e) => e.type)).toEqual(['backend', 'error']);
    // No record was written: the run failed, with the worker's message as the cause.
    expect(await summarizeRun(dir, log.runId, false)).toMatchObject({ status: 'failed', design: 'tiny', dataset: 'default', backend: 'cpu', error: expect.stringMatching(/SIGKILL/), canResume: false, hasModel: false });
    expect((await summarizeRun(dir, log.runId, true)).status).toBe('running');
  });

  it('summarizes a finished record (also a CLI run folder without request or events) and lists runs newest first', async () => {
    const cli = join(dir, 'cli-run');
    await mkdir(join(cli, 'checkpoints', 'last'), { recursive: true });
    await writeFile(join(cli, 'checkpoints', 'last', 'state.json'), '{}');
    await writeFile(join(cli, 'run.json'), JSON.stringify({ status: 'completed', design: 'from-cli', dataset: { spec: 'idx:/data' }, backend: { name: 'wasm' }, history: [{}, {}], test: { accuracy: 0.9 }, timings: { totalSeconds: 12 } }));
    expect(await summarizeRun(dir, 'cli-run', false)).toMatchObject({ status: 'completed', design: 'from-cli', dataset: 'idx:/data', epochs: 2, testAccuracy: 0.9, seconds: 12, backend: 'wasm', canResume: true });
    await mkdir(join(dir, 'empty-interrupted'));
    const runs = await listRuns(dir, null);
    expect(runs.map((r) => r.runId)).toEqual(['2026-01-01T00-00-00-000Z', 'empty-interrupted', 'cli-run']);
    expect(runs.find((r) => r.runId === 'empty-interrupted')?.status).toBe('interrupted');
    expect(await listRuns(join(dir, 'missing'), null)).toEqual([]);
  });
});
