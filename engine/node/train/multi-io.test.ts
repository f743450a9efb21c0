/**
 * Training designs with several Input and Output blocks: every head learns the dataset's one label, the loss is
 * the weighted sum of the heads' losses, events carry each output's loss, and what the data cannot feed is refused.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDesign } from '../../analysis/analyze';
import { DesignError } from '../../errors';
import type { DesignDocument } from '../../schema/document';
import { loadDataset } from './data/dataset';
import type { Dataset } from './data/types';
import { headsFor } from './heads';
import type { BackendInfo } from './loop';
import { twoHeadCnn } from './test-fixtures';
import { headStepLosses, trainBriefly } from './test-multi-io';
import type { TrainingEvent, TrainingEventOf } from '../../../contract/training-protocol';

let data: Dataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadDataset({ kind: 'default' });
});

const CPU: BackendInfo = { name: 'cpu', reason: 'test', skipped: [] };

const train = (document: DesignDocument, backend: BackendInfo = CPU, readbackEvery?: number) => trainBriefly(tf, document, data, backend, readbackEvery);

async function refusal(document: DesignDocument, backend: BackendInfo = CPU): Promise<DesignError> {
  try {
    await train(document, backend);
  } catch (err) {
    expect(err).toBeInstanceOf(DesignError);
    return err as DesignError;
  }
  throw new Error('training was not refused');
}

describe('training with several outputs and inputs', () => {
  it('trains a two-head design: both losses in every batch and epoch event, the loss their weighted sum', async () => {
    const { finished, events } = await train(twoHeadCnn({ auxWeight: 0.3 }));
    const steps = headStepLosses(events);
    expect(steps).toHaveLength(6);
    for (const s of steps) {
      expect(s.main).toBeGreaterThan(0);
      expect(s.aux).toBeGreaterThan(0);
      expect(s.loss).toBeCloseTo(s.main + 0.3 * s.aux, 4);
    }
    // The two heads are separate layers: their losses differ.
    expect(steps.some((s) => Math.abs(s.main - s.aux) > 1e-4)).toBe(true);
    const epoch = events.find((e): e is TrainingEventOf<'epoch-end'> => e.type === 'epoch-end')!;
    expect(Object.keys(epoch.outputLosses!)).toEqual(['output', 'aux_output']);
    expect(epoch.loss).toBeCloseTo(epoch.outputLosses!.output + 0.3 * epoch.outputLosses!.aux_output, 4);
    expect(Object.keys(epoch.valOutputLosses!)).toEqual(['output', 'aux_output']);
    expect(events.some((e) => e.type === 'log' && /one label per example: all 2 outputs learn it.*accuracy is read from output/.test(e.message))).toBe(true);
    expect(finished.status).toBe('completed');
    expect(finished.testOutputLosses).toBeDefined();
    expect(finished.testLoss).toBeCloseTo(finished.testOutputLosses!.output + 0.3 * finished.testOutputLosses!.aux_output, 4);
    const record = JSON.parse(readFileSync(finished.recordPath, 'utf8'));
    expect(Object.keys(record.test.outputLosses)).toEqual(['output', 'aux_output']);
    expect(finished.confusionMatrix!.flat().reduce((a, b) => a + b, 0)).toBe(64);
  });

  it('reads the per-output losses back in groups (as on webgpu) with the same values as step by step', async () => {
    const steps = (events: TrainingEvent[]) => events.flatMap((e) => (e.type === 'batch' ? e.outputLosses!.aux_output : []));
    const each = await train(twoHeadCnn(), CPU, 1);
    const grouped = await train(twoHeadCnn(), CPU, 4);
    expect(steps(grouped.events)).toHaveLength(6);
    expect(steps(grouped.events)).toEqual(steps(each.events));
  });

  it('feeds the same image to two inputs of the same shape, and says so', async () => {
    const { finished, events } = await train(twoHeadCnn({ twoInputs: [28, 28, 1] }));
    expect(finished.status).toBe('completed');
    expect(events.some((e) => e.type === 'log' && /all 2 inputs are fed the same image/.test(e.message))).toBe(true);
  });

  it('reads accuracy from the heaviest head, the first among equals', () => {
    const heads = (w: number) => headsFor(tf, analyzeDesign(twoHeadCnn({ auxWeight: w })));
    expect(heads(0.3).main).toBe(0);
    expect(heads(1).main).toBe(0);
    expect(heads(2).main).toBe(1);
    expect(heads(2).heads.map((h) => [h.name, h.weight])).toEqual([['output', 1], ['aux_output', 2]]);
  });

  it.each([
    ['inputs of different shapes', twoHeadCnn({ twoInputs: [28, 28, 2] }), 'data-mismatch', /inputs of different shapes \('input' 28×28×1, 'input_b' 28×28×2\).*one image per example/, /^nodes\[\d+\]\.params\.shape$/],
    ['an auxiliary head with the wrong class count', twoHeadCnn({ auxClasses: 4 }), 'data-mismatch', /the output 'aux_output' has 4 values but .* 10 classes: set the Dense before it to 10 units/, /^nodes\[\d+\]\.params\.units$/],
    ['every output weighted 0', (() => {
      const d = twoHeadCnn({ auxWeight: 0 });
      return { ...d, nodes: d.nodes.map((n) => (n.id === 'output' ? { ...n, params: { lossWeight: 0 } } : n)) };
    })(), 'invalid-params', /every Output block has loss weight 0/, /lossWeight$/],
  ])('refuses %s with the reason and the field', async (_what, doc, code, message, path) => {
    const err = await refusal(doc);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.path).toMatch(path);
  });

  it('the torch backend refuses inputs of different shapes with the reason, before starting Python', async () => {
    const err = await refusal(twoHeadCnn({ twoInputs: [28, 28, 2] }), { name: 'torch', reason: 'test', skipped: [] });
    expect(err.code).toBe('data-mismatch');
    expect(err.message).toMatch(/inputs of different shapes \('input' 28×28×1, 'input_b' 28×28×2\).*one image per example/);
  });
});
