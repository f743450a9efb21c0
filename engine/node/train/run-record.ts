/**
 * The run record (`run.json` in the run folder): what was trained on what, with which settings and backend,
 * the epoch history and timings, and at the end the status and test results. Rewritten atomically at the end
 * of a run (or when it diverges), so a reader never sees a half-written record.
 */
import path from 'node:path';
import type { DesignDocument } from '../../schema/document';
import { writeJsonAtomic, type EpochRecord } from './checkpoint';
import type { RunConfig } from './config';
import { formatDatasetSpec } from './data/dataset';
import type { Dataset, DatasetSpec } from './data/types';
import type { BackendInfo } from './loop';

/** What the record describes; fixed when the run starts. */
export interface RunRecordContext {
  outDir: string;
  document: DesignDocument;
  dataset: Dataset;
  datasetSpec?: DatasetSpec;
  counts: { train: number; validation: number; test: number };
  config: RunConfig;
  backend: BackendInfo;
  resumedFrom?: string;
}

/** The final status a record can carry. */
export type RunStatus = 'completed' | 'stopped' | 'early-stopped' | 'diverged';

/** Writes `run.json` for one run. */
export class RunRecordWriter {
  /** `t0` is when the run began (`performance.now()`), for the total time. */
  constructor(
    private readonly ctx: RunRecordContext,
    private readonly t0 = performance.now(),
  ) {}

  /** Where the record is written. */
  get path(): string {
    return path.join(this.ctx.outDir, 'run.json');
  }

  /** Writes the record with `status`, the epoch `history` and any `extra` fields (test results, error). */
  async write(status: RunStatus, history: EpochRecord[], extra: Record<string, unknown> = {}): Promise<void> {
    const { ctx } = this;
    await writeJsonAtomic(this.path, {
      format: 'layerloom.run',
      version: 1,
      status,
      design: ctx.document.name,
      dataset: {
        name: ctx.dataset.name,
        spec: ctx.datasetSpec ? formatDatasetSpec(ctx.datasetSpec) : undefined,
        ...ctx.counts,
        classNames: ctx.dataset.classNames,
        normalization: 'pixel / 255',
      },
      config: ctx.config,
      backend: ctx.backend,
      resumedFrom: ctx.resumedFrom ?? null,
      history,
      timings: { totalSeconds: (performance.now() - this.t0) / 1000, trainSeconds: history.reduce((s, h) => s + h.seconds, 0) },
      ...extra,
    });
  }
}
