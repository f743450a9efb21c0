import * as tfc from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { denseWins } from './dense-small-map';

const info = (x: number[], f: number[], stride: number, pad: 'same' | 'valid') =>
  tfc.backend_util.computeConv2DInfo(x as [number, number, number, number], f as [number, number, number, number], stride, 1, pad);

describe('denseWins', () => {
  it.each([
    { x: [64, 2, 2, 256], f: [3, 3, 256, 256], stride: 1, pad: 'same' as const, wins: true }, // ResNet-18's 2×2 stage
    { x: [64, 4, 4, 128], f: [3, 3, 128, 128], stride: 1, pad: 'same' as const, wins: false }, // 16 positions > 9 taps
    { x: [64, 1, 1, 512], f: [3, 3, 512, 512], stride: 1, pad: 'same' as const, wins: true }, // the centre tap alone
    { x: [64, 4, 4, 64], f: [1, 1, 64, 64], stride: 1, pad: 'valid' as const, wins: false }, // 1×1 kernel: 16 > 1
    { x: [64, 2, 2, 1024], f: [3, 3, 1024, 1024], stride: 1, pad: 'same' as const, wins: false }, // dense matrix too big
  ])('x $x f $f stride $stride $pad → $wins', ({ x, f, stride, pad, wins }) => {
    expect(denseWins(info(x, f, stride, pad))).toBe(wins);
  });
});
