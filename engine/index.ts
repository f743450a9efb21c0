/** The public API of the LayerLoom engine: the document, the block library, analysis, errors and edit commands. */
export * from './schema/document';
export { parseDocument, parseDocumentText, serializeDocument } from './schema/load';
export { migrate } from './schema/migrations';
export * from './blocks';
export * from './analysis';
export { DESIGN_ERROR_CODES, DesignError, assertNever, formatPath, type DesignErrorCode } from './errors';
export * from './messages';
export type { ApplyTo, EditCommand, Fix } from './commands/types';
