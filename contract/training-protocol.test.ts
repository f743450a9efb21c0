import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../engine/node/train/optim';
import { parseCommand, parseEvent } from './training-protocol';
import { BatchThrottle } from '../engine/node/train/throttle';

describe('worker protocol', () => {
  it.each([
    [{ type: 'pause' }, true],
    [{ type: 'start', document: {}, dataset: { kind: 'idx', dir: '/d' }, outDir: '/o' }, true],
    [{ type: 'start', document: {}, dataset: { kind: 'idx' }, outDir: '/o' }, false],
    [{ type: 'start', document: {}, dataset: { kind: 'default' }, outDir: '/o', backend: 'cuda' }, false],
    [{ type: 'start', document: {}, dataset: { kind: 'default' }, outDir: '/o', overrides: { epochz: 3 } }, false],
    [{ type: 'explode' }, false],
  ])('validates command %j -> %s', (raw, ok) => {
    expect(parseCommand(raw).ok).toBe(ok);
  });

  it('fills defaults and names the bad field', () => {
    const r = parseCommand({ type: 'start', document: {}, dataset: { kind: 'default' }, outDir: '/o' });
    expect(r.ok && r.value.type === 'start' && [r.value.backend, r.value.overrides]).toEqual(['auto', {}]);
    const bad = parseCommand({ type: 'start', document: {}, dataset: { kind: 'default' }, outDir: '/o', overrides: { epochs: -1 } });
    expect(!bad.ok && bad.error).toMatch(/^overrides\.epochs: /);
  });

  it.each([
    [{ type: 'batch', epoch: 0, batch: 3, batches: 10, loss: [0.5, null], accuracy: [0.1, null] }, true],
    [{ type: 'finished', status: 'completed', epochs: 1, testAccuracy: 0.9, testLoss: 0.3, confusionMatrix: [[1]], classNames: ['a'], modelPath: 'm', recordPath: 'r', seconds: 1 }, true],
    [{ type: 'finished', status: 'done', epochs: 1, testAccuracy: 0.9, testLoss: 0.3, confusionMatrix: null, classNames: [], modelPath: 'm', recordPath: 'r', seconds: 1 }, false],
    [{ type: 'error', code: 'worker-crashed', message: 'x' }, true],
    [{ type: 'error', code: 'oops', message: 'x' }, false],
    [{ type: 'epoch-end', epoch: 0, loss: NaN, accuracy: 0, valLoss: null, valAccuracy: null, learningRate: 0.1, seconds: 1 }, false],
  ])('validates event %j -> %s', (raw, ok) => {
    expect(parseEvent(raw).ok).toBe(ok);
  });
});

describe('learning-rate schedule', () => {
  const s = { type: 'step' as const, warmupEpochs: 0, stepEpochs: 2, gamma: 0.5 };
  it.each([
    [{ ...s, type: 'constant' as const }, 7, 0.1],
    [s, 1.9, 0.1],
    [s, 2, 0.05],
    [s, 4.5, 0.025],
    [{ ...s, type: 'cosine' as const }, 0, 0.1],
    [{ ...s, type: 'cosine' as const }, 5, 0.05],
    [{ ...s, type: 'cosine' as const }, 10, 0],
    [{ ...s, type: 'cosine' as const, warmupEpochs: 2 }, 1, 0.05],
    [{ ...s, type: 'cosine' as const, warmupEpochs: 2 }, 6, 0.05],
  ])('%j at epoch %f -> %f', (sched, t, lr) => {
    expect(learningRateAt(0.1, sched, t, 10)).toBeCloseTo(lr, 10);
  });
});

describe('batch throttle', () => {
  it('releases at most once per interval, carrying every step since the last release', () => {
    let now = 0;
    const t = new BatchThrottle(100, () => now);
    const released: number[][] = [];
    for (let step = 0; step < 50; step++) {
      now += 7; // a fast run: 7 ms per step
      t.push(step, step, 0.5, 32);
      if (t.due()) released.push(t.flush()!.loss as number[]);
    }
    expect(released.length).toBe(3);
    expect(released.flat()).toEqual(Array.from({ length: released.flat().length }, (_, i) => i));
    expect(t.flush()!.loss.length).toBe(50 - released.flat().length);
    t.push(0, NaN, 1, 1);
    expect(t.flush()!.loss).toEqual([null]);
  });
});
