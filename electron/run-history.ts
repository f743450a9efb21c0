/**
 * The run history on disk. Each run is a folder `<runsDir>/<runId>/` with the layout `layerloom train --out DIR`
 * writes (`run.json`, `model/`, `checkpoints/last|best/`, `predictions.json`) plus what the host adds when the
 * app starts a run: `design.json` (the design snapshot), `request.json` (dataset, overrides, backend) and
 * `events.jsonl` (every worker event, one per line: the curves at full resolution). Reading never throws for a
 * damaged run: it is listed with what can be read.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/node/fs-atomic';
import { eventSchema, type TrainingEvent } from '../contract/training-protocol';
import { runRequestSchema, type RunRequest, type RunStatus, type RunSummary } from '../contract/training-runs';

/** Files the host adds to a run folder. */
export const RUN_FILES = { design: 'design.json', request: 'request.json', events: 'events.jsonl', record: 'run.json', predictions: 'predictions.json' } as const;

/** The runs folder's subfolder that holds architecture searches (`electron/search-service.ts`), not a run itself. */
export const SEARCHES_FOLDER = 'searches';

/** Appends a live run's events to its folder (and keeps them in memory for a page that re-attaches). */
export class RunLog {
  readonly events: TrainingEvent[] = [];
  private readonly stream: WriteStream;

  private constructor(readonly runId: string, readonly dir: string, readonly request: RunRequest, readonly design: Record<string, unknown>) {
    this.stream = createWriteStream(join(dir, RUN_FILES.events), { flags: 'a' });
    // A full disk must not take the host down: the run goes on, only its log is short.
    this.stream.on('error', () => undefined);
  }

  /** Creates the run folder with its design snapshot and request. */
  static async create(runId: string, dir: string, request: RunRequest, design: Record<string, unknown>): Promise<RunLog> {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, RUN_FILES.design), JSON.stringify(design, null, 2) + '\n');
    await writeFileAtomic(join(dir, RUN_FILES.request), JSON.stringify(request, null, 2) + '\n');
    return new RunLog(runId, dir, request, design);
  }

  /** Records one event. */
  append(event: TrainingEvent): void {
    this.events.push(event);
    this.stream.write(JSON.stringify(event) + '\n');
  }

  /** Flushes and closes the log. */
  close(): Promise<void> {
    return new Promise((done) => this.stream.end(() => done()));
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Every well-formed event of a run's log (a torn last line from a crash is skipped). */
export async function readRunEvents(dir: string): Promise<TrainingEvent[]> {
  let text: string;
  try {
    text = await readFile(join(dir, RUN_FILES.events), 'utf8');
  } catch {
    return [];
  }
  const out: TrainingEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const parsed = eventSchema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // a line cut short by a crash
    }
  }
  return out;
}

/** The request a run was started with, or null (a CLI run folder has none). */
export async function readRunRequest(dir: string): Promise<RunRequest | null> {
  const parsed = runRequestSchema.safeParse(await readJson(join(dir, RUN_FILES.request)));
  return parsed.success ? parsed.data : null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const RECORD_STATUSES: readonly string[] = ['completed', 'stopped', 'early-stopped', 'diverged'];

/** A run's summary from its folder; `live` says whether the host is running it now. */
export async function summarizeRun(runsDir: string, runId: string, live: boolean, events?: TrainingEvent[]): Promise<RunSummary> {
  const dir = join(runsDir, runId);
  const record = await readJson(join(dir, RUN_FILES.record));
  const request = await readRunRequest(dir);
  const log = events ?? (await readRunEvents(dir));
  const lastError = [...log].reverse().find((e) => e.type === 'error');
  const backendEvent = log.find((e) => e.type === 'backend');
  const recordStatus = typeof record?.status === 'string' && RECORD_STATUSES.includes(record.status) ? (record.status as RunStatus) : null;
  const status: RunStatus = live ? 'running' : (recordStatus ?? (lastError ? 'failed' : 'interrupted'));
  const test = record?.test as { accuracy?: unknown } | null | undefined;
  const history = Array.isArray(record?.history) ? record.history : log.filter((e) => e.type === 'epoch-end');
  const dataset = record?.dataset as { name?: unknown; spec?: unknown } | undefined;
  const backend = record?.backend as { name?: unknown } | undefined;
  const timings = record?.timings as { totalSeconds?: unknown } | undefined;
  return {
    runId,
    design: typeof record?.design === 'string' ? record.design : (request?.design ?? '?'),
    dataset: typeof dataset?.spec === 'string' ? dataset.spec : request ? (request.dataset.kind === 'default' ? 'default' : `${request.dataset.kind}:${request.dataset.dir}`) : '?',
    status,
    startedAt: request?.startedAt ?? runIdTime(runId),
    seconds: num(timings?.totalSeconds),
    epochs: history.length,
    testAccuracy: num(test?.accuracy),
    backend: typeof backend?.name === 'string' ? backend.name : backendEvent?.type === 'backend' ? backendEvent.name : null,
    canResume: existsSync(join(dir, 'checkpoints', 'last', 'state.json')),
    hasModel: existsSync(join(dir, 'model', 'model.json')),
    error: status === 'failed' || status === 'diverged' ? (lastError?.type === 'error' ? lastError.message : typeof record?.error === 'string' ? record.error : null) : null,
  };
}

/** `2026-11-26T05-41-00-123Z` → `2026-11-26T05:41:00.123Z` (the run id is its start time). */
function runIdTime(runId: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z/.exec(runId);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` : '';
}

/** Every run folder under `runsDir`, newest first. */
export async function listRuns(runsDir: string, liveRunId: string | null, liveEvents?: TrainingEvent[]): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = (await readdir(runsDir, { withFileTypes: true })).filter((d) => d.isDirectory() && /^[\w.-]+$/.test(d.name) && d.name !== SEARCHES_FOLDER).map((d) => d.name);
  } catch {
    return [];
  }
  const runs = await Promise.all(names.map((id) => summarizeRun(runsDir, id, id === liveRunId, id === liveRunId ? liveEvents : undefined)));
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
}

/** Reads a run's record, design snapshot and predictions. */
export async function readRunFiles(dir: string): Promise<{ record: Record<string, unknown> | null; design: Record<string, unknown> | null; predictions: { predicted: number[]; confidence: number[] } | null }> {
  const [record, design, preds] = await Promise.all([readJson(join(dir, RUN_FILES.record)), readJson(join(dir, RUN_FILES.design)), readJson(join(dir, RUN_FILES.predictions))]);
  const ok = preds && Array.isArray(preds.predicted) && Array.isArray(preds.confidence);
  return { record, design, predictions: ok ? (preds as { predicted: number[]; confidence: number[] }) : null };
}

/** Copies a run's `model/` files into `target` (created when missing); returns the copied paths. */
export async function exportRunModel(dir: string, target: string): Promise<string[]> {
  const modelDir = join(dir, 'model');
  const names = await readdir(modelDir);
  await mkdir(target, { recursive: true });
  const out: string[] = [];
  for (const name of names) {
    await copyFile(join(modelDir, name), join(target, name));
    out.push(join(target, name));
  }
  return out;
}
