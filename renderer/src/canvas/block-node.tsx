/** A block on the canvas: name, type, output shape, parameter count and receptive field; ports as handles. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { getBlock, hasOutput, inputPorts, type DesignDocument, type DesignNode } from '../engine';
import { useEditor } from '../store';
import { canvasAnalysis, scopeView } from '../store/scope';
import { formatCompact, formatInt, formatPair, formatShape, heatColor } from '../ui/format';
import { Icon } from '../ui/icons';
import { toggleCollapsed } from './actions';
import { useZoomedOut } from './detail';
import type { BlockFlowNode } from './to-flow';

/** Per-node metric for the colour-by toggle. */
function metricOf(a: NodeAnalysisView | undefined, colorBy: string): number {
  if (!a) return 0;
  if (colorBy === 'params') return a.params.trainable + a.params.nonTrainable;
  if (colorBy === 'macs') return a.macs;
  if (colorBy === 'rf') return a.receptiveField ? Math.max(...a.receptiveField.size) : 0;
  return 0;
}

type NodeAnalysisView = NonNullable<ReturnType<typeof useNodeAnalysis>>;

/** The analysis of one node, selected narrowly so a node re-renders only when its own figures change. */
export function useNodeAnalysis(id: string) {
  return useEditor((s) => canvasAnalysis(s).analysis?.nodes[id]);
}

/** The node's colour under the colour-by toggle (a string, so the node re-renders only when its colour changes). */
function useHeat(id: string): string | null {
  return useEditor((s) => (s.colorBy === 'category' ? null : heatColor(metricOf(canvasAnalysis(s).analysis?.nodes[id], s.colorBy), s.metricRange[s.colorBy])));
}

/**
 * Output shape, parameters and RF: the part a new analysis changes. Its own memoized component, so an edit upstream
 * re-renders these few lines and not the node's head and ports.
 */
const NodeFigures = memo(function NodeFigures({ id }: { id: string }) {
  const { t } = useTranslation();
  const a = useNodeAnalysis(id);
  const colorBy = useEditor((s) => s.colorBy);
  // Inside an opened block, fields count from the block's input (the scope's analysis), and the title says so.
  const inBlock = useEditor((s) => s.scope.length > 0);
  const params = a ? a.params.trainable + a.params.nonTrainable : 0;
  const rf = a?.receptiveField;
  const rfTitle = rf ? t(rf.lowerBound ? 'node.rfTitleAtLeast' : 'node.rfTitle', { size: formatPair(rf.size), stride: formatPair(rf.stride) }) : '';
  return (
    <div className="ll-node__body">
      <div className="ll-node__shape mono" data-testid="node-shape">{a ? formatShape(a.outputShape) : '…'}</div>
      <div className="ll-node__stats mono">
        <span className={colorBy === 'params' ? 'is-metric' : ''} title={a ? t('node.paramsTitle', { count: params, formatted: formatInt(params) }) : ''}>
          {formatCompact(params)} <em>{t('node.params')}</em>
        </span>
        {colorBy === 'macs' ? (
          <span className="is-metric">{formatCompact(a?.macs ?? 0)} <em>MACs</em></span>
        ) : (
          <span className={colorBy === 'rf' ? 'is-metric' : ''} title={rf ? (inBlock ? t('node.rfInBlock', { title: rfTitle }) : rfTitle) : t('node.noRf')}>
            <em>{t('node.rf')}</em> {rf ? `${rf.lowerBound ? '≥' : ''}${formatPair(rf.size)}` : '–'}
            {rf && Math.max(...rf.stride) > 1 ? <em> /{formatPair(rf.stride)}</em> : null}
          </span>
        )}
      </div>
    </div>
  );
});

/** A small badge on a node whose params an architecture search varies (names them on hover). */
const SearchBadge = memo(function SearchBadge({ id }: { id: string }) {
  const searched = useEditor((s) => (s.doc.search?.params ?? []).filter((p) => p.node === id).map((p) => p.param).join(', '));
  return searched ? <SearchBadgeView id={id} searched={searched} /> : null;
});

