/** Built-in composites expand to the Keras Applications structures, and their inner problems name the inner layer. */
import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { analyzeDesign } from './analyze';

function one(type: string, params: Record<string, unknown>, shape: number[]) {
  const b = new DesignBuilder('one');
  b.output(b.add(type, params, b.input(shape), 'blk'));
  return analyzeDesign(b.build());
}

describe('composite expansions', () => {
  it.each([
    // Keras MobileNetV2 block_1 (24 -> stride 2) and expanded_conv (expansion 1): no expand conv, no add.
    ['InvertedResidual', { filters: 24, strides: 2, expansion: 6 }, [112, 112, 16], [56, 56, 24],
      ['blk_expand', 'blk_expand_BN', 'blk_expand_relu', 'blk_pad', 'blk_depthwise', 'blk_depthwise_BN', 'blk_depthwise_relu', 'blk_project', 'blk_project_BN'],
      16 * 96 + 4 * 96 + 9 * 96 + 4 * 96 + 96 * 24 + 4 * 24],
    ['InvertedResidual', { filters: 16, strides: 1, expansion: 1 }, [112, 112, 32], [112, 112, 16],
      ['blk_depthwise', 'blk_depthwise_BN', 'blk_depthwise_relu', 'blk_project', 'blk_project_BN'], 9 * 32 + 4 * 32 + 32 * 16 + 4 * 16],
    ['InvertedResidual', { filters: 24, strides: 1, expansion: 6 }, [56, 56, 24], [56, 56, 24],
      ['blk_expand', 'blk_expand_BN', 'blk_expand_relu', 'blk_depthwise', 'blk_depthwise_BN', 'blk_depthwise_relu', 'blk_project', 'blk_project_BN', 'blk_add'],
      24 * 144 + 4 * 144 + 9 * 144 + 4 * 144 + 144 * 24 + 4 * 24],
    ['SqueezeExcite', { ratio: 16 }, [14, 14, 64], [14, 14, 64], ['blk_squeeze', 'blk_reduce', 'blk_expand', 'blk_reshape', 'blk_scale'], 64 * 4 + 4 + 4 * 64 + 64],
    ['SeparableBlock', { filters: 64, strides: 2 }, [8, 8, 32], [4, 4, 64],
      ['blk_pad', 'blk_dw', 'blk_dw_bn', 'blk_dw_relu', 'blk_pw', 'blk_pw_bn', 'blk_pw_relu'], 9 * 32 + 4 * 32 + 32 * 64 + 4 * 64],
    ['Residual', { variant: 'basic', filters: 8, strides: 2 }, [8, 8, 4], [4, 4, 8],
      ['blk_0_conv', 'blk_0_bn', 'blk_1_pad', 'blk_1_conv', 'blk_1_bn', 'blk_1_relu', 'blk_2_conv', 'blk_2_bn', 'blk_add', 'blk_out'],
      4 * 8 + 4 * 8 + 9 * 4 * 8 + 4 * 8 + 9 * 8 * 8 + 4 * 8],
  ])('%s %j on %j -> %j', (type, params, input, output, layers, total) => {
    const a = one(type, params, input);
    expect(a.valid).toBe(true);
    expect(a.nodes.blk.outputShape).toEqual(output);
    expect(a.flat.map((n) => n.layerName).slice(1, -1)).toEqual(layers);
    expect(a.nodes.blk.params.trainable + a.nodes.blk.params.nonTrainable).toBe(total);
    expect(a.diagnostics.filter((d) => d.code === 'rf-misaligned')).toEqual([]);
  });

  it('a problem inside a composite names the composite and the inner layer', () => {
    const a = one('Residual', { variant: 'basic', filters: 8, projection: 'never' }, [8, 8, 4]);
    expect(a.valid).toBe(false);
    expect(a.diagnostics[0].message).toBe("'blk' (Residual): add: Add needs inputs of the same shape, got 8x8x4 and 8x8x8");
  });

  it('invalid composite params are named and reset by the fix', () => {
    const d = one('Inception', { filters3x3: 0 }, [8, 8, 4]).diagnostics[0];
    expect(d.message).toBe("'blk' (Inception): params.filters3x3: expected a positive integer, got 0");
    expect(d.fix!.commands).toEqual([{ kind: 'setParams', nodeId: 'blk', params: { filters3x3: 128 } }]);
  });
});
