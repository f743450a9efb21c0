/**
 * The rules of the graph, written once (as `@xyflow/system` is to `@xyflow/react`): a node's ports, whether a
 * wire may be drawn and why not, the cycle check, fresh ids and names, the empty document and default params.
 * The edit commands, the editor and the CLI all use these; none keeps its own copy.
 */
export { canConnect, createsCycle, type ConnectionAttempt, type ConnectionVerdict } from './connect';
export { defaultParams, emptyDocument } from './document';
export { defaultName, freshId, uniqueName } from './ids';
export { layoutGraph, type LayoutBox } from './layout';
export { hasOutput, inputPorts, type PortView } from './ports';