/** The badge itself (its own component: only searched nodes subscribe to the interface language). */
function SearchBadgeView({ id, searched }: { id: string; searched: string }) {
  const { t } = useTranslation('search');
  return (
    <span className="ll-node__search" title={t('fields.badge', { params: searched })} data-testid={`search-badge-${id}`}>
      <Icon name="search" size={10} />
      {searched.split(', ').length}
    </span>
  );
}

/** The input ports (along the top) and the output port (bottom) as React Flow handles. */
function Ports({ node, composites }: { node: DesignNode; composites: DesignDocument['composites'] }) {
  const ports = inputPorts(node, composites);
  return (
    <>
      {ports.map((p, i) => (
        <Handle
          key={p.name}
          id={p.name}
          type="target"
          position={Position.Top}
          className={`ll-handle${p.variadic ? ' is-variadic' : ''}`}
          style={{ left: `${((i + 1) / (ports.length + 1)) * 100}%` }}
          title={p.variadic ? `${p.name} (accepts several)` : p.name}
        />
      ))}
      {hasOutput(node.type) && <Handle id="out" type="source" position={Position.Bottom} className="ll-handle" />}
    </>
  );
}

function BlockNodeImpl({ id, data, selected }: NodeProps<BlockFlowNode>) {
  const { t } = useTranslation();
  const node = data.node;
  const spec = getBlock(node.type);
  const composites = useEditor((s) => s.doc.composites);
  const issue = useEditor((s) => canvasAnalysis(s).nodeIssues[id]);
  const heat = useHeat(id);
  const zoomedOut = useZoomedOut();
  // The composite's own ports, on the canvas of its inside: fixed.
  const boundary = useEditor((s) => scopeView(s.doc, s.scope).boundary.has(id));
  const category = spec?.category ?? 'core';
  const isComposite = spec?.kind === 'composite';
  const style = { '--node-accent': heat ?? `var(--cat-${category})` } as CSSProperties;
  const title = spec ? spec.label : `Unknown block '${node.type}'`;
  const className = `ll-node${selected ? ' is-selected' : ''}${issue ? ` has-${issue}` : ''}${heat ? ' is-heat' : ''}${isComposite ? ' is-composite' : ''}${boundary ? ' is-boundary' : ''}`;
  if (zoomedOut) {
    // The simple form: a box of the same size in the block's colour. The handles stay (hidden) so wires keep their
    // anchors and the node's measured size does not change when the zoom crosses the threshold.
    return (
      <div className={`${className} is-simple`} style={style} data-testid={`node-${id}`} data-type={node.type} title={`${node.name} · ${title}`}>
        <Ports node={node} composites={composites} />
      </div>
    );
  }
  return (
    <div className={className} style={style} data-testid={`node-${id}`} data-type={node.type}>
      <Ports node={node} composites={composites} />
      <div className="ll-node__head">
        <span className="ll-node__dot" />
        <span className="ll-node__name" title={node.name}>{node.name}</span>
        <span className="ll-node__type">{boundary ? t(node.type === 'Input' ? 'node.blockInput' : 'node.blockOutput') : title}</span>
        <SearchBadge id={id} />
        {isComposite && (
          <button className="ll-node__toggle nodrag nokey" title={t('node.editLayers')} aria-label={t('node.open')} onClick={() => useEditor.getState().enterScope(id)}>
            <Icon name="layers" size={12} />
          </button>
        )}
        {isComposite && (
          <button className="ll-node__toggle nodrag nokey" title={t('inspector.expand')} aria-label={t('node.expand')} onClick={() => toggleCollapsed(id)}>
            <Icon name="expand" size={12} />
          </button>
        )}
      </div>
      <NodeFigures id={id} />
    </div>
  );
}

/** Memoized: re-renders only when its flow node object (document node, selection), its issue or its colour changes. */
export const BlockNode = memo(BlockNodeImpl);
