/**
 * The renderer's one door into the engine: everything the editor uses from `engine/` is re-exported here,
 * so a change in the engine's layout touches one file.
 */
export { performCommand, performCommands } from '../../engine/commands/perform';
export { FRAME_SIZE, NOTE_SIZE, frameContents, freshAnnotationId } from '../../engine/commands/annotations';
export { countUses, openScopePath, scopedCommand, type OpenedComposite, type ScopeLevel } from '../../engine/commands/composite-edit';
export { ANNOTATION_COLORS, type Annotation, type AnnotationColor } from '../../engine/schema/document';
export { blockCatalog, type CatalogEntry } from '../../engine/blocks/catalog';
export { documentSpace, keyOf as searchKeyOf, paretoFront, type SearchSpace } from '../../engine/search/space';
export { defaultSearchValues, formatSearchValues, parseSearchValues, searchableParams } from '../../engine/search/searchable';
export { CONNECT_CODES, DIAGNOSTIC_CODES, FIX_CODES, type MessageValues } from '../../engine/messages';
export { composeFields } from '../../engine/analysis/receptive-field';
export {
  canConnect,
  defaultName,
  defaultParams,
  emptyDocument,
  freshId,
  hasOutput,
  inputPorts,
  layoutGraph,
  type ConnectionAttempt,
  type ConnectionVerdict,
  type PortView,
} from '../../engine/graph';
export {
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  DesignError,
  analyzeDesign,
  createAnalyzer,
  getBlock,
  listBlocks,
  parseDocument,
  parseDocumentText,
  serializeDocument,
} from '../../engine';
export type {
  BlockCategory,
  BlockSpec,
  DesignAnalysis,
  DesignDocument,
  DesignEdge,
  DesignNode,
  Diagnostic,
  ApplyTo,
  EditCommand,
  Fix,
  NodeAnalysis,
  ReceptiveField,
  Shape,
} from '../../engine';
