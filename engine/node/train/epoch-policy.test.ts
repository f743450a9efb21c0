import { describe, expect, it } from 'vitest';
import type { EpochRecord } from './checkpoint';
import { afterEpoch, INITIAL_STATE } from './epoch-policy';

const rec = (epoch: number, loss: number, valLoss: number | null): EpochRecord => ({ epoch, loss, accuracy: 0.5, valLoss, valAccuracy: valLoss === null ? null : 0.5, learningRate: 0.01, seconds: 1 });

describe('checkpoint and early-stopping policy', () => {
  it('keeps the best validation loss and counts epochs since it, stopping when patience runs out', () => {
    const losses = [1.0, 0.8, 0.9, 0.85, 0.7];
    let state = INITIAL_STATE;
    const seen: Array<[boolean, boolean, number]> = [];
    for (const [i, v] of losses.entries()) {
      const d = afterEpoch(state, rec(i, 2, v), 2, 10);
      seen.push([d.improved, d.stopEarly, d.state.epochsSinceBest]);
      state = d.state;
      if (d.stopEarly) break;
    }
    expect(seen).toEqual([
      [true, false, 0],
      [true, false, 0],
      [false, false, 1],
      [false, true, 2],
    ]);
    expect(state.bestValLoss).toBe(0.8);
    expect(state.epochsDone).toBe(4);
    expect(state.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
  });

  it('monitors the training loss without a validation split, never stops with patience 0 or on the last epoch', () => {
    const a = afterEpoch(INITIAL_STATE, rec(0, 1.0, null), 0, 3);
    expect(a.state.bestValLoss).toBe(1.0);
    const b = afterEpoch(a.state, rec(1, 1.5, null), 0, 3);
    expect([b.improved, b.stopEarly, b.state.epochsSinceBest]).toEqual([false, false, 1]);
    const last = afterEpoch(a.state, rec(2, 1.5, null), 1, 3);
    expect(last.stopEarly).toBe(false);
  });

  it('does not mutate the state it is given', () => {
    const before = JSON.stringify(INITIAL_STATE);
    afterEpoch(INITIAL_STATE, rec(0, 1, 1), 1, 2);
    expect(JSON.stringify(INITIAL_STATE)).toBe(before);
  });
});
