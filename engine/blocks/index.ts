/** The block library: every block's params, rules and tfjs mapping, by type name. */
export { getBlock, listBlocks, suggestBlockType } from './registry';
export { convOutputLength, deconvLength, dilatedKernel, formatShape, padBefore, product } from './shape-utils';
export { definitionSubgraph } from './user-composite';
export * from './params';
export type * from './types';
