/**
 * "Why does this design work": for the current design, the receptive field at the last convolution against
 * the input size, the parameter and compute split per stage (a stage = consecutive layers at one spatial
 * resolution; everything after the last image-shaped tensor is the head), and the warnings that matter.
 */
import { listBlocks } from '../blocks/registry';
import type { DesignAnalysis, Diagnostic } from '../analysis/types';
import type { DesignDocument } from '../schema/document';

/** One stage of the design. */
export interface DesignStage {
  /** `28×28`, or `head`. */
  label: string;
  nodeIds: string[];
  params: number;
  macs: number;
  /** Output channels at the end of the stage (null for the head). */
  channels: number | null;
}

/** What the view shows. */
export interface DesignStory {
  input: [number, number, number] | null;
  /** The last node with a convolution kernel, and its field. */
  lastConv: { nodeId: string; name: string; size: [number, number]; stride: [number, number]; coverage: number } | null;
  /** One sentence on the field vs the input (English, for the CLI and tests). */
  fieldVerdict: string;
  /** Which sentence, for the interface's language files (`inspect.why.verdict.<code>`); the numbers are in `lastConv` and `input`. */
  fieldVerdictCode: 'none' | 'whole' | 'large' | 'local';
  stages: DesignStage[];
  totals: { params: number; macs: number };
  /** Warnings and errors, most severe first. */
  warnings: Array<{ severity: 'error' | 'warning'; nodeId?: string; message: string; diagnostic: Diagnostic }>;
}

/** Block types of the convolution category (the registry's, so a new convolution counts without a list to edit). */
const CONV_TYPES = new Set(listBlocks().filter((b) => b.kind === 'primitive' && b.category === 'convolution').map((b) => b.type));

/**
 * Top-level nodes in topological order (the order their layers appear in the flat graph; the editor's
 * incremental analysis may leave `flat` empty, and then the document's order is used).
 */
function topoNodes(doc: DesignDocument, analysis: DesignAnalysis): DesignDocument['nodes'] {
  const seen = new Set<string>();
  const order: string[] = [];
  for (const f of analysis.flat) if (!seen.has(f.origin)) { seen.add(f.origin); order.push(f.origin); }
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const rest = doc.nodes.filter((n) => !seen.has(n.id));
  return [...order.map((id) => byId.get(id)!).filter(Boolean), ...rest];
}

/** Builds the story of a design from its analysis. */
export function designStory(doc: DesignDocument, analysis: DesignAnalysis): DesignStory {
  const nodes = topoNodes(doc, analysis);
  const inputNode = nodes.find((n) => n.type === 'Input');
  const inShape = inputNode ? analysis.nodes[inputNode.id]?.outputShape : null;
  const input = inShape && inShape.length === 3 ? ([inShape[0], inShape[1], inShape[2]] as [number, number, number]) : null;
  // A composite counts as a convolution when any of its layers is one.
  const convOrigins = new Set(analysis.flat.filter((f) => CONV_TYPES.has(f.type)).map((f) => f.origin));
  const isConv = (n: DesignDocument['nodes'][number]) => CONV_TYPES.has(n.type) || convOrigins.has(n.id);
  const last = [...nodes].reverse().find((n) => isConv(n) && analysis.nodes[n.id]?.receptiveField);
  let lastConv: DesignStory['lastConv'] = null;
  let fieldVerdict = 'No convolution: nothing looks at a neighbourhood of pixels.';
  let fieldVerdictCode: DesignStory['fieldVerdictCode'] = 'none';
  if (last && input) {
    const rf = analysis.nodes[last.id].receptiveField!;
    const coverage = Math.min(1, rf.size[0] / input[0]) * Math.min(1, rf.size[1] / input[1]);
    lastConv = { nodeId: last.id, name: last.name || last.id, size: rf.size, stride: rf.stride, coverage };
    const side = Math.max(rf.size[0] / input[0], rf.size[1] / input[1]);
    fieldVerdictCode = side >= 1 ? 'whole' : side >= 0.5 ? 'large' : 'local';
    fieldVerdict =
      side >= 1
        ? `Each unit of ${lastConv.name} sees ${rf.size[0]}×${rf.size[1]} px, the whole ${input[0]}×${input[1]} input: the last convolution can combine evidence from anywhere in the image.`
        : side >= 0.5
          ? `Each unit of ${lastConv.name} sees ${rf.size[0]}×${rf.size[1]} px of the ${input[0]}×${input[1]} input (${Math.round(coverage * 100)}%): large parts of an object, and the dense/pooling head combines the rest.`
          : `Each unit of ${lastConv.name} sees only ${rf.size[0]}×${rf.size[1]} px of the ${input[0]}×${input[1]} input (${Math.round(coverage * 100)}%): it recognises local texture, not whole objects. More downsampling (stride or pooling) or deeper stages would widen it.`;
  }
  const stages: DesignStage[] = [];
  let head = false;
  for (const n of nodes) {
    const a = analysis.nodes[n.id];
    if (!a || n.type === 'Input' || n.type === 'Output') continue;
    const shape = a.outputShape;
    if (!shape || shape.length !== 3) head = true;
    const label = head ? 'head' : `${shape![0]}×${shape![1]}`;
    let stage = stages.at(-1);
    if (!stage || stage.label !== label) {
      stage = { label, nodeIds: [], params: 0, macs: 0, channels: null };
      stages.push(stage);
    }
    stage.nodeIds.push(n.id);
    stage.params += a.params.trainable + a.params.nonTrainable;
    stage.macs += a.macs;
    stage.channels = head ? null : shape![2];
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const warnings = analysis.diagnostics
    .filter((d): d is typeof d & { severity: 'error' | 'warning' } => d.severity !== 'info')
    .sort((a, b) => rank[a.severity] - rank[b.severity])
    .map((d) => ({ severity: d.severity, ...(d.nodeId ? { nodeId: d.nodeId } : {}), message: d.message, diagnostic: d }));
  return { input, lastConv, fieldVerdict, fieldVerdictCode, stages, totals: { params: analysis.totals.params, macs: analysis.totals.macs }, warnings };
}
