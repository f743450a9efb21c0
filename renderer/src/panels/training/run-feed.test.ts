import { describe, expect, it } from 'vitest';
import type { TrainingEventPayload } from '../../../../contract/host-contract';
import { RunFeed } from './run-feed';

const started = (startEpoch = 0): TrainingEventPayload => ({ type: 'started', dataset: 'd', trainExamples: 100, validationExamples: 10, testExamples: 10, classNames: ['a', 'b'], epochs: 2, batchSize: 10, batchesPerEpoch: 10, parameters: 5, startEpoch });
const batch = (epoch: number, last: number, loss: (number | null)[]): TrainingEventPayload => ({ type: 'batch', epoch, batch: last, batches: 10, loss, accuracy: loss.map(() => 0.5) });

describe('the live run feed', () => {
  it('walks the phases of a run: starting, running, paused, running, stopping, finished', () => {
    const feed = new RunFeed();
    const phases: string[] = [feed.view().phase];
    const events: TrainingEventPayload[] = [
      { type: 'backend', name: 'wasm', reason: 'r', skipped: [] },
      started(),
      { type: 'state', state: 'paused' },
      { type: 'state', state: 'running' },
      { type: 'state', state: 'stopping' },
      { type: 'finished', status: 'stopped', epochs: 0, testAccuracy: null, testLoss: null, confusionMatrix: null, classNames: ['a', 'b'], modelPath: 'm', recordPath: 'r', seconds: 1 },
    ];
    feed.begin('run-1');
    phases.push(feed.view().phase);
    for (const e of events) {
      feed.ingest(e);
      phases.push(feed.view().phase);
    }
    expect(phases).toEqual(['idle', 'starting', 'starting', 'running', 'paused', 'running', 'stopping', 'finished']);
    expect(feed.view().runId).toBe('run-1');
    expect(feed.view().backend?.name).toBe('wasm');
  });

  it('places batch points at global steps (resumed runs continue after earlier epochs) and smooths them', () => {
    const feed = new RunFeed();
    feed.begin(null);
    feed.ingest(started(1));
    feed.ingest(batch(1, 2, [2, 1, null]));
    feed.ingest(batch(1, 4, [1.5, 1]));
    const s = feed.series;
    expect(s.step).toEqual([10, 11, 12, 13, 14]);
    expect(s.loss).toEqual([2, 1, null, 1.5, 1]);
    expect(s.smooth[0]).toBe(2);
    expect(s.smooth[2]).toBeNull();
    expect(feed.view()).toMatchObject({ points: 5, batchesDone: 5, lastLoss: 1, epoch: 1 });
  });

  it('keeps each output\'s smoothed batch loss beside the total, and the last values', () => {
    const feed = new RunFeed();
    feed.begin(null);
    feed.ingest(started());
    feed.ingest({ ...(batch(0, 1, [2, 1.2]) as Extract<TrainingEventPayload, { type: 'batch' }>), outputLosses: { output: [1.7, 1], aux_output: [1, 0.6] } });
    feed.ingest({ ...(batch(0, 2, [0.9]) as Extract<TrainingEventPayload, { type: 'batch' }>), outputLosses: { output: [0.75], aux_output: [null] } });
    const s = feed.series;
    expect(Object.keys(s.outputSmooth)).toEqual(['output', 'aux_output']);
    expect(s.outputSmooth.output).toHaveLength(s.step.length);
    expect(s.outputSmooth.output[0]).toBe(1.7);
    expect(s.outputSmooth.aux_output[2]).toBeNull();
    expect(feed.view().lastOutputLosses).toEqual({ output: 0.75, aux_output: null });
  });

  it('records epochs with their learning rate, and an error ends the run', () => {
    const feed = new RunFeed();
    feed.begin(null);
    feed.ingest(started());
    feed.ingest({ type: 'epoch-start', epoch: 0, epochs: 2, batches: 10, learningRate: 0.01 });
    feed.ingest({ type: 'epoch-end', epoch: 0, loss: 1, accuracy: 0.5, valLoss: 1.2, valAccuracy: 0.4, learningRate: 0.005, seconds: 3 });
    expect(feed.series).toMatchObject({ epoch: [1], trainLoss: [1], valLoss: [1.2], valAccuracy: [0.4], learningRate: [0.01] });
    // Batches move only the batch curve's version; epochs move both.
    const [v, ev] = [feed.version, feed.epochVersion];
    feed.ingest(batch(1, 0, [1]));
    expect([feed.version, feed.epochVersion]).toEqual([v + 1, ev]);
    feed.ingest({ type: 'error', code: 'worker-crashed', message: 'the training worker was killed by SIGKILL' });
    expect(feed.view()).toMatchObject({ phase: 'error', error: { code: 'worker-crashed' } });
  });

  it('a run that starts without a begin (re-attach, another window) clears the previous curves', () => {
    const feed = new RunFeed();
    feed.begin('a');
    feed.ingest(started());
    feed.ingest(batch(0, 0, [1]));
    feed.ingest({ type: 'error', code: 'internal', message: 'x' });
    feed.ingest(started());
    expect(feed.view().phase).toBe('running');
    expect(feed.series.step).toEqual([]);
    expect(feed.view().error).toBeNull();
  });
});
