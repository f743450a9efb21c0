/**
 * Every edit to a design is a named command with a pure `perform(doc, command) -> doc` (engine/commands/perform.ts).
 * The editor only dispatches these; undo/redo stores documents. Diagnostics' one-click fixes are commands too.
 */
import type { Position, TrainingSettings } from '../schema/document';
import type { FixCode, MessageValues } from '../messages';
import type { AnnotationCommand } from './annotations';
import type { SearchCommand } from './search';

/** Where edits to a shared composite definition go: every use of it, or a copy made for the edited use alone. */
export type ApplyTo = 'all' | 'unique';

export type EditCommand =
  | { kind: 'addNode'; id?: string; type: string; name?: string; params?: Record<string, unknown>; position: Position }
  | { kind: 'removeNodes'; nodeIds: string[] }
  | { kind: 'removeEdges'; edgeIds: string[] }
  /**
   * Removes a node with exactly one incoming and one outgoing wire and wires its source straight to its target
   * (Delete in the editor). Refused, naming why, when the node has other wiring or the ports cannot connect.
   */
  | { kind: 'removeNodeBridging'; nodeId: string }
  | { kind: 'moveNodes'; moves: { nodeId: string; position: Position }[] }
  | { kind: 'connect'; source: { node: string; port?: string }; target: { node: string; port?: string }; id?: string }
  | { kind: 'setParams'; nodeId: string; params: Record<string, unknown> }
  | { kind: 'renameNode'; nodeId: string; name: string }
  /** Insert a new block on an existing edge (e.g. Flatten before Dense, a 1x1 projection before Add); by default with a fresh id, halfway along. */
  | { kind: 'insertOnEdge'; edgeId: string; type: string; params?: Record<string, unknown>; name?: string; id?: string; position?: Position }
  /** Paste/duplicate: copies of nodes (and the edges among them), offset on the canvas. */
  | { kind: 'duplicateNodes'; nodeIds: string[]; offset: Position }
  /** Turn a selection into a user-defined composite definition and replace it by one linked node. */
  | { kind: 'makeComposite'; nodeIds: string[]; name: string }
  | { kind: 'setCollapsed'; nodeId: string; collapsed: boolean }
  /** Retarget a design: the Input's shape and/or the class count (units of the Dense feeding Output). */
  | { kind: 'retarget'; inputShape?: number[]; classes?: number }
  /** Change the design's stored training settings (validated whole; a bad value names its field). */
  | { kind: 'setTraining'; training: Partial<TrainingSettings> }
  /**
   * Edits inside composite node `nodeId` (engine/commands/composite-edit.ts): `commands` apply to its inside as a
   * document of its own. A built-in composite becomes a definition first; a shared definition changes for every
   * use (`all`, the default) or is copied for this node (`unique`; with no commands it only makes the copy).
   */
  | { kind: 'editComposite'; nodeId: string; commands: EditCommand[]; applyTo?: ApplyTo }
  /** Notes and frames on the canvas (engine/commands/annotations.ts). */
  | AnnotationCommand
  /** The architecture search stored with the design (engine/commands/search.ts). */
  | SearchCommand;

/** A one-click fix attached to a diagnostic: a label for the button and the command(s) it runs, in order. */
export interface Fix {
  label: string;
  /** Names the label for the editor's translations (engine/messages.ts), with `values` to fill it. */
  code?: FixCode;
  values?: MessageValues;
  commands: EditCommand[];
}
