/** Live analysis of designs: shapes, parameters, MACs, memory, receptive fields and diagnostics with fixes. */
export { analyzeDesign, createAnalyzer, type Analyzer } from './analyze';
export { estimateMemory } from './memory';
export { composeFields, fieldCentre } from './receptive-field';
export type { AnalyzeOptions, DesignAnalysis, Diagnostic, FlatNode, NodeAnalysis, ReceptiveField } from './types';
