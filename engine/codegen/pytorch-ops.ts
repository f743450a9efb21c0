/**
 * The PyTorch translation of one layer node: the node's block writes it (`torch` in the block's file, with the
 * helpers of `torch-helpers.ts`); this module only dispatches, so a new block needs no entry here.
 */
import { getPrimitive } from '../blocks/registry';
import type { OpCode, OpContext } from './torch-helpers';

export type { OpCode, OpContext } from './torch-helpers';

/** The PyTorch code of one layer node; throws for a node `unsupportedFeatures` would have reported. */
export function torchOp(ctx: OpContext): OpCode {
  const block = getPrimitive(ctx.node.type);
  const className = ctx.node.layer?.className;
  if (!block?.torch || !className || !(className in block.tfjs)) {
    throw new Error(`${ctx.node.name}: ${className ?? ctx.node.type} has no PyTorch equivalent`);
  }
  return block.torch(ctx);
}
