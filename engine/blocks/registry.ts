/** Every block, by type name: the one table that the analysis, compiler, code generators and palette read. */
import { activation } from './activation';
import { conv2d, conv2dTranspose, depthwiseConv2d, separableConv2d } from './conv';
import { dense, flatten, reshape } from './core';
import { deformableConv2d } from './deformable';
import { dynamicConv2d } from './dynamic';
import { ghostBottleneck, ghostModule } from './ghost';
import { inception } from './inception';
import { input, output } from './io';
import { add, concatenate, multiply } from './merge';
import { invertedResidual, separableBlock, squeezeExcite } from './mobile';
import { batchNormalization, dropout } from './norm';
import { avgPool2d, globalAvgPool2d, globalMaxPool2d, maxPool2d, zeroPadding2d } from './pool';
import { residual } from './residual';
import type { BlockSpec, PrimitiveBlock, TfjsLayerSpec } from './types';
import { userComposite } from './user-composite';

// Blocks are stored with their own params type; the registry hands them out with the generic one.
const ALL = [
  input, conv2d, depthwiseConv2d, separableConv2d, conv2dTranspose, deformableConv2d, dynamicConv2d, maxPool2d, avgPool2d, globalAvgPool2d, globalMaxPool2d,
  zeroPadding2d, batchNormalization, dropout, activation, flatten, dense, reshape, add, concatenate, multiply, output,
  inception, residual, squeezeExcite, separableBlock, invertedResidual, ghostModule, ghostBottleneck, userComposite,
] as unknown as BlockSpec[];

const BY_TYPE = new Map(ALL.map((b) => [b.type, b]));

/** The block with this type name, or undefined for an unknown type. */
export function getBlock(type: string): BlockSpec | undefined {
  return BY_TYPE.get(type);
}

/** The primitive block with this type name, or undefined for a composite or an unknown type. */
export function getPrimitive(type: string): PrimitiveBlock | undefined {
  const block = BY_TYPE.get(type);
  return block?.kind === 'primitive' ? block : undefined;
}

/**
 * Every tfjs/Keras layer class some block produces, with its tfjs factory: the compiler's and the TypeScript
 * writer's vocabulary, derived from the blocks (a class no block produces is not in it).
 */
export const LAYER_CLASSES: ReadonlyMap<string, TfjsLayerSpec> = new Map(
  ALL.flatMap((b) => (b.kind === 'primitive' ? Object.entries(b.tfjs) : [])),
);

/** All blocks, in palette order (primitives by family, then composites). */
export function listBlocks(): readonly BlockSpec[] {
  return ALL;
}

/** The closest known type name (case-insensitive, ignoring punctuation), for "did you mean" messages. */
export function suggestBlockType(type: string): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const t = norm(type);
  return ALL.find((b) => norm(b.type) === t)?.type ?? ALL.find((b) => t.length > 2 && norm(b.type).startsWith(t))?.type;
}
