import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../analysis/analyze';
import { DesignBuilder } from '../build/design-builder';
import { makeDivisible } from './ghost';

function analyzeOne(type: string, params: Record<string, unknown>, input: number[]) {
  const b = new DesignBuilder(type);
  b.output(b.add(type, params, b.input(input), 'g'));
  return analyzeDesign(b.build());
}

describe('Ghost module', () => {
  it('makes filters/ratio channels with a convolution and the rest with a depthwise one (GhostNet eq. 2-3)', () => {
    const a = analyzeOne('GhostModule', { filters: 64, ratio: 2, kernelSize: 1, dwSize: 3 }, [16, 16, 32]);
    expect(a.valid).toBe(true);
    expect(a.nodes.g.outputShape).toEqual([16, 16, 64]);
    // primary 1x1: 32*32, BN 2*32 trainable; cheap 3x3 depthwise: 9*32, BN 2*32.
    expect(a.nodes.g.params.trainable).toBe(32 * 32 + 64 + 9 * 32 + 64);
    // Against a plain 1x1 convolution to 64 channels, the module needs about half the weights (ratio s = 2).
    expect(32 * 32 + 9 * 32).toBeLessThan(32 * 64);
  });

  it('with ratio 4 the cheap depthwise convolution has a depth multiplier of 3', () => {
    const a = analyzeOne('GhostModule', { filters: 64, ratio: 4 }, [8, 8, 16]);
    const cheap = a.flat.find((n) => n.layerName === 'g_cheap')!;
    expect(cheap.layer!.config).toMatchObject({ depthMultiplier: 3 });
    expect(a.nodes.g.outputShape).toEqual([8, 8, 64]);
  });

  it('refuses filters that are not a multiple of ratio, naming the param', () => {
    const a = analyzeOne('GhostModule', { filters: 30, ratio: 4 }, [8, 8, 16]);
    expect(a.valid).toBe(false);
    expect(a.diagnostics[0].message).toMatch(/filters \(30\) must be a multiple of ratio \(4\)/);
  });
});

describe('Ghost bottleneck', () => {
  it('stride 2 with SE: depthwise downsampling, SE width rounded to a multiple of 4, projection shortcut', () => {
    const a = analyzeOne('GhostBottleneck', { filters: 40, expandFilters: 72, kernelSize: 5, strides: 2, seRatio: 0.25 }, [56, 56, 24]);
    expect(a.valid).toBe(true);
    expect(a.nodes.g.outputShape).toEqual([28, 28, 40]);
    const names = a.flat.map((n) => n.layerName);
    expect(names).toEqual(expect.arrayContaining(['g_conv_dw', 'g_se_reduce', 'g_shortcut_dw', 'g_shortcut_pw']));
    expect(a.flat.find((n) => n.layerName === 'g_se_reduce')!.layer!.config).toMatchObject({ units: makeDivisible(72 * 0.25, 4) });
  });

  it('stride 1 with equal widths: identity shortcut, no depthwise downsampling', () => {
    const a = analyzeOne('GhostBottleneck', { filters: 16, expandFilters: 16, strides: 1 }, [32, 32, 16]);
    const names = a.flat.map((n) => n.layerName);
    expect(names).not.toContain('g_conv_dw');
    expect(names.some((n) => n.startsWith('g_shortcut'))).toBe(false);
  });

  it('names expandFilters when it is odd', () => {
    const a = analyzeOne('GhostBottleneck', { filters: 16, expandFilters: 45 }, [8, 8, 16]);
    expect(a.diagnostics[0].message).toMatch(/expandFilters \(45\) must be a multiple of ratio \(2\)/);
  });

  it('rounds like MobileNet\'s _make_divisible', () => {
    expect([makeDivisible(18), makeDivisible(30), makeDivisible(240), makeDivisible(3)]).toEqual([20, 32, 240, 4]);
  });
});
